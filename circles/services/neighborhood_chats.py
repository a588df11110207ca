"""Group chats linked to a neighborhood: where its new asks are announced and escalated."""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.ask import place_key
from circles.errors import N_, Conflict, Invalid, PermissionDenied
from circles.model import Volunteer
from circles.text import clean
from circles.unit_of_work import Session, UnitOfWork

NEIGHBORHOODS = "neighborhoods"
# Leads of these circles (or of the network above them) look after asks and their chats.
STEWARD_CIRCLES = ("connect", "practice")


@dataclass(frozen=True)
class NeighborhoodLink:
    name: str
    chat: str
    changed: bool


def is_steward(s: Session, volunteer: Volunteer) -> bool:
    """Admins, and leads of the connect or practice circle (or above them)."""
    if s.is_admin(volunteer):
        return True
    for slug in STEWARD_CIRCLES:
        circle = s.circles.get(slug)
        if circle is None:
            continue
        try:
            s.require_lead(volunteer, circle)
        except PermissionDenied:
            continue
        return True
    return False


def require_steward(s: Session, volunteer: Volunteer) -> None:
    if not is_steward(s, volunteer):
        raise PermissionDenied(N_("Only leads of connect or practice (or an admin) may do that."))


def _group_chat(actor: Actor) -> str:
    if not actor.in_group or not actor.chat:
        raise Invalid(
            N_(
                "Only a group chat can be linked to a neighborhood: add me to the "
                "neighborhood's group and send this there."
            )
        )
    return actor.chat


def link_neighborhood(uow: UnitOfWork, actor: Actor, name: str) -> NeighborhoodLink:
    chat = _group_chat(actor)
    name = clean(name, field="neighborhood", max_length=80)
    with uow.begin() as s:
        require_steward(s, s.require_volunteer(actor.identity))
        key = place_key(name)
        doc = s.tx.get(NEIGHBORHOODS, key) or {"id": key, "name": name, "chats": []}
        if chat in doc["chats"]:
            return NeighborhoodLink(str(doc["name"]), chat, changed=False)
        s.tx.put(NEIGHBORHOODS, key, {**doc, "chats": [*doc["chats"], chat]})
        s.commit()
        return NeighborhoodLink(str(doc["name"]), chat, changed=True)


def unlink_neighborhood(uow: UnitOfWork, actor: Actor, name: str) -> NeighborhoodLink:
    chat = _group_chat(actor)
    name = clean(name, field="neighborhood", max_length=80)
    with uow.begin() as s:
        require_steward(s, s.require_volunteer(actor.identity))
        doc = s.tx.get(NEIGHBORHOODS, place_key(name))
        if doc is None or chat not in doc["chats"]:
            raise Conflict(N_("This chat is not linked to {place}."), place=name)
        s.tx.put(NEIGHBORHOODS, doc["id"], {**doc, "chats": [c for c in doc["chats"] if c != chat]})
        s.commit()
        return NeighborhoodLink(str(doc["name"]), chat, changed=True)


def chats_of(s: Session, neighborhood: str) -> list[str]:
    doc = s.tx.get(NEIGHBORHOODS, place_key(neighborhood)) if neighborhood else None
    return list(doc["chats"]) if doc else []


def linked_names(s: Session) -> dict[str, str]:
    """Each linked neighborhood by its key, with the name as first written."""
    return {str(d["id"]): str(d["name"]) for d in s.tx.all(NEIGHBORHOODS)}
