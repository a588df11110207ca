"""An ask: what a neighbor needs and who helps; offers; neighbors; the rules that bound asks."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from circles.ports import Doc

DRAFT, OPEN, TAKEN, DONE, CLOSED = "draft", "open", "taken", "done", "closed"
STATUSES = (DRAFT, OPEN, TAKEN, DONE, CLOSED)

# Each kind's names in both languages (what people type) and its label (what the bot shows).
KIND_NAMES: dict[str, tuple[str, ...]] = {
    "groceries": ("groceries", "food", "买菜", "食品", "买食物", "菜"),
    "medicine": ("medicine", "medicines", "药", "买药", "药品"),
    "errand": ("errand", "errands", "跑腿", "代办"),
    "transport": ("transport", "ride", "出行", "交通", "接送"),
    "information": ("information", "info", "信息", "咨询"),
    "company": ("company", "陪伴", "聊天"),
    "parcels": ("parcels", "parcel", "快递", "包裹"),
    "other": ("other", "其他", "其它"),
}
KIND_ZH: dict[str, str] = {
    "groceries": "买菜",
    "medicine": "买药",
    "errand": "跑腿",
    "transport": "出行",
    "information": "信息",
    "company": "陪伴",
    "parcels": "快递",
    "other": "其他",
}
# A kind that a shipped kit helps with: ``done`` asks whether the kit helped.
KIT_OF_KIND: dict[str, str] = {
    "parcels": "parcel-sorting",
    "company": "community-handshake",
    "transport": "return-trip",
}
URGENT_WORDS = frozenset({"urgent", "紧急", "急"})


def place_key(name: str) -> str:
    """One key per neighborhood however it is typed: NFKC, case-folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def kind_label(kind: str) -> dict[str, str]:
    """A kind's name in each language, as announcements carry localized parameters."""
    return {"en": kind, "zh": KIND_ZH.get(kind, kind)}


def kind_of(word: str) -> str | None:
    """The kind a word names, in either language, or None."""
    word = word.strip().lower()
    for kind, names in KIND_NAMES.items():
        if word in names:
            return kind
    return None


@dataclass(frozen=True)
class AskRules:
    """The network's limits and times for asks (the config's ``asks:`` section)."""

    escalate_urgent_after: timedelta = timedelta(hours=2)
    escalate_after: timedelta = timedelta(hours=24)
    nudge_after: timedelta = timedelta(hours=24)
    retention: timedelta = timedelta(days=30)
    max_open: int = 5
    notify_max: int = 5

    def escalate_at(self, ask: Ask) -> datetime:
        wait = self.escalate_urgent_after if ask.urgent else self.escalate_after
        return (ask.posted_at or ask.created_at) + wait


