"""The scheduler in a real event loop: reminders arrive once, on time, on every linked chat.

The end-to-end tests run APScheduler on the wall clock with a domain clock shifted so that a
session starts on a minute boundary two seconds after the test begins. They print how late
each reminder arrived (run with ``-s`` to see the figures); they do not assert on it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.bootstrap import build_runtime
from bot.app.runner import serve
from bot.app.scheduler import MeetupScheduler
from bot.config import Config, MeetupsConfig, StorageConfig, WebConfig
from bot.i18n import Catalogs
from bot.reply import Reply
from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services import meetups
from circles.services.membership import join
from circles.services.network_setup import ensure_seeded
from circles.services.reminders import delivery_states
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN
from tests.fakes.recording_platform import RecordingPlatform

BERLIN = ZoneInfo("Europe/Berlin")
ONE_SECOND = (timedelta(seconds=1),)


class ShiftedClock:
    """The wall clock moved by a fixed offset: real seconds pass, at a chosen moment."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def clock_before_a_minute(seconds: float) -> tuple[ShiftedClock, datetime]:
    """A clock reading ``seconds`` before a whole minute (the session's start), and that start."""
    real = datetime.now(UTC)
    start = (real + timedelta(minutes=2)).replace(second=0, microsecond=0)
    return ShiftedClock(start - timedelta(seconds=seconds) - real), start


def berlin_network() -> Network:
    return Network(timezone="Europe/Berlin", language="en", admins=frozenset({ADMIN}))


def plan_once(uow: UnitOfWork, start: datetime, chats: list[str]) -> str:
    """A one-off session at ``start`` in research, whose chats are ``chats``."""
    admin = Actor(ADMIN, "Admin")
    join(uow, admin)
    with uow.begin() as s:
        research = s.circles.require("research")
        research.chats = chats
        s.circles.save(research)
        s.commit()
    local = start.astimezone(ZoneInfo(uow.network.timezone))
    return meetups.schedule_meetup(
        uow, admin, "research", f"once:{local.date()}", f"{local:%H:%M}", "30m", "Tea house"
    ).id


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "can.json"


def open_uow(path: Path, clock: ShiftedClock | FixedClock, network: Network) -> UnitOfWork:
    unit = UnitOfWork(TinyDBStore(path), clock, network)
    ensure_seeded(unit)
    return unit


@pytest.fixture
def opened() -> Iterator[list[UnitOfWork]]:
    """Stores a test opened, closed at the end even if it fails."""
    units: list[UnitOfWork] = []
    yield units
    for unit in units:
        unit.store.close()


async def test_a_reminder_arrives_once_on_time_and_not_again_after_a_restart(
    store_path: Path, catalogs: Catalogs, opened: list[UnitOfWork]
) -> None:
    clock, start = clock_before_a_minute(2.0)
    network = berlin_network()
    uow = open_uow(store_path, clock, network)
    opened.append(uow)
    meetup = plan_once(uow, start, ["telegram:-100"])
    platform = RecordingPlatform("telegram", clock)
    scheduler = MeetupScheduler(uow, [platform], catalogs.translator("en"), ONE_SECOND)
    await scheduler.start()
    try:
        await asyncio.wait_for(platform.arrived.wait(), timeout=10)
        await asyncio.sleep(0.5)  # a few more ticks' chance to send a duplicate
    finally:
        await scheduler.stop()
    (sent,) = platform.sent
    due = start - timedelta(seconds=1)
    print(f"\nreminder lateness: {(sent.at - due).total_seconds() * 1000:.1f} ms after due")
    assert sent.chat == "telegram:-100"
    assert "Tea house (research) in 1 s" in sent.reply.text
    day = start.astimezone(BERLIN).date()
    assert sent.reply.buttons[0][0].command == f"rsvp {meetup} yes {day}"

    # Restart: a new scheduler over the store reopened from disk, before the session begins.
    uow.store.close()
    opened.remove(uow)
    again = open_uow(store_path, clock, network)
    opened.append(again)
    platform_again = RecordingPlatform("telegram", clock)
    restarted = MeetupScheduler(again, [platform_again], catalogs.translator("en"), ONE_SECOND)
    # Still before the session, so a missing record would mean a resend now: not vacuous.
    assert clock.now() < start
    await restarted.start()
    try:
        remaining = (start - clock.now()).total_seconds()
        await asyncio.sleep(max(remaining - 0.1, 0.3))
    finally:
        await restarted.stop()
    assert platform_again.sent == []
    assert list(delivery_states(again).values()) == ["sent"]


