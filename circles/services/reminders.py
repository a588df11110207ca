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
  reminders of one occurrence missed together, only the latest (the most useful) is sent, and
  a backlog goes out soonest session first.
- A reminder whose due time came before the meetup existed never applies (a meetup scheduled
  two hours ahead gets its 1 h reminder, not a belated 24 h one).

Occurrence ids: ``<meetup>@<YYYY-MM-DD>`` for meetups, ``<relay>#<slot>`` for relay slots and
``<relay>#end`` for a relay's close.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from circles.errors import N_, Conflict
from circles.meetup import Meetup, Occurrence
from circles.relay import Relay
from circles.services import topics
from circles.services.meetups import MEETUPS, circle_timezone
from circles.services.relays import RELAYS
from circles.unit_of_work import Session, UnitOfWork

log = logging.getLogger(__name__)

DELIVERIES = "deliveries"
# A notice is claimed when a tick decides to send it, departing once it leaves for the platform
# (committed just before the request), then sent or failed. Only "claimed" is safe to send again
# after a crash: a departing one may have arrived, and a duplicate in a group is worse.
CLAIMED, DEPARTING, SENT, FAILED, SKIPPED = "claimed", "departing", "sent", "failed", "skipped"
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
    claim: str = ""  # the token of the tick that claimed it (see mark_departing)


@dataclass(frozen=True)
class _Event:
    """Something that may fall due; the notice itself is built only once it does."""

    occurrence: str
    offset: str
    circle: str
    due: datetime
    deadline: datetime  # after this it is useless: skipped rather than sent
    meetup: Meetup | None = None
    session: Occurrence | None = None
    lead: timedelta = timedelta(0)
    relay: Relay | None = None
    kind: str = ""
    slot: int = 0


@dataclass(frozen=True)
class Tick:
    """What one scheduler tick found: the notices it claimed, and when the next one falls due."""

    notices: list[Notice]
    next_due: datetime | None


def delivery_key(occurrence: str, offset: str, chat: str) -> str:
    return f"{occurrence}|{offset}|{chat}"


class RecordFaults:
    """Records a tick could not read: each is logged once (per process) and skipped.

    One bad record (a relay dated in year 9999, a damaged import) must cost only itself:
    the other meetups and relays still fall due, and the log does not grow by a traceback a tick.
    """

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def note(self, table: str, doc_id: object, error: Exception) -> None:
        key = f"{table}/{doc_id}"
        if key in self.seen:
            return
        self.seen.add(key)
        log.warning(
            "skipping %s: it cannot be scheduled (%s: %s)", key, type(error).__name__, error
        )


def _meetup_events(
    s: Session,
    now: datetime,
    offsets: Collection[timedelta],
    horizon: timedelta,
    faults: RecordFaults,
) -> Iterator[_Event]:
    if not offsets:
        return
    # One minute past the window's end: an occurrence exactly ``max(offsets)`` away counts.
    until = now + horizon + max(offsets) + timedelta(minutes=1)
    for doc in s.tx.all(MEETUPS):
        try:
            events = list(_events_of_meetup(Meetup.from_doc(doc), now, offsets, until))
        except Exception as error:  # the tick's edge, per record: logged once
            faults.note(MEETUPS, doc.get("id"), error)
            continue
        yield from events


def _events_of_meetup(
    meetup: Meetup, now: datetime, offsets: Collection[timedelta], until: datetime
) -> Iterator[_Event]:
    for occurrence in meetup.occurrences(now - LOOKBACK, until):
        for offset in offsets:
            due = occurrence.start - offset
            if due < meetup.created_at:
                continue
            yield _Event(
                occurrence.id,
                str(int(offset.total_seconds())),
                meetup.circle,
                due,
                occurrence.start,
                meetup=meetup,
                session=occurrence,
                lead=offset,
            )


def _relay_events(
    s: Session, now: datetime, horizon: timedelta, faults: RecordFaults
) -> Iterator[_Event]:
    for doc in s.tx.all(RELAYS):
        try:
            events = list(_events_of_relay(Relay.from_doc(doc), now, horizon))
        except Exception as error:  # the tick's edge, per record: logged once
            faults.note(RELAYS, doc.get("id"), error)
            continue
        yield from events