@dataclass
class Ask:
    """A need, posted by an asker (a volunteer or a neighbor who never joined).

    ``text`` is public (announced, listed, shown on the portal); ``private`` is shown only to
    the helpers once they take the ask. ``asker`` and ``helpers`` are person ids and never shown.
    """

    id: str
    asker: str
    text: str
    kind: str
    neighborhood: str
    created_at: datetime
    urgent: bool = False
    private: str = ""
    status: str = DRAFT
    posted_at: datetime | None = None
    helpers: list[str] = field(default_factory=list)
    max_helpers: int = 1
    taken_at: datetime | None = None
    done_claim: str = ""  # the party who said done, waiting for the other to confirm
    closed_at: datetime | None = None
    closed_by: str = ""  # asker, helper, lead
    hidden: bool = False  # flagged, waiting for a lead's review
    flagged_by: list[str] = field(default_factory=list)
    nudged: bool = False
    escalated: bool = False
    kit_used: str = ""  # the kit a helper said helped ("-" none)
    purged: bool = False  # relayed messages deleted after retention

    @property
    def is_live(self) -> bool:
        return self.status in (OPEN, TAKEN)

    @property
    def listed(self) -> bool:
        """Shown to volunteers looking for something to take."""
        return self.status == OPEN and not self.hidden

    @property
    def kit(self) -> str:
        return KIT_OF_KIND.get(self.kind, "")

    def party(self, person: str) -> str:
        """``asker``, ``helper`` or "" for who ``person`` is in this ask."""
        if person == self.asker:
            return "asker"
        return "helper" if person in self.helpers else ""

    def to_doc(self) -> Doc:
        def moment(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "asker": self.asker,
            "text": self.text,
            "private": self.private,
            "kind": self.kind,
            "neighborhood": self.neighborhood,
            "urgent": self.urgent,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "posted_at": moment(self.posted_at),
            "helpers": list(self.helpers),
            "max_helpers": self.max_helpers,
            "taken_at": moment(self.taken_at),
            "done_claim": self.done_claim,
            "closed_at": moment(self.closed_at),
            "closed_by": self.closed_by,
            "hidden": self.hidden,
            "flagged_by": list(self.flagged_by),
            "nudged": self.nudged,
            "escalated": self.escalated,
            "kit_used": self.kit_used,
            "purged": self.purged,
            # Derived keys the store indexes, so a listing finds open asks without reading all.
            "open_in": place_key(self.neighborhood) if self.listed else None,
            "open_kind": self.kind if self.listed else None,
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Ask:
        def moment(key: str) -> datetime | None:
            value = doc.get(key)
            return datetime.fromisoformat(value) if value else None

        return cls(
            id=str(doc["id"]),
            asker=str(doc.get("asker") or ""),
            text=str(doc.get("text") or ""),
            private=str(doc.get("private") or ""),
            kind=str(doc.get("kind") or "other"),
            neighborhood=str(doc.get("neighborhood") or ""),
            urgent=bool(doc.get("urgent")),
            status=str(doc.get("status") or DRAFT),
            created_at=datetime.fromisoformat(str(doc["created_at"])),
            posted_at=moment("posted_at"),
            helpers=[str(h) for h in doc.get("helpers") or []],
            max_helpers=int(doc.get("max_helpers") or 1),
            taken_at=moment("taken_at"),
            done_claim=str(doc.get("done_claim") or ""),
            closed_at=moment("closed_at"),
            closed_by=str(doc.get("closed_by") or ""),
            hidden=bool(doc.get("hidden")),
            flagged_by=[str(f) for f in doc.get("flagged_by") or []],
            nudged=bool(doc.get("nudged")),
            escalated=bool(doc.get("escalated")),
            kit_used=str(doc.get("kit_used") or ""),
            purged=bool(doc.get("purged")),
        )


@dataclass
class Offer:
    """Something a person offers (a thing, a skill, a place, time); ``person`` is never shown."""

    id: str
    person: str
    text: str
    kind: str
    neighborhood: str
    created_at: datetime
    open: bool = True

    def to_doc(self) -> Doc:
        return {
            "id": self.id,
            "person": self.person,
            "text": self.text,
            "kind": self.kind,
            "neighborhood": self.neighborhood,
            "created_at": self.created_at.isoformat(),
            "open": self.open,
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Offer:
        return cls(
            id=str(doc["id"]),
            person=str(doc.get("person") or ""),
            text=str(doc.get("text") or ""),
            kind=str(doc.get("kind") or "other"),
            neighborhood=str(doc.get("neighborhood") or ""),
            created_at=datetime.fromisoformat(str(doc["created_at"])),
            open=bool(doc.get("open", True)),
        )


@dataclass
class Neighbor:
    """A person who asked or offered without joining: only what answering them needs."""

    id: str
    identity: str
    name: str
    created_at: datetime
    language: str = ""
    neighborhood: str = ""

    def to_doc(self) -> Doc:
        return {
            "id": self.id,
            "identity": self.identity,
            "name": self.name,
            "language": self.language,
            "neighborhood": self.neighborhood,
            "created_at": self.created_at.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Neighbor:
        return cls(
            id=str(doc["id"]),
            identity=str(doc["identity"]),
            name=str(doc.get("name") or ""),
            language=str(doc.get("language") or ""),
            neighborhood=str(doc.get("neighborhood") or ""),
            created_at=datetime.fromisoformat(str(doc["created_at"])),
        )
