"""A relay: an event cut into equal slots (the 24-hour poetry relay), each held by a volunteer.

Slots are numbered from 1, as volunteers read them on the board; ``holders`` maps a slot number
to the volunteer holding it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from circles.errors import N_, Conflict, Invalid
from circles.ports import Doc

SHAPE = re.compile(r"^(\d{1,3})\s*[x×*]\s*(\d{1,4})$")
MAX_SLOTS = 200
MIN_MINUTES = 5
MAX_MINUTES = 24 * 60
MAX_LENGTH = timedelta(days=7)


def parse_shape(text: str) -> tuple[int, int]:
    """``24x60`` -> (24 slots, 60 minutes each), within sane bounds, or Invalid."""
    match = SHAPE.match(text.strip().lower())
    if match:
        slots, minutes = int(match.group(1)), int(match.group(2))
        if (
            0 < slots <= MAX_SLOTS
            and MIN_MINUTES <= minutes <= MAX_MINUTES
            and timedelta(minutes=slots * minutes) <= MAX_LENGTH
        ):
            return slots, minutes
    raise Invalid(
        N_(
            "'{value}' is not a slot plan: write <slots>x<minutes>, e.g. 24x60 "
            "(1-200 slots of 5-1440 minutes, at most 7 days in all)."
        ),
        value=text[:20],
    )


@dataclass
class Relay:
    """An event of ``slots`` consecutive slots of ``minutes`` each, starting at ``start`` (UTC)."""

    id: str
    circle: str
    title: str
    start: datetime
    slots: int
    minutes: int
    created_by: str
    created_at: datetime
    holders: dict[int, str] = field(default_factory=dict)

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.slots * self.minutes)

    @property
    def end(self) -> datetime:
        return self.start + self.length

    def slot_start(self, slot: int) -> datetime:
        return self.start + timedelta(minutes=(slot - 1) * self.minutes)

    def slot_end(self, slot: int) -> datetime:
        return self.slot_start(slot) + timedelta(minutes=self.minutes)

    def check_slot(self, slot: int) -> int:
        if not 1 <= slot <= self.slots:
            raise Invalid(
                N_("Relay {relay} has slots 1 to {slots}, not {slot}."),
                relay=self.id,
                slots=self.slots,
                slot=slot,
            )
        return slot

    def claim(self, slot: int, volunteer_id: str, now: datetime) -> None:
        self.check_slot(slot)
        if self.slot_end(slot) <= now:
            raise Conflict(N_("Slot {slot} of relay {relay} is over."), slot=slot, relay=self.id)
        holder = self.holders.get(slot)
        if holder == volunteer_id:
            raise Conflict(N_("You already hold slot {slot}."), slot=slot)
        if holder is not None:
            raise Conflict(
                N_("Slot {slot} of relay {relay} is taken; pick an open one."),
                slot=slot,
                relay=self.id,
            )
        self.holders[slot] = volunteer_id

    def release(self, slot: int, volunteer_id: str, *, as_lead: bool, now: datetime) -> str:
        """Free a slot; its holder may, and so may a lead. Returns who held it."""
        self.check_slot(slot)
        holder = self.holders.get(slot)
        if holder is None:
            raise Conflict(N_("Slot {slot} of relay {relay} is open."), slot=slot, relay=self.id)
        if holder != volunteer_id and not as_lead:
            raise Conflict(N_("Slot {slot} is held by someone else."), slot=slot)
        if self.slot_end(slot) <= now:
            raise Conflict(N_("Slot {slot} of relay {relay} is over."), slot=slot, relay=self.id)
        del self.holders[slot]
        return holder

    def to_doc(self) -> Doc:
        return {
            "id": self.id,
            "circle": self.circle,
            "title": self.title,
            "start": self.start.isoformat(),
            "slots": self.slots,
            "minutes": self.minutes,
            "holders": {str(slot): who for slot, who in sorted(self.holders.items())},
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Relay:
        return cls(
            id=str(doc["id"]),
            circle=str(doc["circle"]),
            title=str(doc["title"]),
            start=datetime.fromisoformat(str(doc["start"])),
            slots=int(doc["slots"]),
            minutes=int(doc["minutes"]),
            created_by=str(doc.get("created_by", "")),
            created_at=datetime.fromisoformat(str(doc.get("created_at") or doc["start"])),
            holders={int(slot): str(who) for slot, who in (doc.get("holders") or {}).items()},
        )