def _events_of_relay(relay: Relay, now: datetime, horizon: timedelta) -> Iterator[_Event]:
    if relay.end + RELAY_CLOSE_GRACE < now - LOOKBACK:
        return
    if relay.start - RELAY_REMINDER > now + horizon:
        return
    for slot in range(1, relay.slots + 1):
        begins, ends = relay.slot_start(slot), relay.slot_end(slot)
        key = f"{relay.id}#{slot}"
        due = begins - RELAY_REMINDER
        if slot in relay.holders and due >= relay.created_at:
            yield _Event(
                key, REMINDER, relay.circle, due, begins, relay=relay, kind=REMINDER, slot=slot
            )
        yield _Event(key, HANDOFF, relay.circle, begins, ends, relay=relay, kind=HANDOFF, slot=slot)
    end = relay.end
    yield _Event(
        f"{relay.id}#end",
        CLOSE,
        relay.circle,
        end,
        end + RELAY_CLOSE_GRACE,
        relay=relay,
        kind=CLOSE,
        slot=relay.slots,
    )


def _events(
    s: Session,
    now: datetime,
    offsets: Collection[timedelta],
    horizon: timedelta,
    faults: RecordFaults | None = None,
) -> Iterator[_Event]:
    faults = faults if faults is not None else RecordFaults()
    yield from _meetup_events(s, now, offsets, horizon, faults)
    yield from _relay_events(s, now, horizon, faults)


def day_topic(s: Session) -> str:
    """The most-backed open topic's title, named by the daily one-topic meeting's reminders."""
    try:
        return topics.day_topic(s)
    except (KeyError, TypeError, ValueError, AttributeError):
        # A damaged topics table (a bad import) costs the reminder its topic, not the reminder.
        log.warning("the topics table has an unexpected shape; reminders name no topic")
        return ""


def _source(event: _Event) -> tuple[str, str]:
    """The table and id of the record an event comes from."""
    if event.meetup is not None:
        return MEETUPS, event.meetup.id
    return RELAYS, event.relay.id if event.relay is not None else "?"


def _notice(s: Session, event: _Event, topic: Callable[[], str]) -> MeetupNotice | RelayNotice:
    """The message's content, read when it is due (current RSVPs, holders and topic)."""
    if event.meetup is not None and event.session is not None:
        meetup, day = event.meetup, event.session.day
        yes, maybe = meetup.count(day, "yes"), meetup.count(day, "maybe")
        title = topic() if meetup.topic else ""
        return MeetupNotice(meetup, event.session, event.lead, yes, maybe, title)
    assert event.relay is not None
    relay = event.relay
    names = s.volunteers.names_of(relay.holders.values())
    return RelayNotice(relay, event.kind, event.slot, names, circle_timezone(s, relay.circle))


def _chats(s: Session, circle: str, reachable: Collection[str]) -> list[str]:
    found = s.circles.get(circle)
    chats = found.chats if found else []
    return [chat for chat in chats if chat.partition(":")[0] in reachable]


