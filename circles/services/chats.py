"""Linking group chats to circles, so a circle's reminders and announcements reach its people."""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Conflict, Invalid
from circles.model import Circle
from circles.services.lookup import find_circle
from circles.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ChatLink:
    """A circle after a link or unlink of ``chat``; ``changed`` is False if nothing was to do."""

    circle: Circle
    chat: str
    changed: bool


def _group_chat(actor: Actor) -> str:
    if not actor.in_group or not actor.chat:
        raise Invalid(
            N_(
                "Only a group chat can be linked to a circle: add me to the circle's group "
                "and send this there."
            )
        )
    return actor.chat


def link_chat(uow: UnitOfWork, actor: Actor, circle_slug: str) -> ChatLink:
    """Make the group chat the command came from one of the circle's chats (leads, admins)."""
    chat = _group_chat(actor)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle = find_circle(s, circle_slug)
        s.require_lead(volunteer, circle)
        if chat in circle.chats:
            return ChatLink(circle, chat, changed=False)
        circle.chats.append(chat)
        s.circles.save(circle)
        s.commit()
        return ChatLink(circle, chat, changed=True)


def unlink_chat(uow: UnitOfWork, actor: Actor, circle_slug: str) -> ChatLink:
    """Stop sending the circle's reminders and announcements to this group chat."""
    chat = _group_chat(actor)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle = find_circle(s, circle_slug)
        s.require_lead(volunteer, circle)
        if chat not in circle.chats:
            raise Conflict(N_("This chat is not linked to {circle}."), circle=circle.slug)
        circle.chats.remove(chat)
        s.circles.save(circle)
        s.commit()
        return ChatLink(circle, chat, changed=True)


def move_chat(uow: UnitOfWork, old: str, new: str) -> list[str]:
    """A chat got a new id (a Telegram group became a supergroup): its circles follow it.

    The platform reports this itself, so no one's permission is asked; returns the circles
    that were changed.
    """
    moved: list[str] = []
    with uow.begin() as s:
        for circle in s.circles.all():
            if old not in circle.chats:
                continue
            chats = [new if chat == old else chat for chat in circle.chats]
            circle.chats = list(dict.fromkeys(chats))  # the new id may be linked already
            s.circles.save(circle)
            moved.append(circle.slug)
        if moved:
            s.commit()
    return moved
