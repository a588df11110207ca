"""Due notices: claimed once per (occurrence, offset, chat), across restarts; outage rules."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services import meetups, relays, topics
from circles.services.membership import join
from circles.services.network_setup import ensure_seeded
from circles.services.reminders import (
    CLAIMED,
    CLOSE,
    HANDOFF,
    REMINDER,
    SENT,
    SKIPPED,
    MeetupNotice,
    Notice,
    RecordFaults,
    RelayNotice,
    claim_due_notices,
    delivery_states,
    mark_delivered,
    next_due,
    prune_deliveries,
    run_tick,
)
from circles.services.roles import appoint_lead
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork

LEAD = Actor("console:lena", "Lena")
MO = Actor("console:mo", "Mo")
OFFSETS = (timedelta(hours=24), timedelta(hours=1))
BOTH = ("telegram", "slack")
CHATS = ["telegram:-100", "slack:C1"]
# The tea house (tue,fri 20:00 Shanghai = 12:00 UTC) created Sun 22 Nov 08:00 UTC:
FIRST = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def link_chats(uow: UnitOfWork, circle: str, chats: list[str]) -> None:
    with uow.begin() as s:
        found = s.circles.require(circle)
        found.chats = list(chats)
        s.circles.save(found)
        s.commit()


def setup_network(uow: UnitOfWork) -> str:
    lead = join(uow, LEAD).volunteer
    join(uow, MO)
    appoint_lead(uow, "research", lead.id)
    link_chats(uow, "research", CHATS)
    return meetups.schedule_meetup(uow, LEAD, "research", "tue,fri", "20:00", "90m", "Tea").id


@pytest.fixture
def tea(uow: UnitOfWork) -> str:
    return setup_network(uow)


def claim(uow: UnitOfWork, reachable: tuple[str, ...] = BOTH) -> list[Notice]:
    return claim_due_notices(uow, OFFSETS, reachable)


def test_nothing_is_due_before_its_time(uow: UnitOfWork, clock: FixedClock, tea: str) -> None:
    assert claim(uow) == []
    clock.set(FIRST - timedelta(hours=24, seconds=1))
    assert claim(uow) == []


def test_a_due_reminder_is_claimed_once_for_every_linked_chat(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    clock.set(FIRST - timedelta(hours=24))
    notices = claim(uow)
    assert sorted(n.chat for n in notices) == sorted(CHATS)
    assert {n.key for n in notices} == {
        f"{tea}@2026-11-24|86400|telegram:-100",
        f"{tea}@2026-11-24|86400|slack:C1",
    }
    what = notices[0].what
    assert isinstance(what, MeetupNotice) and what.offset == timedelta(hours=24)
    assert claim(uow) == []  # claimed, even before it is marked sent
    clock.advance(timedelta(minutes=30))
    assert claim(uow) == []
    clock.set(FIRST - timedelta(hours=1))
    assert {n.key.split("|")[1] for n in claim(uow)} == {"3600"}
    assert claim(uow) == []


def test_reminders_carry_the_rsvp_counts(uow: UnitOfWork, clock: FixedClock, tea: str) -> None:
    meetups.rsvp(uow, MO, tea, "yes")
    meetups.rsvp(uow, LEAD, tea, "maybe")
    clock.set(FIRST - timedelta(hours=1))
    what = claim(uow)[0].what
    assert isinstance(what, MeetupNotice)
    assert (what.yes, what.maybe) == (1, 1)


def test_sending_is_recorded_as_sent_or_failed(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    clock.set(FIRST - timedelta(hours=24))
    notices = claim(uow)
    assert set(delivery_states(uow).values()) == {CLAIMED}
    mark_delivered(uow, {notices[0].key: SENT, notices[1].key: "TimeoutError"})
    states = delivery_states(uow)
    assert states[notices[0].key] == SENT
    assert states[notices[1].key] == "failed"
    assert claim(uow) == []  # a failed send is not retried: it may have arrived


def test_a_chat_on_a_platform_that_is_off_waits_for_it(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    clock.set(FIRST - timedelta(hours=1))
    assert [n.chat for n in claim(uow, ("telegram",))] == ["telegram:-100"]
    clock.advance(timedelta(minutes=20))
    assert [n.chat for n in claim(uow, BOTH)] == ["slack:C1"]  # late, but still useful


def test_a_cancelled_session_gets_no_reminder(uow: UnitOfWork, clock: FixedClock, tea: str) -> None:
    meetups.cancel(uow, LEAD, tea, "2026-11-24")
    clock.set(FIRST - timedelta(hours=1))
    assert claim(uow) == []


def test_reminders_due_before_the_meetup_existed_do_not_apply(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    clock.set(FIRST - timedelta(hours=2))
    late = meetups.schedule_meetup(uow, LEAD, "research", "once:2026-11-24", "20:00", "1h", "X")
    assert [n for n in claim(uow) if n.key.startswith(late.id)] == []
    clock.set(FIRST - timedelta(hours=1))
    mine = [n for n in claim(uow) if n.key.startswith(late.id)]
    assert {n.key.split("|")[1] for n in mine} == {"3600"}
    assert not any(k.startswith(late.id) and "|86400|" in k for k in delivery_states(uow))


def test_after_an_outage_only_the_latest_missed_reminder_is_sent(
    uow: UnitOfWork, clock: FixedClock, tea: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Down from before the 24 h reminder until 30 minutes before the session.
    clock.set(FIRST - timedelta(minutes=30))
    with caplog.at_level(logging.WARNING):
        notices = claim(uow)
    assert {n.key.split("|")[1] for n in notices} == {"3600"}
    assert len(notices) == 2
    states = delivery_states(uow)
    assert states[f"{tea}@2026-11-24|86400|telegram:-100"] == SKIPPED
    assert "superseded" in caplog.text
    assert claim(uow) == []


def test_a_backlog_goes_out_soonest_session_first(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    """After an outage (or a leader's takeover) the notices come soonest session first,
    whatever their ids: a paced backlog must not keep the 20:00 tea house waiting behind a
    20:40 meetup. Ids are renamed so that id order is the wrong order."""
    later = meetups.schedule_meetup(uow, LEAD, "research", "tue", "20:40", "30m", "Later").id
    with uow.begin() as s:
        for old, new in ((tea, "z-tea"), (later, "a-later")):
            doc = dict(s.tx.get(meetups.MEETUPS, old) or {}, id=new)
            s.tx.delete(meetups.MEETUPS, old)
            s.tx.put(meetups.MEETUPS, new, doc)
        s.commit()
    clock.set(FIRST - timedelta(minutes=15))  # both 1 h reminders missed
    notices = claim(uow)
    assert [n.key.split("@")[0] for n in notices] == ["z-tea", "z-tea", "a-later", "a-later"]


def test_reminders_missed_until_the_session_began_are_skipped_and_logged(
    uow: UnitOfWork, clock: FixedClock, tea: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(FIRST + timedelta(minutes=5))
    with caplog.at_level(logging.WARNING):
        assert claim(uow) == []
    skipped = [k for k, state in delivery_states(uow).items() if state == SKIPPED]
    assert len(skipped) == 4  # two offsets, two chats
    assert "too late" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert claim(uow) == []
    assert "skipped" not in caplog.text  # logged once, not on every tick


def test_the_topic_meeting_names_the_most_backed_open_topic(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    meetups.schedule_meetup(uow, LEAD, "research", "daily", "21:00", "30m", "Topic", topic=True)
    people = [Actor(f"console:p{i}", f"P{i}") for i in range(3)]
    for person in people:
        join(uow, person)
    topics.propose_topic(uow, people[0], "Masks", threshold=3)
    topics.propose_topic(uow, people[1], "Water", threshold=3)
    topics.back_topic(uow, people[2], "2", threshold=3)  # Water: 2 backers, Masks: 1
    topics.propose_topic(uow, people[2], "Done", threshold=1)  # formed at once: not open
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # 1 h before 21:00 Shanghai
    named = {n.what.topic for n in claim(uow) if isinstance(n.what, MeetupNotice)}
    assert named == {"Water"}


def test_among_equally_backed_topics_the_oldest_is_the_days_topic(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    meetups.schedule_meetup(uow, LEAD, "research", "daily", "21:00", "30m", "Topic", topic=True)
    join(uow, MO)
    topics.propose_topic(uow, MO, "First", threshold=3)
    clock.advance(timedelta(minutes=1))
    topics.propose_topic(uow, MO, "Second", threshold=3)
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    named = {n.what.topic for n in claim(uow) if isinstance(n.what, MeetupNotice)}
    assert named == {"First"}


def test_a_malformed_topics_table_costs_only_the_topic(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    meetups.schedule_meetup(uow, LEAD, "research", "daily", "21:00", "30m", "Topic", topic=True)
    with uow.begin() as s:
        s.tx.put("topics", "t1", {"id": "t1", "title": "X", "backers": "many"})
        s.commit()
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    notices = claim(uow)
    assert notices and all(isinstance(n.what, MeetupNotice) and n.what.topic == "" for n in notices)


def test_next_due_is_the_earliest_coming_notice(
    uow: UnitOfWork, clock: FixedClock, tea: str
) -> None:
    assert next_due(uow, OFFSETS) is None  # nothing within six hours
    assert next_due(uow, OFFSETS, timedelta(days=3)) == FIRST - timedelta(hours=24)
    clock.set(FIRST - timedelta(hours=3))
    assert next_due(uow, OFFSETS) == FIRST - timedelta(hours=1)


def test_old_delivery_records_are_pruned(uow: UnitOfWork, clock: FixedClock, tea: str) -> None:
    clock.set(FIRST - timedelta(hours=1))
    claim(uow)
    assert prune_deliveries(uow) == 0
    clock.advance(timedelta(days=61))
    assert prune_deliveries(uow) == 4  # two sent and two superseded
    assert delivery_states(uow) == {}


# Exactly once across a restart: the same TinyDB file, closed and opened again.


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "can.json"


@pytest.fixture
def durable(store_file: Path, clock: FixedClock, network: Network) -> Iterator[UnitOfWork]:
    store = TinyDBStore(store_file)
    unit = UnitOfWork(store, clock, network)
    ensure_seeded(unit)
    yield unit
    store.close()


def reopen(unit: UnitOfWork, store_file: Path) -> UnitOfWork:
    unit.store.close()
    return UnitOfWork(TinyDBStore(store_file), unit.clock, unit.network)


def test_a_sent_reminder_is_not_sent_again_after_a_restart(
    durable: UnitOfWork, store_file: Path, clock: FixedClock
) -> None:
    setup_network(durable)
    clock.set(FIRST - timedelta(hours=24))
    notices = claim(durable)
    assert len(notices) == 2
    mark_delivered(durable, {n.key: SENT for n in notices})
    again = reopen(durable, store_file)
    try:
        assert claim(again) == []
        assert set(delivery_states(again).values()) == {SENT}
    finally:
        again.store.close()


def test_a_crash_between_claim_and_send_loses_that_reminder_rather_than_doubling_it(
    durable: UnitOfWork, store_file: Path, clock: FixedClock
) -> None:
    setup_network(durable)
    clock.set(FIRST - timedelta(hours=24))
    assert len(claim(durable)) == 2  # claimed, then "killed" before sending
    again = reopen(durable, store_file)
    try:
        clock.advance(timedelta(seconds=5))
        assert claim(again) == []
        assert set(delivery_states(again).values()) == {CLAIMED}
    finally:
        again.store.close()


def test_a_reminder_missed_while_down_is_sent_once_at_start(
    durable: UnitOfWork, store_file: Path, clock: FixedClock
) -> None:
    setup_network(durable)
    clock.set(FIRST - timedelta(hours=24))
    mark_delivered(durable, {n.key: SENT for n in claim(durable)})
    durable.store.close()
    clock.set(FIRST - timedelta(minutes=40))  # the 1 h reminder fell due while down
    again = UnitOfWork(TinyDBStore(store_file), clock, durable.network)
    try:
        first = claim(again)
        assert {n.key.split("|")[1] for n in first} == {"3600"} and len(first) == 2
        assert claim(again) == []
    finally:
        again.store.close()


# Relays: the holder's reminder, the hand-offs at each slot, and the close.


@pytest.fixture
def relay_id(uow: UnitOfWork, clock: FixedClock) -> str:
    setup_network(uow)
    relay = relays.create_relay(uow, LEAD, "2026-11-23T20:00", "3x60", "Poetry", "research")
    relays.claim_slot(uow, MO, relay.id, "1")
    relays.claim_slot(uow, LEAD, relay.id, "2")
    return relay.id


RELAY_START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def relay_notices(uow: UnitOfWork) -> list[RelayNotice]:
    found = [n.what for n in claim(uow, ("telegram",))]
    return [w for w in found if isinstance(w, RelayNotice)]


def test_a_relay_reminds_holders_hands_over_and_closes(
    uow: UnitOfWork, clock: FixedClock, relay_id: str
) -> None:
    clock.set(RELAY_START - timedelta(minutes=10))
    (reminder,) = relay_notices(uow)
    assert (reminder.kind, reminder.slot, reminder.holder(1)) == (REMINDER, 1, "Mo")
    clock.set(RELAY_START)
    (start,) = relay_notices(uow)
    assert (start.kind, start.slot) == (HANDOFF, 1)
    clock.set(RELAY_START + timedelta(minutes=50))
    (second,) = relay_notices(uow)
    assert (second.kind, second.slot, second.holder(2)) == (REMINDER, 2, "Lena")
    clock.set(RELAY_START + timedelta(hours=1))
    (handoff,) = relay_notices(uow)
    assert (handoff.kind, handoff.holder(1), handoff.holder(2)) == (HANDOFF, "Mo", "Lena")
    clock.set(RELAY_START + timedelta(hours=2))
    (open_slot,) = relay_notices(uow)  # slot 3 has no holder: no reminder, an appeal
    assert (open_slot.kind, open_slot.slot, open_slot.holder(3)) == (HANDOFF, 3, "")
    clock.set(RELAY_START + timedelta(hours=3))
    (close,) = relay_notices(uow)
    assert close.kind == CLOSE
    assert relay_notices(uow) == []


def test_a_hand_off_missed_past_its_slot_is_skipped(
    uow: UnitOfWork, clock: FixedClock, relay_id: str
) -> None:
    clock.set(RELAY_START + timedelta(hours=1, minutes=5))
    kinds = [(n.kind, n.slot) for n in relay_notices(uow)]
    assert kinds == [(HANDOFF, 2)]  # slot 1's reminder and hand-off are too late now
    states = delivery_states(uow)
    assert states[f"{relay_id}#1|{HANDOFF}|telegram:-100"] == SKIPPED


# One bad record (stored before dates were bounded, or by a damaged import) costs only itself.


def put_far_future_relay(uow: UnitOfWork) -> None:
    """A relay dated 9999-12-31, as the unbounded ``relay new`` used to commit."""
    with uow.begin() as s:
        s.tx.put(
            relays.RELAYS,
            "rbad",
            {
                "id": "rbad",
                "circle": "research",
                "title": "Forever",
                "start": "9999-12-31T02:00:00+00:00",
                "slots": 24,
                "minutes": 60,
                "holders": {},
                "created_by": "",
                "created_at": "2026-11-22T08:00:00+00:00",
            },
        )
        s.tx.put(meetups.MEETUPS, "mbad", {"id": "mbad", "circle": "research"})  # no fields
        s.commit()


def test_a_record_that_cannot_be_scheduled_is_logged_once_and_skipped(
    uow: UnitOfWork, clock: FixedClock, tea: str, caplog: pytest.LogCaptureFixture
) -> None:
    put_far_future_relay(uow)
    faults = RecordFaults()
    clock.set(FIRST - timedelta(hours=24))
    with caplog.at_level(logging.WARNING):
        first = run_tick(uow, OFFSETS, BOTH, faults=faults)
        clock.set(FIRST - timedelta(hours=1))
        second = run_tick(uow, OFFSETS, BOTH, faults=faults)
    # The good meetup's reminders still go out, on both ticks.
    assert {n.key.split("|")[1] for n in first.notices} == {"86400"}
    assert {n.key.split("|")[1] for n in second.notices} == {"3600"}
    warnings = [r.getMessage() for r in caplog.records]
    assert len([w for w in warnings if "relays/rbad" in w]) == 1
    assert len([w for w in warnings if "meetups/mbad" in w]) == 1
    assert "OverflowError" in caplog.text
    assert not any(r.exc_info for r in caplog.records)  # a line, not a traceback


def test_the_relay_list_survives_a_record_it_cannot_read(uow: UnitOfWork, tea: str) -> None:
    put_far_future_relay(uow)
    good = relays.create_relay(uow, LEAD, "2026-11-23T20:00", "3x60", "Poetry", "research")
    assert [r.id for r in relays.current_relays(uow)] == [good.id]
    assert relays.delete_relay(uow, LEAD, "rbad").title == "Forever"
    with uow.begin() as s:
        assert s.tx.get(relays.RELAYS, "rbad") is None
