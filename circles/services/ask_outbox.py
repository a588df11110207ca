"""Private messages about asks, queued in the store with the change they tell of.

Like announcements (``services/announcements.py``), a use case queues a message before it
commits, so a message exists exactly when its change was saved; the scheduler takes them in one
commit before sending (at most once: a private message twice is confusing, once lost to a crash
between commit and send is the lesser harm) and drops those older than ``STALE``. Unlike
announcements, each message goes to one person, in their language, at their own account: the
identities are resolved here and never written into the message itself.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from circles.masking import mask
from circles.services.neighbors import person_by_id
from circles.unit_of_work import Session, UnitOfWork

log = logging.getLogger(__name__)

OUTBOX = "ask_outbox"
STALE = timedelta(days=1)


@dataclass(frozen=True)
class PrivateMessage:
    """One message for one person's private chat, in their language."""

    id: str
    chat: str
    language: str
    message: str
    params: dict[str, Any]
    buttons: tuple[tuple[str, str], ...]
    created_at: datetime


def private_chat(identity: str) -> str:
    """The chat that reaches an account privately: a Telegram user's id is their private chat,
    a Slack user id opens the app's direct message; other platforms use the identity as is."""
    platform, _, rest = identity.partition(":")
    if platform == "slack":
        return f"slack:{rest.rpartition(':')[2]}"
    return identity


def tell(
    s: Session,
    person_id: str,
    message: str,
    *,
    about: Iterable[str] = (),
    buttons: Iterable[tuple[str, str]] = (),
    **params: Any,
) -> None:
    """Queue ``message`` for ``person_id`` in the open session (sent only if it commits).

    ``about`` names the other people whose words the message carries (a relayed message), so
    forgetting them drops it too.
    """
    person = person_by_id(s, person_id)
    if person is None:
        return
    key = s.new_id(OUTBOX, "p")
    s.tx.put(
        OUTBOX,
        key,
        {
            "id": key,
            "order": s.tx.count(OUTBOX),
            "created_at": s.now.isoformat(),
            "person": person_id,
            "about": sorted(set(about)),
            "to": list(person.identities),
            "language": person.language,
            "message": message,
            "params": dict(params),
            "buttons": [list(b) for b in buttons],
        },
    )


def take_private(uow: UnitOfWork, platforms: Collection[str]) -> list[PrivateMessage]:
    """Claim every queued message (removed in one commit) for an account on a running platform."""
    with uow.begin() as s:
        if s.tx.count(OUTBOX) == 0:
            return []
        docs = sorted(s.tx.all(OUTBOX), key=lambda d: (d["created_at"], d.get("order", 0)))
        for doc in docs:
            s.tx.delete(OUTBOX, str(doc["id"]))
        s.commit()
        now = s.now
    taken: list[PrivateMessage] = []
    for doc in docs:
        created = datetime.fromisoformat(doc["created_at"])
        if now - created > STALE:
            log.warning("dropped private message %s: older than %s", doc["id"], STALE)
            continue
        reachable = [i for i in doc["to"] if i.partition(":")[0] in platforms]
        if not reachable:
            continue
        taken.append(
            PrivateMessage(
                id=str(doc["id"]),
                chat=private_chat(reachable[0]),
                language=str(doc.get("language") or ""),
                message=str(doc["message"]),
                params=dict(doc.get("params") or {}),
                buttons=tuple((str(b[0]), str(b[1])) for b in doc.get("buttons") or []),
                created_at=created,
            )
        )
    return taken


def queued_for(s: Session, person_id: str) -> list[dict[str, Any]]:
    """Messages waiting for ``person_id`` (tests, and ``mydata``)."""
    docs = [d for d in s.tx.all(OUTBOX) if d.get("person") == person_id]
    return sorted(docs, key=lambda d: (d["created_at"], d.get("order", 0)))


def forget_person(s: Session, person_id: str) -> int:
    """Drop queued messages to the person and those carrying their words."""
    dropped = 0
    for doc in list(s.tx.all(OUTBOX)):
        if doc.get("person") == person_id or person_id in doc.get("about", []):
            s.tx.delete(OUTBOX, str(doc["id"]))
            dropped += 1
    return dropped


def mask_queued(s: Session, terms: list[str]) -> int:
    """Mask a forgotten person's names and identities in messages queued for others (the public
    text of their ask, told to volunteers nearby); how many changed."""
    changed = 0
    for doc in list(s.tx.all(OUTBOX)):
        params = doc.get("params", {})
        masked = {
            key: mask(value, terms) if isinstance(value, str) and key != "ask" else value
            for key, value in params.items()
        }
        if masked != params:
            s.tx.put(OUTBOX, str(doc["id"]), {**doc, "params": masked})
            changed += 1
    return changed


def merge_person(s: Session, from_id: str, into_id: str) -> None:
    for doc in list(s.tx.all(OUTBOX)):
        about = [into_id if p == from_id else p for p in doc.get("about", [])]
        person = into_id if doc.get("person") == from_id else doc.get("person")
        if person != doc.get("person") or about != doc.get("about", []):
            s.tx.put(OUTBOX, str(doc["id"]), {**doc, "person": person, "about": about})


def data_of(s: Session, person_id: str) -> list[dict[str, Any]]:
    return [
        {"created_at": d["created_at"], "message": d["message"], "params": d["params"]}
        for d in queued_for(s, person_id)
    ]
