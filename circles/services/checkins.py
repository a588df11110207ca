"""Recording check-ins, reading the recent ones, and counting how often each kit was used."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from circles.actor import Actor
from circles.checkin import Checkin, kit_tags
from circles.errors import N_, NotFound
from circles.text import clean
from circles.unit_of_work import Session, UnitOfWork

CHECKINS = "checkins"
MAX_TEXT = 280
FEED_LENGTH = 10


@dataclass(frozen=True)
class CheckinView:
    """A check-in with its author's current name (empty when the author was forgotten)."""

    checkin: Checkin
    author: str


def record_checkin(
    uow: UnitOfWork, actor: Actor, text: str, known_kits: Collection[str]
) -> Checkin:
    """A volunteer records an action; a ``#kit-id`` in the text must name a kit in ``known_kits``.

    The kit catalog lives outside the domain, so the caller passes the ids it knows.
    """
    text = clean(text, field="text", max_length=MAX_TEXT)
    tags = kit_tags(text)
    for tag in tags:
        if tag not in known_kits:
            raise NotFound(N_("There is no kit '{kit}': send kits for the list."), kit=tag)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        checkin = Checkin(
            id=s.new_id(CHECKINS, "c"),
            volunteer=volunteer.id,
            text=text,
            kit=tags[0] if tags else "",
            neighborhood=volunteer.neighborhood,
            at=s.now,
        )
        s.tx.put(CHECKINS, checkin.id, checkin.to_doc())
        s.commit()
    return checkin


def recent_checkins(s: Session, limit: int = FEED_LENGTH) -> list[CheckinView]:
    """The newest check-ins first, with their authors' names."""
    checkins = sorted(
        (Checkin.from_doc(doc) for doc in s.tx.all(CHECKINS)),
        key=lambda checkin: (checkin.at, checkin.id),
        reverse=True,
    )[:limit]
    return [
        CheckinView(checkin, s.volunteers.name_of(checkin.volunteer) if checkin.volunteer else "")
        for checkin in checkins
    ]


def kit_usage(s: Session) -> Counter[str]:
    """How many check-ins name each kit."""
    return Counter(doc["kit"] for doc in s.tx.all(CHECKINS) if doc.get("kit"))
