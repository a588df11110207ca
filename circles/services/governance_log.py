"""The governance log: who appointed whom, what was decided, which terms ended, when and why.

Entries are written in the transaction of the change they tell of, so the log never shows a
change that was not saved. They keep volunteer ids (``actor``, ``subject``); readers turn them
into names, and ``forgetme`` blanks them, so the entry stays and no longer names the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from circles.masking import mask, traces_of
from circles.unit_of_work import Session, UnitOfWork

LOG = "governance_log"

LEAD = "lead"
UNLEAD = "unlead"
DECLINE = "lead-declined"
ADMIN_ADD = "admin-add"
ADMIN_REMOVE = "admin-remove"
DECISION = "decision"
TERM_SET = "term-set"
TERM_STAY = "term-stay"
TERM_HANDOVER = "term-handover"
TERM_RELEASED = "term-released"


@dataclass(frozen=True)
class Entry:
    """One line of the log; ``detail`` holds what the kind needs (a decision's outcome, ...)."""

    id: str
    at: datetime
    kind: str
    circle: str
    actor: str  # volunteer id, "" for the bot itself (a decision closing, a term ending)
    subject: str = ""  # the volunteer the change concerned
    role: str = ""
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    order: int = 0


def record(
    s: Session,
    kind: str,
    circle: str,
    actor: str,
    *,
    subject: str = "",
    role: str = "",
    reason: str = "",
    **detail: Any,
) -> None:
    key = s.new_id(LOG, "g")
    s.tx.put(
        LOG,
        key,
        {
            "id": key,
            "at": s.now.isoformat(),
            "order": s.tx.count(LOG),  # entries of one transaction share a time
            "kind": kind,
            "circle": circle,
            "actor": actor,
            "subject": subject,
            "role": role,
            "reason": reason,
            "detail": detail,
        },
    )


def _entry(doc: dict[str, Any]) -> Entry:
    return Entry(
        id=doc["id"],
        at=datetime.fromisoformat(doc["at"]),
        kind=doc["kind"],
        circle=doc.get("circle", ""),
        actor=doc.get("actor", ""),
        subject=doc.get("subject", ""),
        role=doc.get("role", ""),
        reason=doc.get("reason", ""),
        detail=dict(doc.get("detail", {})),
        order=int(doc.get("order", 0)),
    )


def entries(s: Session, circle: str = "", role: str = "") -> list[Entry]:
    """The log, oldest first: all of it, one circle's, or one role's (``role`` is a slug)."""
    found = [_entry(doc) for doc in s.tx.all(LOG)]
    if circle:
        found = [e for e in found if e.circle == circle]
    if role:
        found = [e for e in found if e.role == role]
    return sorted(found, key=lambda e: (e.at, e.order, e.id))


@dataclass(frozen=True)
class LogView:
    entries: list[Entry]
    names: dict[str, str]


def read_log(uow: UnitOfWork, circle: str = "", role: str = "", limit: int = 0) -> LogView:
    with uow.begin() as s:
        found = entries(s, circle, role)
        if limit:
            found = found[-limit:]
        ids = {i for e in found for i in (e.actor, e.subject) if i}
        return LogView(found, s.volunteers.names_of(ids))


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    """Blank the volunteer where the log names them, and mask their name in the words of every
    entry (a reason, a decision's title or block reasons); the entry itself stays, as the
    network's record of what happened."""
    terms = traces_of(s, volunteer_id)
    for doc in list(s.tx.all(LOG)):
        changed = dict(doc)
        for key in ("actor", "subject"):
            if changed.get(key) == volunteer_id:
                changed[key] = ""
        changed["reason"] = mask(changed.get("reason", ""), terms)
        detail = dict(changed.get("detail", {}))
        if isinstance(detail.get("title"), str):
            detail["title"] = mask(detail["title"], terms)
        if isinstance(detail.get("blocks"), list):
            detail["blocks"] = [mask(str(b), terms) for b in detail["blocks"]]
        changed["detail"] = detail
        if changed != doc:
            s.tx.put(LOG, doc["id"], changed)


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    for doc in list(s.tx.all(LOG)):
        if from_id in (doc.get("actor"), doc.get("subject")):
            changed = dict(doc)
            for key in ("actor", "subject"):
                if changed.get(key) == from_id:
                    changed[key] = into_id
            s.tx.put(LOG, doc["id"], changed)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.isoformat(),
            "kind": e.kind,
            "circle": e.circle,
            "role": e.role,
            "by_you": e.actor == volunteer_id,
            "about_you": e.subject == volunteer_id,
            "reason": e.reason if e.actor == volunteer_id else "",
        }
        for e in entries(s)
        if volunteer_id in (e.actor, e.subject)
    ]
