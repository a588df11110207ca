"""Reminders and relay hand-offs that are due: found from the store, claimed exactly once.

The store is the source of truth; the scheduler only asks, on each tick, what is due now.
Every notice is one (occurrence, offset, chat) with a delivery record keyed
``<occurrence>|<offset>|<chat>`` in the ``deliveries`` table:

- ``claim_due_notices`` finds due notices that have no record, writes a ``claimed`` record for
  each and commits *before* anything is sent; ``mark_delivered`` then sets ``sent`` or
  ``failed``. So a notice is sent at most once, even across a crash or a restart: a crash
  between commit and send loses that one notice rather than risk a duplicate in a group chat.
- A notice that could not go out on time (the bot was down) is still sent late if its
  occurrence has not begun; otherwise it is recorded as ``skipped`` and logged. Of several
  reminders of one occurrence missed together, only the latest (the most useful) is sent.
- A reminder whose due time came before the meetup existed never applies (a meetup scheduled
  two hours ahead gets its 1 h reminder, not a belated 24 h one).

Occurrence ids: ``<meetup>@<YYYY-MM-DD>`` for meetups, ``<relay>#<slot>`` for relay slots and
``<relay>#end`` for a relay's close.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from circles.meetup import Meetup, Occurrence
from circles.relay import Relay
from circles.services.meetups import MEETUPS, circle_timezone
from circles.services.relays import RELAYS
from circles.unit_of_work import Session, UnitOfWork

log = logging.getLogger(__name__)

DELIVERIES = "deliveries"
TOPICS = "topics"
CLAIMED, SENT, FAILED, SKIPPED = "claimed", "sent", "failed", "skipped"
RELAY_REMINDER = timedelta(minutes=10)
RELAY_CLOSE_GRACE = timedelta(minutes=15)
# How far back a tick looks for notices it never handled (to record them as skipped).
LOOKBACK = timedelta(days=1)
KEEP_RECORDS = timedelta(days=60)

REMINDER, HANDOFF, CLOSE = "reminder", "handoff", "close"


@dataclass(frozen=True)
class MeetupNotice:
    """A reminder of one session, with what the message says."""

    meetup: Meetup
    occurrence: Occurrence
    offset: timedelta
    yes: int
    maybe: int
    topic: str = ""


@dataclass(frozen=True)
class RelayNotice:
    """A relay event: the holder's reminder, a hand-off at a slot's start, or the close."""

    relay: Relay
    kind: str
    slot: int
    names: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "UTC"

    def holder(self, slot: int) -> str:
        who = self.relay.holders.get(slot)
        return self.names.get(who, "?") if who else ""


@dataclass(frozen=True)
class Notice:
    """One message to send to one chat, claimed in the store."""

    key: str
    chat: str
    due: datetime
    what: MeetupNotice | RelayNotice


@dataclass(frozen=True)
class _Event:
    occurrence: str
    offset: str
    circle: str
    due: datetime
    deadline: datetime  # after this it is useless: skipped rather than sent
    build: MeetupNotice | RelayNotice


def delivery_key(occurrence: str, offset: str, chat: str) -> str:
    return f"{occurrence}|{offset}|{chat}"


def _meetup_events(
    s: Session, now: datetime, offsets: Collection[timedelta], horizon: timedelta
) -> Iterator[_Event]:
    if not offsets:
        return
    for doc in s.tx.all(MEETUPS):
        meetup = Meetup.from_doc(doc)
        # One minute past the window's end: an occurrence exactly ``max(offsets)`` away counts.
        until = now + horizon + max(offsets) + timedelta(minutes=1)
        for occurrence in meetup.occurrences(now - LOOKBACK, until):
            for offset in offsets:
                due = occurrence.start - offset
                if due < meetup.created_at:
                    continue
                notice = MeetupNotice(
                    meetup,
                    occurrence,
                    offset,
                    yes=meetup.count(occurrence.day, "yes"),
                    maybe=meetup.count(occurrence.day, "maybe"),
                )
                offset_key = str(int(offset.total_seconds()))
                yield _Event(
                    occurrence.id, offset_key, meetup.circle, due, occurrence.start, notice
                )


def _relay_events(s: Session, now: datetime, horizon: timedelta) -> Iterator[_Event]:
    for doc in s.tx.all(RELAYS):
        relay = Relay.from_doc(doc)
        if relay.end + RELAY_CLOSE_GRACE < now - LOOKBACK:
            continue
        if relay.start - RELAY_REMINDER > now + horizon:
            continue
        names = {who: s.volunteers.name_of(who) for who in relay.holders.values()}
        tz = circle_timezone(s, relay.circle)
        for slot in range(1, relay.slots + 1):
            begins, ends = relay.slot_start(slot), relay.slot_end(slot)
            key = f"{relay.id}#{slot}"
            due = begins - RELAY_REMINDER
            if slot in relay.holders and due >= relay.created_at:
                reminder = RelayNotice(relay, REMINDER, slot, names, tz)
                yield _Event(key, REMINDER, relay.circle, due, begins, reminder)
            handoff = RelayNotice(relay, HANDOFF, slot, names, tz)
            yield _Event(key, HANDOFF, relay.circle, begins, ends, handoff)
        close = RelayNotice(relay, CLOSE, relay.slots, names, tz)
        end = relay.end
        yield _Event(f"{relay.id}#end", CLOSE, relay.circle, end, end + RELAY_CLOSE_GRACE, close)


def _events(
    s: Session, now: datetime, offsets: Collection[timedelta], horizon: timedelta
) -> Iterator[_Event]:
    yield from _meetup_events(s, now, offsets, horizon)
    yield from _relay_events(s, now, horizon)


def day_topic(s: Session) -> str:
    """The most-backed open topic's title, if a topics table exists (tolerant of its shape)."""
    best, most = "", -1
    try:
        for doc in s.tx.all(TOPICS):
            if str(doc.get("status", "open")) not in ("open", "proposed"):
                continue
            backers = doc.get("backers") or []
            count = len(backers) if isinstance(backers, list | dict) else int(backers)
            if count > most:
                best, most = str(doc.get("title", "")), count
    except (TypeError, ValueError, AttributeError):
        log.warning("the topics table has an unexpected shape; reminders name no topic")
        return ""
    return best


