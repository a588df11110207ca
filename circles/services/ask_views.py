"""Reading asks: the list a volunteer takes from, my asks, and the portal's public counts.

``asks`` must stay fast with thousands of open asks: it reads the store's indexes
(``open_in`` by neighborhood, ``open_kind`` by kind) and decodes only the asks it shows;
the oldest-first tail compares raw timestamps without decoding.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from circles.actor import Actor
from circles.ask import DONE, KIND_NAMES, OPEN, TAKEN, Ask, Offer, kind_of, place_key
from circles.ports import Doc
from circles.services.asks import ASKS
from circles.services.neighbors import ids_of
from circles.services.offers import offers_of
from circles.unit_of_work import Session, UnitOfWork

LIST_LENGTH = 10


def _order(doc: Doc) -> tuple[bool, str, str]:
    # Urgent first, then the longest waiting.
    return (not doc.get("urgent"), str(doc.get("posted_at") or doc["created_at"]), str(doc["id"]))


def _listed(doc: Doc) -> bool:
    return doc.get("status") == OPEN and not doc.get("hidden")


def list_open_asks(
    uow: UnitOfWork, actor: Actor, word: str = "", limit: int = LIST_LENGTH
) -> list[Ask]:
    """Open asks nearest first: the volunteer's neighborhood, then kinds fitting their skills,
    then the rest by age. ``word`` narrows to a kind or a neighborhood."""
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(actor.identity)
        mine = ids_of(s, actor.identity)
        chosen: list[Doc] = []
        seen: set[str] = set()

        def add(docs: list[Doc]) -> None:
            for doc in heapq.nsmallest(
                limit - len(chosen),
                (
                    d
                    for d in docs
                    if d["id"] not in seen and _listed(d) and d.get("asker") not in mine
                ),
                key=_order,
            ):
                chosen.append(doc)
                seen.add(str(doc["id"]))

        kind = kind_of(word) if word else None
        if kind:
            add(s.tx.find(ASKS, "open_kind", kind))
        elif word:
            add(s.tx.find(ASKS, "open_in", place_key(word.lstrip("@＠"))))
        else:
            if volunteer and volunteer.neighborhood:
                add(s.tx.find(ASKS, "open_in", place_key(volunteer.neighborhood)))
            skilled = {kind_of(skill) for skill in volunteer.skills} if volunteer else set()
            for fitting in sorted(k for k in skilled if k):
                if len(chosen) < limit:
                    add(s.tx.find(ASKS, "open_kind", fitting))
            if len(chosen) < limit:
                add(s.tx.find(ASKS, "status", OPEN))
        return [Ask.from_doc(doc) for doc in chosen]


@dataclass(frozen=True)
class MyAsks:
    asked: list[Ask]
    helping: list[Ask]
    offered: list[Offer]


def my_asks(uow: UnitOfWork, actor: Actor) -> MyAsks:
    with uow.begin() as s:
        ids = ids_of(s, actor.identity)
        asked = [Ask.from_doc(d) for p in ids for d in s.tx.find(ASKS, "asker", p)]
        helping = [Ask.from_doc(d) for p in ids for d in s.tx.find(ASKS, "helpers", p)]
        offered = [o for p in ids for o in offers_of(s, p)]

    def newest(asks: list[Ask]) -> list[Ask]:
        return sorted(
            (a for a in asks if a.status != "draft"), key=lambda a: a.created_at, reverse=True
        )

    return MyAsks(newest(asked), newest(helping), [o for o in offered if o.open])


@dataclass(frozen=True)
class AskBoard:
    """The portal's view: open asks (public fields only) and counts of the last 30 days."""

    open: list[Ask]
    counts: dict[str, int]  # open, taken, done over the period


def ask_board(s: Session, period: timedelta = timedelta(days=30)) -> AskBoard:
    since = (s.now - period).isoformat()
    counts: Counter[str] = Counter({OPEN: 0, TAKEN: 0, DONE: 0})
    for status in (OPEN, TAKEN, DONE):
        for doc in s.tx.find(ASKS, "status", status):
            # Live asks count whatever their age; done ones if done within the period.
            if status != DONE or str(doc.get("closed_at") or "") >= since:
                counts[status] += 1
    docs = [d for d in s.tx.find(ASKS, "status", OPEN) if not d.get("hidden")]
    listed = sorted(
        docs,
        key=lambda d: (place_key(str(d.get("neighborhood", ""))), d.get("kind", ""), _order(d)),
    )
    return AskBoard([Ask.from_doc(d) for d in listed], dict(counts))


def known_kind(word: str) -> bool:
    return word.lower() in KIND_NAMES or kind_of(word) is not None


def age(ask: Ask, now: datetime) -> timedelta:
    return now - (ask.posted_at or ask.created_at)
