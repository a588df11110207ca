"""Reminder fan-out against Telegram's flood limits: 1,000 group chats, one minute, no 429.

Run: python bench/reminder_fanout.py [--chats 1000] [--circles 5] [--postgres]

The seeded circles get one meetup each, all starting at the same minute, and ``--chats`` group chats
linked among them. The real ``MeetupScheduler`` (APScheduler; the TinyDB store, or with
``--postgres`` the PostgreSQL store on a scratch database of CANBOT_BENCH_POSTGRES, as a leader
replica has it: every delivery claim a committed row) sends each circle's 1 h reminder to its chats
through the real ``TelegramPlatform`` (python-telegram-bot, our pacing) to ``FakeTelegramAPI``
enforcing 30 sends/s overall and 20/min per group with 429s.
Prints: delivered, 429s, sustained rate (and its ratio to the 30/s limit), the busiest second,
and how long after the due time the first and the last reminder arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reminders import ShiftedClock
from bench.scratch_database import scratch_database
from bench.telegram_broadcast import busiest
from bot.app.scheduler import MeetupScheduler
from bot.config import TelegramConfig
from bot.i18n import Catalogs
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.meetup import Meetup
from circles.network import Network
from circles.ports import DocumentStore
from circles.recurrence import parse_recurrence
from circles.services.meetups import MEETUPS
from circles.services.network_setup import ensure_seeded
from circles.services.reminders import run_tick
from circles.storage.postgres import PostgresStore
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from tests.fakes.telegram_api import FakeTelegramAPI, RateLimits

TOKEN = "123456:BenchToken_abcdefghijklmnop"
LIMIT = 30
HOUR = timedelta(hours=1)


def link_and_schedule(uow: UnitOfWork, chats: int, circles: int, start: datetime) -> list[int]:
    """``chats`` group chats spread over the first ``circles`` circles, one meetup in each."""
    local = start.astimezone(ZoneInfo(uow.network.timezone))
    chat_ids = [-(1_000_000_000_000 + n) for n in range(chats)]
    with uow.begin() as s:
        chosen = sorted(s.circles.all(), key=lambda c: c.slug)[:circles]
        for index, circle in enumerate(chosen):
            circle.chats = [f"telegram:{c}" for c in chat_ids[index :: len(chosen)]]
            s.circles.save(circle)
            meetup = Meetup(
                id=f"m{index:04d}",
                circle=circle.slug,
                title=f"Tea house {index}",
                recurrence=parse_recurrence("daily"),
                start=local.time().replace(second=0, microsecond=0),
                timezone=uow.network.timezone,
                duration_minutes=60,
                created_at=start - timedelta(days=30),
            )
            s.tx.put(MEETUPS, meetup.id, meetup.to_doc())
        s.commit()
    return chat_ids


async def fan_out(store: DocumentStore, chats: int, circles: int) -> None:
    limits = RateLimits(overall=LIMIT, per_group=20)
    fake = FakeTelegramAPI(TOKEN, limits=limits)
    await fake.start()
    real = datetime.now(UTC)
    start = (real + timedelta(minutes=2)).replace(second=0, microsecond=0)
    # The reminder falls due 3 s after the scheduler starts: the first tick sees nothing due.
    clock = ShiftedClock(start - HOUR - timedelta(seconds=3) - real)
    uow = UnitOfWork(store, clock, Network())
    ensure_seeded(uow)
    chat_ids = set(link_and_schedule(uow, chats, circles, start))
    run_tick(uow, (HOUR,), ())  # yesterday's sessions: recorded as missed, never sent
    from bot.commands.catalog import build_registry
    from bot.commands.dispatch import Dispatcher
    from bot.config import Config

    config = Config(network=Network())
    dispatcher = Dispatcher(build_registry(), uow, Catalogs(), config)
    platform = TelegramPlatform(TelegramConfig(token=TOKEN, base_url=fake.base_url), dispatcher)
    await platform.start()
    scheduler = MeetupScheduler(uow, [platform], Catalogs().translator("zh"), (HOUR,))
    due_monotonic = time.monotonic() + (start - HOUR - clock.now()).total_seconds()
    await scheduler.start()

    def delivered() -> list[float]:
        return [
            c.at
            for c in fake.sent("sendMessage")
            if c.status == 200 and int(c.params["chat_id"]) in chat_ids
        ]

    deadline = time.monotonic() + 3 + chats / 20 + 60
    while len(delivered()) < chats and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await scheduler.stop()
    await platform.stop()
    await fake.stop()
    times = sorted(delivered())
    refused = sum(1 for c in fake.calls if c.status == 429)
    # From the due time to the last delivery: the wave as the last group experiences it.
    rate = len(times) / (times[-1] - due_monotonic)
    print(f"store: {type(store).__name__}")
    print(f"group chats: {chats} over {circles} circles; reminders delivered: {len(times)}")
    print(f"429 answers: {refused}")
    share = rate / LIMIT
    print(f"sustained rate (due to last): {rate:.1f} messages/s = {share:.2f} of {LIMIT}/s")
    print(f"busiest second: {busiest(times, 1.0)} messages")
    print(f"first reminder {times[0] - due_monotonic:.2f} s after due (target <= 2 s)")
    print(f"last reminder {times[-1] - due_monotonic:.1f} s after due")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--circles", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="the PostgreSQL store")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with contextlib.ExitStack() as stack:
        store: DocumentStore
        if args.postgres:
            store = PostgresStore(stack.enter_context(scratch_database()))
        else:
            store = TinyDBStore(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "f.json")
        stack.callback(store.close)
        asyncio.run(fan_out(store, args.chats, args.circles))


if __name__ == "__main__":
    main()
