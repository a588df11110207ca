"""Role holdings: who held which role from when to when, and the term each one runs under.

Every change to a circle's role holders goes through ``Circles.save``, which calls
``follow_holders`` in the same transaction: a holder who appears opens a holding, one who
leaves closes it. So ``since`` is right whichever command (claim, assign, split, a decision,
forgetme) changed the holders, and nothing else needs to remember to record it.
A split moves roles out of one circle and into another in one transaction: the holding closed
by the first save is reopened by the second, so the holder keeps their ``since``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from circles.ports import Transaction

HOLDINGS = "holdings"
ROLE_TERMS = "role_terms"

Doc = dict[str, Any]


def role_key(circle: str, role: str) -> str:
    return f"{circle}/{role}"


def open_key(circle: str, role: str, volunteer: str) -> str:
    return f"{circle}/{role}/{volunteer}"


@dataclass
class Holding:
    """One volunteer holding one role, from ``since`` until ``until`` (None: still holds it)."""

    id: str
    circle: str
    role: str
    volunteer: str
    since: datetime
    until: datetime | None = None
    term_ends: datetime | None = None  # None: the role has no term
    terms: int = 1  # terms begun in this holding (a "stay" begins the next)
    asked_at: datetime | None = None  # when the holder was asked to stay or hand over
    ended: str = ""  # how it ended: released, handed-over, term-ended
    history: list[Doc] = field(default_factory=list)

    @property
    def key(self) -> str:
        return role_key(self.circle, self.role)

    def to_doc(self) -> Doc:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "id": self.id,
            "circle": self.circle,
            "role": self.role,
            "role_key": self.key,
            "volunteer": self.volunteer,
            "since": self.since.isoformat(),
            "until": iso(self.until),
            "term_ends": iso(self.term_ends),
            "terms": self.terms,
            "asked_at": iso(self.asked_at),
            "ended": self.ended,
            # A lookup by index, so a save costs the same however long the history grows:
            # the open holding of a person in a role.
            "open_key": "" if self.until else open_key(self.circle, self.role, self.volunteer),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Holding:
        def moment(value: Any) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            id=doc["id"],
            circle=doc["circle"],
            role=doc["role"],
            volunteer=doc["volunteer"],
            since=datetime.fromisoformat(doc["since"]),
            until=moment(doc.get("until")),
            term_ends=moment(doc.get("term_ends")),
            terms=int(doc.get("terms", 1)),
            asked_at=moment(doc.get("asked_at")),
            ended=doc.get("ended", ""),
        )


def term_of(tx: Transaction, circle: str, role: str) -> timedelta | None:
    """The term length a lead gave the role, if any."""
    doc = tx.get(ROLE_TERMS, role_key(circle, role))
    return timedelta(seconds=int(doc["seconds"])) if doc else None


def holdings_of(tx: Transaction, volunteer: str) -> list[Holding]:
    return [Holding.from_doc(d) for d in tx.find(HOLDINGS, "volunteer", volunteer)]


def holdings_of_role(tx: Transaction, circle: str, role: str) -> list[Holding]:
    found = [Holding.from_doc(d) for d in tx.find(HOLDINGS, "role_key", role_key(circle, role))]
    return sorted(found, key=lambda h: (h.since, h.id))


def save(tx: Transaction, holding: Holding) -> None:
    tx.put(HOLDINGS, holding.id, holding.to_doc())


def new_holding_id(tx: Transaction) -> str:
    while True:
        candidate = "h" + secrets.token_hex(5)
        if tx.get(HOLDINGS, candidate) is None:
            return candidate


Held = set[tuple[str, str]]  # (role slug, volunteer id) pairs of one circle


def held_in(doc: Doc | None) -> Held:
    """Who holds which role in a stored circle document."""
    if not doc:
        return set()
    return {(r["slug"], h) for r in doc.get("roles", []) for h in r.get("holders", [])}


def follow_holders(
    tx: Transaction,
    now: datetime,
    slug: str,
    before: Held,
    after: Held,
    closed: dict[tuple[str, str], Holding],
) -> None:
    """Open and close holdings for the holders that changed between two versions of a circle.

    ``closed`` is what this transaction closed so far, by (role, volunteer): a split saves the
    circle a role leaves, then the circle it joins, and the holding closed by the first save
    is reopened by the second (kept in memory: it costs no lookup, and a holding closed by
    another transaction at the same instant is never mistaken for the other half).
    """
    for role, volunteer in sorted(before - after):
        for doc in tx.find(HOLDINGS, "open_key", open_key(slug, role, volunteer)):
            holding = Holding.from_doc(doc)
            if holding.until is None:
                holding.until = now
                holding.ended = holding.ended or "released"
                save(tx, holding)
                closed[(role, volunteer)] = holding
    for role, volunteer in sorted(after - before):
        moved = closed.pop((role, volunteer), None)
        if moved is not None and moved.circle != slug:  # the other half of a split
            moved.circle, moved.until, moved.ended = slug, None, ""
            save(tx, moved)
            continue
        # An open holding the circle's old version did not show (data restored by hand):
        # never a second one.
        if any(
            Holding.from_doc(d).until is None
            for d in tx.find(HOLDINGS, "open_key", open_key(slug, role, volunteer))
        ):
            continue
        length = term_of(tx, slug, role)
        save(
            tx,
            Holding(
                id=new_holding_id(tx),
                circle=slug,
                role=role,
                volunteer=volunteer,
                since=now,
                term_ends=now + length if length else None,
            ),
        )