async def test_a_reminder_missed_while_stopped_is_sent_at_start(
    store_path: Path, catalogs: Catalogs, opened: list[UnitOfWork]
) -> None:
    clock, start = clock_before_a_minute(30.0)
    uow = open_uow(store_path, clock, berlin_network())
    opened.append(uow)
    plan_once(uow, start, ["telegram:-100"])
    clock.offset += timedelta(seconds=29.5)  # "down" until half a second before the session
    platform = RecordingPlatform("telegram", clock)
    offsets = (timedelta(seconds=10),)
    scheduler = MeetupScheduler(uow, [platform], catalogs.translator("en"), offsets)
    began = clock.now()
    await scheduler.start()
    try:
        await asyncio.wait_for(platform.arrived.wait(), timeout=10)
    finally:
        await scheduler.stop()
    (sent,) = platform.sent
    print(f"\nmissed reminder sent {(sent.at - began).total_seconds() * 1000:.1f} ms after start")
    assert "in 10 s" in sent.reply.text


async def test_the_precise_job_fires_without_waiting_for_the_periodic_tick(
    store_path: Path, catalogs: Catalogs, opened: list[UnitOfWork]
) -> None:
    clock, start = clock_before_a_minute(2.0)
    uow = open_uow(store_path, clock, berlin_network())
    opened.append(uow)
    plan_once(uow, start, ["telegram:-100"])
    platform = RecordingPlatform("telegram", clock)
    # A minute between periodic ticks: only the date job can deliver within the wait.
    scheduler = MeetupScheduler(
        uow, [platform], catalogs.translator("en"), ONE_SECOND, tick_seconds=60
    )
    await scheduler.start()
    try:
        await asyncio.wait_for(platform.arrived.wait(), timeout=10)
    finally:
        await scheduler.stop()
    assert len(platform.sent) == 1


async def test_a_meetup_scheduled_while_running_is_picked_up(
    store_path: Path, catalogs: Catalogs, opened: list[UnitOfWork]
) -> None:
    clock, start = clock_before_a_minute(3.0)
    uow = open_uow(store_path, clock, berlin_network())
    opened.append(uow)
    platform = RecordingPlatform("telegram", clock)
    scheduler = MeetupScheduler(
        uow, [platform], catalogs.translator("en"), ONE_SECOND, tick_seconds=0.5
    )
    await scheduler.start()
    try:
        plan_once(uow, start, ["telegram:-100"])  # after the start: the next tick finds it
        await asyncio.wait_for(platform.arrived.wait(), timeout=10)
    finally:
        await scheduler.stop()
    (sent,) = platform.sent
    due = start - timedelta(seconds=1)
    late = (sent.at - due).total_seconds() * 1000
    print(f"\nlateness of a meetup added while running: {late:.1f} ms")


@pytest.fixture
def fixed_uow(uow: UnitOfWork, clock: FixedClock) -> UnitOfWork:
    """The in-memory network with a session at 20:00 Shanghai on Tue 24 Nov, and chats."""
    plan_once(
        uow,
        datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        ["telegram:-100", "slack:C1", "matrix:!room"],
    )
    clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=UTC))
    return uow


async def test_each_chat_goes_to_the_platform_its_prefix_names(
    fixed_uow: UnitOfWork, clock: FixedClock, catalogs: Catalogs
) -> None:
    telegram = RecordingPlatform("telegram", clock)
    slack = RecordingPlatform("Slack", clock)
    offsets = (timedelta(hours=1),)
    scheduler = MeetupScheduler(fixed_uow, [telegram, slack], catalogs.translator("en"), offsets)
    await scheduler.wake()  # one tick, without the timer
    await scheduler.stop()  # waits for the sends under way
    assert [s.chat for s in telegram.sent] == ["telegram:-100"]
    assert [s.chat for s in slack.sent] == ["slack:C1"]
    states = delivery_states(fixed_uow)
    assert sorted(states.values()) == ["sent", "sent"]  # matrix: no platform, left unclaimed
    await scheduler.wake()
    await scheduler.stop()
    assert len(telegram.sent) == 1 and len(slack.sent) == 1


async def test_a_failed_send_is_logged_recorded_and_not_retried(
    fixed_uow: UnitOfWork, clock: FixedClock, catalogs: Catalogs, caplog: pytest.LogCaptureFixture
) -> None:
    broken = RecordingPlatform("telegram", clock, fail_with=ConnectionError("down"))
    offsets = (timedelta(hours=1),)
    scheduler = MeetupScheduler(fixed_uow, [broken], catalogs.translator("en"), offsets)
    with caplog.at_level(logging.ERROR):
        await scheduler.wake()
        await scheduler.stop()
    assert "sending" in caplog.text and "failed" in caplog.text
    assert list(delivery_states(fixed_uow).values()) == ["failed"]
    broken.fail_with = None
    await scheduler.wake()
    await scheduler.stop()
    assert broken.sent == []


