"""People in asks and offers: volunteers, and neighbors who never joined (a light record)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from circles.actor import Actor
from circles.ask import Neighbor
from circles.errors import N_, PermissionDenied
from circles.text import clean
from circles.unit_of_work import PREFERENCES, Session

NEIGHBORS = "neighbors"
NEIGHBOR_PREFIX = "n"


@dataclass(frozen=True)
class Person:
    """Whoever asks, offers or helps, as the ask services need them (never shown to others)."""

    id: str
    name: str
    identities: tuple[str, ...]
    language: str = ""
    neighborhood: str = ""
    skills: tuple[str, ...] = field(default_factory=tuple)
    volunteer: bool = False


def _neighbor_by_identity(s: Session, identity: str) -> Neighbor | None:
    found = s.tx.find(NEIGHBORS, "identity", identity)
    return Neighbor.from_doc(found[0]) if found else None


def _from_neighbor(s: Session, neighbor: Neighbor) -> Person:
    language = neighbor.language or str(
        (s.tx.get(PREFERENCES, neighbor.identity) or {}).get("language", "")
    )
    return Person(neighbor.id, neighbor.name, (neighbor.identity,), language, neighbor.neighborhood)


def person_by_id(s: Session, person_id: str) -> Person | None:
    if person_id.startswith(NEIGHBOR_PREFIX):
        doc = s.tx.get(NEIGHBORS, person_id)
        return _from_neighbor(s, Neighbor.from_doc(doc)) if doc else None
    volunteer = s.volunteers.get(person_id)
    if volunteer is None:
        return None
    return Person(
        volunteer.id,
        volunteer.name,
        tuple(volunteer.identities),
        volunteer.language,
        volunteer.neighborhood,
        tuple(volunteer.skills),
        volunteer=True,
    )


def person_of(s: Session, identity: str) -> Person | None:
    """The volunteer with this identity, else the neighbor record, else None."""
    volunteer = s.volunteers.by_identity(identity)
    if volunteer is not None:
        return person_by_id(s, volunteer.id)
    neighbor = _neighbor_by_identity(s, identity)
    return _from_neighbor(s, neighbor) if neighbor else None


def ids_of(s: Session, identity: str) -> set[str]:
    """Every person id this identity has used: a neighbor who later joined has two."""
    ids: set[str] = set()
    volunteer = s.volunteers.by_identity(identity)
    if volunteer is not None:
        ids.add(volunteer.id)
    neighbor = _neighbor_by_identity(s, identity)
    if neighbor is not None:
        ids.add(neighbor.id)
    return ids


def require_person(s: Session, identity: str) -> Person:
    person = person_of(s, identity)
    if person is None:
        raise PermissionDenied(N_("You have no asks or offers here yet."))
    return person


def ensure_person(s: Session, actor: Actor, neighborhood: str = "") -> Person:
    """The asking person; a light neighbor record is made for someone who never joined."""
    person = person_of(s, actor.identity)
    if person is not None:
        if not person.volunteer and neighborhood and neighborhood != person.neighborhood:
            doc = s.tx.get(NEIGHBORS, person.id) or {}
            s.tx.put(NEIGHBORS, person.id, {**doc, "neighborhood": neighborhood})
            return person_by_id(s, person.id) or person
        return person
    name = clean(actor.name or "", field="name", max_length=80, allow_empty=True) or "?"
    neighbor = Neighbor(
        id=s.new_id(NEIGHBORS, NEIGHBOR_PREFIX),
        identity=actor.identity,
        name=name,
        created_at=s.now,
        neighborhood=neighborhood,
    )
    s.tx.put(NEIGHBORS, neighbor.id, neighbor.to_doc())
    return _from_neighbor(s, neighbor)


def is_neighbor(person_id: str) -> bool:
    return person_id.startswith(NEIGHBOR_PREFIX)


# Hooks for personal data. A neighbor id is never a volunteer id, so these touch only neighbors.


def forget_neighbor(s: Session, person_id: str) -> int:
    doc = s.tx.get(NEIGHBORS, person_id)
    if doc is None:
        return 0
    if s.tx.get(PREFERENCES, str(doc["identity"])) is not None:
        s.tx.delete(PREFERENCES, str(doc["identity"]))
    s.tx.delete(NEIGHBORS, person_id)
    return 1


def merge_neighbor(s: Session, from_id: str, into_id: str) -> None:
    """A neighbor record merged into a volunteer goes; the volunteer's record stays whole."""
    if is_neighbor(from_id):
        forget_neighbor(s, from_id)


def neighbor_data(s: Session, person_id: str) -> list[dict[str, Any]]:
    doc = s.tx.get(NEIGHBORS, person_id)
    return [dict(doc)] if doc else []