def run_tick(
    uow: UnitOfWork,
    offsets: Collection[timedelta],
    reachable: Collection[str],
    horizon: timedelta = timedelta(hours=1),
    faults: RecordFaults | None = None,
) -> Tick:
    """Claim (commit a record for) every notice due now, and say when the next falls due.

    ``reachable`` holds chat prefixes (``telegram``, ``slack``) whose platform is running: a
    chat on a platform that is off is left unclaimed, to be sent when it is back (if still
    useful), rather than burned. ``next_due`` looks ``horizon`` ahead (None: nothing sooner).
    A record that cannot be read or scheduled is skipped and noted in ``faults``.
    """
    urgent: list[tuple[datetime, Notice]] = []  # each notice with the moment it turns useless
    coming: list[datetime] = []
    claim = secrets.token_hex(8)
    faults = faults if faults is not None else RecordFaults()
    with uow.begin() as s:
        now = s.now
        pending: dict[tuple[str, str], list[_Event]] = {}
        chats_of: dict[str, list[str]] = {}
        for event in _events(s, now, offsets, horizon, faults):
            if event.due > now:
                if event.due <= now + horizon:
                    coming.append(event.due)
                continue
            if event.circle not in chats_of:
                chats_of[event.circle] = _chats(s, event.circle, reachable)
            for chat in chats_of[event.circle]:
                key = delivery_key(event.occurrence, event.offset, chat)
                if s.tx.get(DELIVERIES, key) is None:
                    pending.setdefault((event.occurrence, chat), []).append(event)
        topic = cache(lambda: day_topic(s))
        skipped: list[tuple[str, str]] = []
        for (_, chat), events in sorted(pending.items()):
            live = [e for e in events if e.deadline > now]
            chosen = max(live, key=lambda e: e.due) if live else None
            for event in events:
                key = delivery_key(event.occurrence, event.offset, chat)
                if event is chosen:
                    try:
                        what = _notice(s, event, topic)
                    except Exception as error:  # per record, logged once
                        faults.note(*_source(event), error)
                        _record(s, key, event, chat, SKIPPED, now, "unreadable")
                        continue
                    _record(s, key, event, chat, CLAIMED, now, claim=claim)
                    urgent.append((event.deadline, Notice(key, chat, event.due, what, claim)))
                else:
                    reason = "superseded" if event.deadline > now else "too late"
                    _record(s, key, event, chat, SKIPPED, now, reason)
                    skipped.append((key, reason))
        s.commit()
    if skipped:
        _log_skipped(skipped)
    # Sent in this order, paced: after an outage or a leader's takeover the backlog can take a
    # while, so the notice whose session begins first goes first.
    urgent.sort(key=lambda pair: (pair[0], pair[1].due, pair[1].key))
    return Tick([notice for _, notice in urgent], min(coming, default=None))


def _log_skipped(skipped: list[tuple[str, str]]) -> None:
    """One line per tick, however long the outage was; each notice at debug level."""
    late = sum(1 for _, reason in skipped if reason == "too late")
    log.warning(
        "skipped %d notices (%d too late: their session had begun; %d superseded by a later "
        "reminder), e.g. %s",
        len(skipped),
        late,
        len(skipped) - late,
        ", ".join(key for key, _ in skipped[:3]),
    )
    for key, reason in skipped:
        log.debug("skipped notice %s (%s)", key, reason)


def claim_due_notices(
    uow: UnitOfWork, offsets: Collection[timedelta], reachable: Collection[str]
) -> list[Notice]:
    """Claim every notice due now (see ``run_tick``)."""
    return run_tick(uow, offsets, reachable, timedelta(0)).notices


def next_due(
    uow: UnitOfWork, offsets: Collection[timedelta], horizon: timedelta = timedelta(hours=6)
) -> datetime | None:
    """The earliest due time after now within ``horizon`` (None: nothing that soon); reads only."""
    with uow.begin() as s:
        now = s.now
        dues = [e.due for e in _events(s, now, offsets, horizon) if now < e.due <= now + horizon]
    return min(dues, default=None)


def _record(
    s: Session,
    key: str,
    event: _Event,
    chat: str,
    state: str,
    now: datetime,
    note: str = "",
    *,
    claim: str = "",
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
            "claim": claim,
        },
    )


def mark_departing(uow: UnitOfWork, key: str, claim: str = "") -> None:
    """The notice is leaving now: from here on it may arrive, so it is never claimed again.

    Raises ``Conflict`` (and the send is dropped) when the record now belongs to another
    claim: with several replicas, a leader that lost its lock may still hold notices that the
    new leader released and claimed again; only the current claim may send.
    """
    with uow.begin() as s:
        doc = s.tx.get(DELIVERIES, key)
        if doc is not None and doc.get("claim", "") != claim:
            raise Conflict(N_("This reminder was claimed again by another run."))
        if doc is not None and doc["state"] == CLAIMED:
            s.tx.put(DELIVERIES, key, {**doc, "state": DEPARTING, "at": s.now.isoformat()})
            s.commit()


def release_unsent(uow: UnitOfWork) -> int:
    """At start: notices a stopped or crashed run claimed but never let leave become unclaimed,
    so the next tick sends them if they are still useful. Returns how many."""
    with uow.begin() as s:
        unsent = [doc["id"] for doc in s.tx.all(DELIVERIES) if doc["state"] == CLAIMED]
        for key in unsent:
            s.tx.delete(DELIVERIES, key)
        s.commit()
    return len(unsent)


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