async def test_reminders_are_written_in_the_network_language(
    fixed_uow: UnitOfWork, clock: FixedClock, catalogs: Catalogs
) -> None:
    telegram = RecordingPlatform("telegram", clock)
    offsets = (timedelta(hours=1),)
    scheduler = MeetupScheduler(fixed_uow, [telegram], catalogs.translator("zh"), offsets)
    await scheduler.wake()
    await scheduler.stop()
    (sent,) = telegram.sent
    assert "还有 1 小时" in sent.reply.text and "周二 2026-11-24 20:00" in sent.reply.text
    assert [b.label for b in sent.reply.buttons[0]] == ["参加", "可能", "不参加"]


async def test_canbot_run_starts_the_scheduler_after_the_platforms_and_stops_it_before(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    clock, start = clock_before_a_minute(2.0)
    config = Config(
        network=berlin_network(),
        storage=StorageConfig(url=f"tinydb://{tmp_path / 'can.json'}"),
        web=WebConfig(host="127.0.0.1", port=0),
        meetups=MeetupsConfig(reminders=ONE_SECOND),
    )
    runtime = build_runtime(config, clock=clock)
    try:
        plan_once(runtime.uow, start, ["telegram:-100"])
        platform = RecordingPlatform("telegram", clock)
        running = asyncio.create_task(serve(runtime, [platform]))
        await asyncio.wait_for(platform.arrived.wait(), timeout=10)
        assert platform.running  # the platform was up when the reminder went out
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=10)
        assert not platform.running
    finally:
        runtime.close()
    assert len(platform.sent) == 1


class StallingPlatform(RecordingPlatform):
    """Delivers to the first ``deliver`` chats; then ``in_flight`` more leave and never return
    (the process dies mid-request); the rest never get past pacing."""

    def __init__(self, name: str, clock: ShiftedClock, deliver: int, in_flight: int) -> None:
        super().__init__(name, clock)
        self.deliver, self.in_flight = deliver, in_flight
        self.stalled = 0

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        if len(self.sent) < self.deliver:
            await super().send(chat, reply, departing=departing)
            return
        if self.in_flight > 0 and departing is not None:
            self.in_flight -= 1
            departing()
        self.stalled += 1
        await asyncio.Event().wait()


async def test_a_restart_in_the_middle_of_a_wave_neither_doubles_nor_drops_a_reminder(
    store_path: Path, catalogs: Catalogs, opened: list[UnitOfWork]
) -> None:
    thirty = (timedelta(seconds=30),)
    clock, start = clock_before_a_minute(31.0)  # due in 1 s, useful until the start
    network = berlin_network()
    uow = open_uow(store_path, clock, network)
    opened.append(uow)
    chats = [f"telegram:-{100 + n}" for n in range(10)]
    plan_once(uow, start, chats)
    first = StallingPlatform("telegram", clock, deliver=4, in_flight=2)
    scheduler = MeetupScheduler(uow, [first], catalogs.translator("en"), thirty, stop_grace=0.1)
    await scheduler.start()
    try:
        for _ in range(300):
            if first.stalled == 6:
                break
            await asyncio.sleep(0.02)
    finally:
        await scheduler.stop()  # the stalled sends are cancelled: as good as a crash
    states = delivery_states(uow)
    assert sorted(states.values()) == ["claimed"] * 4 + ["departing"] * 2 + ["sent"] * 4

    uow.store.close()
    opened.remove(uow)
    again = open_uow(store_path, clock, network)
    opened.append(again)
    second = RecordingPlatform("telegram", clock)
    restarted = MeetupScheduler(again, [second], catalogs.translator("en"), thirty)
    await restarted.start()
    try:
        for _ in range(300):
            if len(second.sent) >= 4:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # a few more ticks' chance to send a duplicate
    finally:
        await restarted.stop()
    delivered_first = [s.chat for s in first.sent]
    delivered_again = [s.chat for s in second.sent]
    # The four that never left go out after the restart; the two that left are not repeated.
    assert len(delivered_again) == 4 and not set(delivered_again) & set(delivered_first)
    assert len(set(delivered_first + delivered_again)) == 8
    assert clock.now() < start
    final = delivery_states(again)
    assert sorted(final.values()) == ["departing"] * 2 + ["sent"] * 8
