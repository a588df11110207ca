"""Announcements to linked chats: written in the transaction of the change they tell of.

A use case calls ``announce`` before it commits, so an announcement exists exactly when its
change was saved: a refused or failed command announces nothing, and one the bot confirmed is
announced even if the process dies before sending (the outbox is in the store).
The scheduler's tick calls ``take_announcements``, which removes what it hands out in one
commit before anything is sent: at most once, as for reminders, because a duplicate in a group
chat is worse than one lost to a crash between commit and send. Announcements older than
``STALE`` (the bot was down for long) are dropped, not sent late.

Messages are English templates (``N_``) with parameters; a parameter may be a localized text
(``{"zh": ..., "en": ...}``), which the sender picks in the chat's language. A private message
(``direct.tell``) carries its reader's language; a chat's announcement has none and is read in
the network's language.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from circles.errors import Counted
from circles.masking import mask, mask_localized, traces_of
from circles.model import NETWORK
from circles.unit_of_work import Session, UnitOfWork

log = logging.getLogger(__name__)

ANNOUNCEMENTS = "announcements"
STALE = timedelta(days=1)
# Parameters that name something by its key in the store (a slug, a topic id). forgetme keeps
# keys as they are (see ``topics.forget_volunteer``) and the buttons carry them, so masking them
# in the text would only make it disagree with its buttons.
REFERENCES = frozenset({"circle", "child", "parent", "role", "roles", "topic"})


@dataclass(frozen=True)
class Announcement:
    """One message for some chats, with buttons given as (label template, command line)."""

    id: str
    chats: tuple[str, ...]
    message: str
    params: Mapping[str, Any]
    buttons: tuple[tuple[str, str], ...]
    created_at: datetime
    language: str = ""  # the reader's, for a private message; empty: the network's


def announce(
    s: Session,
    chats: Iterable[str],
    message: str,
    *,
    buttons: Iterable[tuple[str, str]] = (),
    language: str = "",
    **params: Any,
) -> None:
    """Queue ``message`` for ``chats`` in the open session (sent only if the session commits);
    ``language`` is the reader's when the chats are one person's."""
    targets = list(dict.fromkeys(chats))
    if not targets:
        return
    key = s.new_id(ANNOUNCEMENTS, "a")
    s.tx.put(
        ANNOUNCEMENTS,
        key,
        {
            "id": key,
            # Several announcements of one transaction share its time; the count keeps their order.
            "order": s.tx.count(ANNOUNCEMENTS),
            "created_at": s.now.isoformat(),
            "chats": targets,
            "message": str(message),
            # A counted message keeps its plural, so the sender picks the chat language's form.
            **(
                {"plural": message.plural, "count_by": message.by}
                if isinstance(message, Counted)
                else {}
            ),
            "params": dict(params),
            "buttons": [list(b) for b in buttons],
            "language": language,
        },
    )


def network_chats(s: Session) -> list[str]:
    """The network circle's chats; if it has none, every chat linked to a root circle."""
    network = s.circles.get(NETWORK)
    if network is not None and network.chats:
        return list(network.chats)
    chats: list[str] = []
    for circle in sorted(s.circles.all(), key=lambda c: c.slug):
        if circle.parent == NETWORK:
            chats.extend(circle.chats)
    return list(dict.fromkeys(chats))


def pending_count(uow: UnitOfWork) -> int:
    with uow.begin() as s:
        return s.tx.count(ANNOUNCEMENTS)


def pending(s: Session) -> list[Announcement]:
    """Every queued announcement, oldest first (tests and the take below read it)."""
    docs = sorted(s.tx.all(ANNOUNCEMENTS), key=lambda d: (d["created_at"], d.get("order", 0)))
    return [
        Announcement(
            id=doc["id"],
            chats=tuple(doc["chats"]),
            message=_message(doc),
            params=dict(doc.get("params", {})),
            buttons=tuple((str(b[0]), str(b[1])) for b in doc.get("buttons", [])),
            created_at=datetime.fromisoformat(doc["created_at"]),
            language=str(doc.get("language") or ""),
        )
        for doc in docs
    ]


def _message(doc: Mapping[str, Any]) -> str:
    if "plural" in doc:
        return Counted(str(doc["message"]), str(doc["plural"]), str(doc.get("count_by", "count")))
    return str(doc["message"])


def take_announcements(uow: UnitOfWork, platforms: Collection[str]) -> list[Announcement]:
    """Claim every queued announcement (removed in one commit), keeping chats ``platforms`` serve.

    ``platforms`` are the prefixes of the running platforms (``telegram``, ``slack``): a chat of
    a platform that is off is dropped, since nothing could ever send there.
    """
    with uow.begin() as s:
        if s.tx.count(ANNOUNCEMENTS) == 0:
            return []
        queued = pending(s)
        for item in queued:
            s.tx.delete(ANNOUNCEMENTS, item.id)
        s.commit()
        now = s.now
    taken = []
    for item in queued:
        if now - item.created_at > STALE:
            log.warning("dropped announcement %s: older than %s", item.id, STALE)
            continue
        chats = tuple(c for c in item.chats if c.partition(":")[0] in platforms)
        if chats:
            taken.append(replace(item, chats=chats))
    return taken


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def _masked(params: Mapping[str, Any], terms: list[str]) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in params.items():
        if key in REFERENCES:
            masked[key] = value
        elif isinstance(value, str):
            masked[key] = mask(value, terms)
        elif isinstance(value, Mapping):
            masked[key] = mask_localized(value, terms)
        else:
            masked[key] = value
    return masked


def forget_volunteer(s: Session, volunteer_id: str) -> int:
    """Mask the volunteer's name and identities in queued announcements; returns how many.

    Masked, not dropped: what an announcement tells of (a topic, a proposed role, an action
    group) stays in the store for the others, anonymised by the other hooks, so the chats still
    hear of it, without the person. The outbox keeps no volunteer ids, only names in the text.
    """
    return mask_queued(s, traces_of(s, volunteer_id))


def mask_queued(s: Session, terms: list[str]) -> int:
    """Mask ``terms`` (a person's names and identities) in every queued announcement; how many
    changed. Also for people who are not volunteers (a neighbor who asked for help)."""
    changed = 0
    for doc in list(s.tx.all(ANNOUNCEMENTS)):
        params = doc.get("params", {})
        masked = _masked(params, terms)
        if masked != params:
            s.tx.put(ANNOUNCEMENTS, doc["id"], {**doc, "params": masked})
            changed += 1
    return changed


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Nothing to move: the outbox names people by display name, never by volunteer id."""


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    """The queued announcements that name the volunteer, as the chats are about to read them."""
    terms = traces_of(s, volunteer_id)
    return [
        {
            "created_at": item.created_at.isoformat(),
            "message": item.message,
            "params": dict(item.params),
        }
        for item in pending(s)
        if _masked(item.params, terms) != item.params
    ]