def _chats(s: Session, circle: str, reachable: Collection[str]) -> list[str]:
    found = s.circles.get(circle)
    chats = found.chats if found else []
    return [chat for chat in chats if chat.partition(":")[0] in reachable]


def claim_due_notices(
    uow: UnitOfWork, offsets: Collection[timedelta], reachable: Collection[str]
) -> list[Notice]:
    """Claim (commit a record for) every notice due now for chats on ``reachable`` platforms.

    ``reachable`` holds chat prefixes (``telegram``, ``slack``) whose platform is running: a
    chat on a platform that is off is left unclaimed, to be sent when it is back (if still
    useful), rather than burned.
    """
    notices: list[Notice] = []
    with uow.begin() as s:
        now = s.now
        pending: dict[tuple[str, str], list[_Event]] = {}
        chats_of: dict[str, list[str]] = {}
        for event in _events(s, now, offsets, timedelta(0)):
            if event.due > now:
                continue
            if event.circle not in chats_of:
                chats_of[event.circle] = _chats(s, event.circle, reachable)
            for chat in chats_of[event.circle]:
                key = delivery_key(event.occurrence, event.offset, chat)
                if s.tx.get(DELIVERIES, key) is None:
                    pending.setdefault((event.occurrence, chat), []).append(event)
        topic: str | None = None
        for (_, chat), events in sorted(pending.items()):
            live = [e for e in events if e.deadline > now]
            chosen = max(live, key=lambda e: e.due) if live else None
            for event in events:
                key = delivery_key(event.occurrence, event.offset, chat)
                if event is not chosen:
                    reason = "superseded" if event.deadline > now else "too late"
                    log.warning("skipped notice %s (%s, due %s)", key, reason, event.due)
                    _record(s, key, event, chat, SKIPPED, now, reason)
                    continue
                what = event.build
                if isinstance(what, MeetupNotice) and what.meetup.topic:
                    topic = day_topic(s) if topic is None else topic
                    what = replace(what, topic=topic)
                _record(s, key, event, chat, CLAIMED, now)
                notices.append(Notice(key, chat, event.due, what))
        s.commit()
    return notices


def _record(
    s: Session, key: str, event: _Event, chat: str, state: str, now: datetime, note: str = ""
) -> None:
    s.tx.put(
        DELIVERIES,
        key,
        {
            "id": key,
            "occurrence": event.occurrence,
            "offset": event.offset,
            "chat": chat,
            "due": event.due.isoformat(),
            "state": state,
            "at": now.isoformat(),
            "note": note,
        },
    )


def mark_delivered(uow: UnitOfWork, outcomes: Mapping[str, str]) -> None:
    """Record how each claimed notice went: ``sent``, or an error class name for ``failed``."""
    if not outcomes:
        return
    with uow.begin() as s:
        for key, outcome in outcomes.items():
            doc = s.tx.get(DELIVERIES, key)
            if doc is None:
                continue
            state = SENT if outcome == SENT else FAILED
            note = "" if state == SENT else outcome
            s.tx.put(
                DELIVERIES, key, {**doc, "state": state, "at": s.now.isoformat(), "note": note}
            )
        s.commit()


def next_due(
    uow: UnitOfWork, offsets: Collection[timedelta], horizon: timedelta = timedelta(hours=6)
) -> datetime | None:
    """The earliest due time after now within ``horizon`` (None: nothing that soon)."""
    with uow.begin() as s:
        now = s.now
        dues = [e.due for e in _events(s, now, offsets, horizon) if now < e.due <= now + horizon]
    return min(dues, default=None)


def prune_deliveries(uow: UnitOfWork, keep: timedelta = KEEP_RECORDS) -> int:
    """Forget delivery records of notices due longer ago than ``keep``; returns how many."""
    with uow.begin() as s:
        cutoff = s.now - keep
        old = [d["id"] for d in s.tx.all(DELIVERIES) if datetime.fromisoformat(d["due"]) < cutoff]
        for key in old:
            s.tx.delete(DELIVERIES, key)
        s.commit()
    return len(old)


def delivery_states(uow: UnitOfWork) -> dict[str, str]:
    """Every delivery record's state by key (for status pages and tests)."""
    with uow.begin() as s:
        return {d["id"]: d["state"] for d in s.tx.all(DELIVERIES)}
