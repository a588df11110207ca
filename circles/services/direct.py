"""Private messages to one volunteer, through the announcement outbox (sent at most once).

A volunteer's private chat follows from their identity: a Telegram user's private chat has
the user's id, and Slack posts to a user id as a direct message from the app. Console
identities have no chat the running bot could post to; their messages stay in the outbox
until the scheduler drops them (tests read them there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from circles.model import Volunteer
from circles.services.announcements import ANNOUNCEMENTS, announce
from circles.unit_of_work import Session


def private_chats(volunteer: Volunteer) -> list[str]:
    chats = []
    for identity in volunteer.identities:
        platform, _, rest = identity.partition(":")
        if platform == "slack":
            chats.append(f"slack:{rest.rpartition(':')[2]}")
        else:
            chats.append(identity)
    return chats


def tell(
    s: Session,
    volunteer_id: str,
    message: str,
    *,
    buttons: Iterable[tuple[str, str]] = (),
    **params: Any,
) -> bool:
    """Queue a private message for a volunteer in the open session, to be read in their own
    language (``lang``; unset: the network's); False if they are gone."""
    volunteer = s.volunteers.get(volunteer_id)
    if volunteer is None:
        return False
    announce(
        s,
        private_chats(volunteer),
        message,
        buttons=buttons,
        language=volunteer.language,
        **params,
    )
    return True


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def _addressed_to(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    volunteer = s.volunteers.get(volunteer_id)
    if volunteer is None:
        return []
    mine = set(private_chats(volunteer))
    return [d for d in s.tx.all(ANNOUNCEMENTS) if d.get("chats") and set(d["chats"]) <= mine]


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    """Private messages still queued for them are dropped: nobody is left to read them, and
    their chat ids are identities."""
    for doc in _addressed_to(s, volunteer_id):
        s.tx.delete(ANNOUNCEMENTS, doc["id"])


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Nothing to move: queued messages go to the chats they were addressed to."""


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    return [
        {"created_at": d["created_at"], "message": d["message"], "params": d.get("params", {})}
        for d in _addressed_to(s, volunteer_id)
    ]
