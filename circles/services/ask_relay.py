"""Private relay: the asker and the helper talk through the bot, and never see each other's
account. Messages are kept while the ask is live and ``retention`` after it closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from circles.actor import Actor
from circles.ask import CLOSED, DONE, TAKEN, Ask
from circles.errors import N_, Conflict, PermissionDenied
from circles.services.ask_outbox import tell
from circles.services.asks import ASKS, get_ask, save
from circles.services.neighbors import ids_of
from circles.text import clean
from circles.unit_of_work import Session, UnitOfWork

MESSAGES = "ask_messages"
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class Relayed:
    ask: Ask
    to: int  # how many people it goes to


def say(uow: UnitOfWork, actor: Actor, ask_id: str, text: str) -> Relayed:
    body = clean(text, field="text", max_length=MAX_MESSAGE)
    with uow.begin() as s:
        ask = get_ask(s, ask_id)
        me = next((p for p in ids_of(s, actor.identity) if ask.party(p)), "")
        if not me:
            raise PermissionDenied(
                N_("Only the asker and the helper of ask #{ask} may do that."), ask=ask.id
            )
        if ask.status != TAKEN:
            raise Conflict(
                N_(
                    "Ask #{ask} has no helper yet, or is closed: messages go "
                    "through while it is taken."
                ),
                ask=ask.id,
            )
        key = s.new_id(MESSAGES, "m")
        s.tx.put(
            MESSAGES,
            key,
            {"id": key, "ask": ask.id, "sender": me, "body": body, "at": s.now.isoformat()},
        )
        role = ask.party(me)
        others = [p for p in [ask.asker, *ask.helpers] if p != me]
        message = (
            N_("💬 The neighbor who asked #{ask} says: {text}")
            if role == "asker"
            else N_("💬 Your helper for ask #{ask} says: {text}")
        )
        for other in others:
            tell(s, other, message, about=[me], ask=ask.id, text=body)
        s.commit()
    return Relayed(ask, len(others))


def messages_of_ask(s: Session, ask_id: str) -> list[dict[str, Any]]:
    return sorted(s.tx.find(MESSAGES, "ask", ask_id), key=lambda d: (d["at"], d["id"]))


def purge_expired(s: Session, retention_end: datetime) -> int:
    """Delete the messages of asks closed before ``retention_end``; returns how many asks."""
    purged = 0
    for status in (DONE, CLOSED):
        for doc in s.tx.find(ASKS, "status", status):
            ask = Ask.from_doc(doc)
            if ask.purged or ask.closed_at is None or ask.closed_at > retention_end:
                continue
            for message in messages_of_ask(s, ask.id):
                s.tx.delete(MESSAGES, str(message["id"]))
            ask.purged, ask.private = True, ""
            save(s, ask)
            purged += 1
    return purged


# Hooks for personal data: a person's own messages, and the messages others sent them.


def forget_person(s: Session, person_id: str) -> int:
    """Delete every message the person sent; messages to them go with their asks' erasure."""
    found = s.tx.find(MESSAGES, "sender", person_id)
    for doc in found:
        s.tx.delete(MESSAGES, str(doc["id"]))
    return len(found)


def merge_person(s: Session, from_id: str, into_id: str) -> None:
    for doc in s.tx.find(MESSAGES, "sender", from_id):
        s.tx.put(MESSAGES, str(doc["id"]), {**doc, "sender": into_id})


def data_of(s: Session, person_id: str, asks: list[Ask]) -> list[dict[str, Any]]:
    """The messages in the person's asks; a sender is only ``me``, ``asker`` or ``helper``."""
    found: list[dict[str, Any]] = []
    for ask in asks:
        for doc in messages_of_ask(s, ask.id):
            sender = str(doc["sender"])
            found.append(
                {
                    "ask": ask.id,
                    "from": "me" if sender == person_id else ask.party(sender) or "someone",
                    "body": doc["body"],
                    "at": doc["at"],
                }
            )
    return found
