"""Creating relays, showing their board, claiming and releasing slots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from circles.actor import Actor
from circles.errors import N_, Invalid, NotFound
from circles.masking import mask, traces_of
from circles.model import NETWORK
from circles.recurrence import at_local, parse_clock, within_reach, zone
from circles.relay import Relay, parse_shape
from circles.services import quotas
from circles.services.lookup import find_circle
from circles.services.meetups import circle_timezone
from circles.text import clean
from circles.unit_of_work import Session, UnitOfWork

RELAYS = "relays"
MAX_TITLE = 120
WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class RelayView:
    """A relay with its holders' names and the time zone to show it in."""

    relay: Relay
    names: dict[str, str]
    timezone: str


def parse_slot(text: str) -> int:
    if not text.strip().isdigit():
        raise Invalid(N_("'{value}' is not a slot number."), value=text[:20])
    return int(text)


def load(s: Session, relay_id: str) -> Relay:
    doc = s.tx.get(RELAYS, relay_id.strip().lower())
    if doc is None:
        raise NotFound(N_("There is no relay '{relay}'."), relay=relay_id[:40])
    return Relay.from_doc(doc)


def circle_for(s: Session, actor: Actor, named: str) -> str:
    """The named circle, else the circle this chat is linked to, else the network circle."""
    if named:
        return find_circle(s, named).slug
    if actor.chat:
        for circle in s.circles.all():
            if actor.chat in circle.chats:
                return circle.slug
    return NETWORK


def create_relay(
    uow: UnitOfWork, actor: Actor, when: str, shape: str, title: str, circle: str = ""
) -> Relay:
    """A lead sets up a relay starting at local ``YYYY-MM-DDTHH:MM`` in the circle's zone."""
    match = WHEN.match(when.strip())
    if match is None:
        raise Invalid(
            N_("'{value}' is not a start: write YYYY-MM-DDTHH:MM, e.g. 2026-12-01T20:00."),
            value=when[:30],
        )
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        raise Invalid(
            N_("'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01."),
            value=match.group(1),
        ) from None
    start_time = parse_clock(match.group(2))
    slots, minutes = parse_shape(shape)
    title = clean(title, field="title", max_length=MAX_TITLE)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        target = s.circles.require(circle_for(s, actor, circle))
        s.require_lead(volunteer, target)
        within_reach(day, s.now.date())
        quotas.check_coming_relays(s, volunteer, _coming_by(s, volunteer.id))
        start = at_local(day, start_time, zone(circle_timezone(s, target.slug)))
        if start <= s.now:
            raise Invalid(
                N_("{when} is already past: a relay must start in the future."), when=when[:30]
            )
        relay = Relay(
            id=s.new_id(RELAYS, "r"),
            circle=target.slug,
            title=title,
            start=start,
            slots=slots,
            minutes=minutes,
            created_by=volunteer.id,
            created_at=s.now,
        )
        s.tx.put(RELAYS, relay.id, relay.to_doc())
        s.commit()
        return relay


def _coming_by(s: Session, volunteer_id: str) -> int:
    """How many relays not yet over ``volunteer_id`` created."""
    count = 0
    for doc in s.tx.all(RELAYS):
        if doc.get("created_by") != volunteer_id:
            continue
        try:
            if Relay.from_doc(doc).end > s.now:
                count += 1
        except (KeyError, TypeError, ValueError, OverflowError):
            count += 1  # an unreadable one counts until its lead deletes it
    return count


def view_relay(uow: UnitOfWork, relay_id: str) -> RelayView:
    with uow.begin() as s:
        relay = load(s, relay_id)
        names = s.volunteers.names_of(relay.holders.values())
        return RelayView(relay, names, circle_timezone(s, relay.circle))


def current_relays(uow: UnitOfWork) -> list[Relay]:
    """Relays not yet over, soonest first; one unreadable record is left out, not the list."""
    with uow.begin() as s:
        docs = list(s.tx.all(RELAYS))
        now = s.now
    relays = []
    for doc in docs:
        try:
            relay = Relay.from_doc(doc)
            if relay.end > now:
                relays.append(relay)
        except (KeyError, TypeError, ValueError, OverflowError):
            # A record from before dates were bounded (year 9999): its lead can delete it.
            continue
    return sorted(relays, key=lambda r: (r.start, r.id))


def claim_slot(uow: UnitOfWork, actor: Actor, relay_id: str, slot: str) -> RelayView:
    number = parse_slot(slot)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        relay = load(s, relay_id)
        relay.claim(number, volunteer.id, s.now)
        s.tx.put(RELAYS, relay.id, relay.to_doc())
        s.commit()
    return view_relay(uow, relay.id)


def release_slot(uow: UnitOfWork, actor: Actor, relay_id: str, slot: str) -> RelayView:
    """The holder gives a slot back; a lead of the relay's circle may free anyone's."""
    number = parse_slot(slot)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        relay = load(s, relay_id)
        relay.check_slot(number)
        holder = relay.holders.get(number)
        as_lead = False
        if holder is not None and holder != volunteer.id:
            s.require_lead(volunteer, s.circles.require(relay.circle))
            as_lead = True
        relay.release(number, volunteer.id, as_lead=as_lead, now=s.now)
        s.tx.put(RELAYS, relay.id, relay.to_doc())
        s.commit()
    return view_relay(uow, relay.id)


def delete_relay(uow: UnitOfWork, actor: Actor, relay_id: str) -> Relay:
    """A lead of the relay's circle removes it, its board and every notice still to come."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        relay = load(s, relay_id)
        s.require_lead(volunteer, s.circles.require(relay.circle))
        s.tx.delete(RELAYS, relay.id)
        s.commit()
        return relay


def forget_volunteer(s: Session, volunteer_id: str) -> int:
    """Free every relay slot a volunteer holds, inside an open session (for ``forgetme``).

    Relays they created stay (others hold slots in them) but no longer name them, not even in
    the title.
    """
    terms = traces_of(s, volunteer_id)
    freed = 0
    for doc in list(s.tx.all(RELAYS)):
        relay = Relay.from_doc(doc)
        held = [slot for slot, who in relay.holders.items() if who == volunteer_id]
        for slot in held:
            del relay.holders[slot]
        freed += len(held)
        if held or relay.created_by == volunteer_id:
            if relay.created_by == volunteer_id:
                relay.created_by = ""
                relay.title = mask(relay.title, terms)
            s.tx.put(RELAYS, relay.id, relay.to_doc())
    return freed


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Give ``into_id`` the slots and relays of ``from_id``."""
    for doc in list(s.tx.all(RELAYS)):
        relay = Relay.from_doc(doc)
        held = [slot for slot, who in relay.holders.items() if who == from_id]
        for slot in held:
            relay.holders[slot] = into_id
        if held or relay.created_by == from_id:
            if relay.created_by == from_id:
                relay.created_by = into_id
            s.tx.put(RELAYS, relay.id, relay.to_doc())


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    """The relays a volunteer holds slots in or created, with only their own slots."""
    found: list[dict[str, Any]] = []
    for doc in sorted(s.tx.all(RELAYS), key=lambda d: str(d["id"])):
        relay = Relay.from_doc(doc)
        slots = {str(n): who for n, who in sorted(relay.holders.items()) if who == volunteer_id}
        if slots or relay.created_by == volunteer_id:
            found.append(
                {
                    "id": relay.id,
                    "circle": relay.circle,
                    "title": relay.title,
                    "start": relay.start.isoformat(),
                    "holders": slots,
                    "created_by": relay.created_by if relay.created_by == volunteer_id else "",
                }
            )
    return found
