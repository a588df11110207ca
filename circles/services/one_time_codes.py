"""Issuing and redeeming one-time codes (link codes, forget confirmations) in an open session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from circles.errors import N_, Conflict, NotFound, plural
from circles.one_time_code import OneTimeCode, digest, new_code, well_formed
from circles.unit_of_work import Session

CODES = "one_time_codes"
LIFETIME = timedelta(minutes=10)
# A volunteer asking again and again gets a refusal, not an ever-growing table.
MAX_LIVE = 3


@dataclass(frozen=True)
class IssuedCode:
    """A code as shown once to the volunteer who asked for it."""

    code: str
    expires_at: datetime


def issue(s: Session, volunteer_id: str, identity: str, purpose: str) -> IssuedCode:
    """A new code for ``purpose``; at most ``MAX_LIVE`` unexpired ones per volunteer and use."""
    purge_expired(s)
    live = [c for c in codes_of(s, volunteer_id) if c.purpose == purpose]
    if len(live) >= MAX_LIVE:
        raise Conflict(
            plural(
                "You already have {count} unused code: use it, or wait until it expires "
                "({minutes} minutes after you asked).",
                "You already have {count} unused codes: use one, or wait until they expire "
                "({minutes} minutes after you asked).",
            ),
            count=len(live),
            minutes=int(LIFETIME.total_seconds() // 60),
        )
    while True:
        code = new_code()
        if s.tx.get(CODES, digest(s.code_key, purpose, code)) is None:
            break
    stored = OneTimeCode(
        digest=digest(s.code_key, purpose, code),
        purpose=purpose,
        volunteer=volunteer_id,
        platform=identity.partition(":")[0],
        expires_at=s.now + LIFETIME,
    )
    s.tx.put(CODES, stored.digest, stored.to_doc())
    return IssuedCode(code, stored.expires_at)


def redeem(s: Session, code: str, purpose: str) -> OneTimeCode:
    """The stored code, deleted (single use), or NotFound/Conflict with nothing deleted.

    The caller commits; if it refuses for its own reasons it simply does not, and the code
    stays usable.
    """
    doc = s.tx.get(CODES, digest(s.code_key, purpose, code)) if well_formed(code) else None
    if doc is None:
        raise NotFound(N_("That code is unknown or has been used already."))
    found = OneTimeCode.from_doc(doc)
    if found.expired(s.now):
        raise Conflict(
            plural(
                "That code has expired (codes work for {minutes} minute): ask for a new one.",
                "That code has expired (codes work for {minutes} minutes): ask for a new one.",
                by="minutes",
            ),
            minutes=int(LIFETIME.total_seconds() // 60),
        )
    s.tx.delete(CODES, found.digest)
    return found


def codes_of(s: Session, volunteer_id: str) -> list[OneTimeCode]:
    return [
        OneTimeCode.from_doc(doc) for doc in s.tx.all(CODES) if doc.get("volunteer") == volunteer_id
    ]


def purge_expired(s: Session) -> None:
    for doc in list(s.tx.all(CODES)):
        if OneTimeCode.from_doc(doc).expired(s.now):
            s.tx.delete(CODES, str(doc["id"]))


def forget_volunteer(s: Session, volunteer_id: str) -> int:
    """Delete every code of a volunteer; returns how many."""
    found = codes_of(s, volunteer_id)
    for stored in found:
        s.tx.delete(CODES, stored.digest)
    return len(found)


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Codes of the merged-away volunteer die with it: a code names who asked, nobody else."""
    forget_volunteer(s, from_id)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    """What a volunteer's codes are for and when they expire (never the digest)."""
    return [
        {"purpose": c.purpose, "expires_at": c.expires_at.isoformat()}
        for c in codes_of(s, volunteer_id)
    ]
