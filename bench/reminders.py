"""Reminder scale: the cost of a scheduler tick, and how late reminders arrive, by meetup count.

Run: python bench/reminders.py [sizes...]   (default 10 100 1000 meetups)

For each size, on the default TinyDB store with every circle linked to two chats:
- an idle tick (nothing due; what the scheduler does every 2 s: ``run_tick``), p50/p99 over 100;
- lateness: every meetup's 1 h reminder falls due in the same second; the real
  ``MeetupScheduler`` (APScheduler, precise date job) sends them to a null platform, which
  notes when each arrived; p50/max lateness after the due time.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app.scheduler import MeetupScheduler
from bot.i18n import Catalogs
from bot.reply import Reply
from circles.clock import FixedClock
from circles.meetup import Meetup
from circles.network import Network
from circles.recurrence import parse_recurrence
from circles.services.meetups import MEETUPS
from circles.services.network_setup import ensure_seeded
from circles.services.reminders import run_tick
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork

OFFSETS = (timedelta(hours=24), timedelta(hours=1))
RULES = ("daily", "tue,fri", "weekdays", "biweekly:wed")


class ShiftedClock:
    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class NullPlatform:
    """Records only when each send arrived."""

    def __init__(self, name: str, clock: ShiftedClock) -> None:
        self.name = name
        self.clock = clock
        self.arrivals: list[datetime] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, chat: str, reply: Reply, *, departing: object = None) -> None:
        self.arrivals.append(self.clock.now())


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def populate(uow: UnitOfWork, size: int, start: datetime, rules: tuple[str, ...]) -> None:
    tz = ZoneInfo(uow.network.timezone)
    local = start.astimezone(tz)
    with uow.begin() as s:
        circles = s.circles.all()
        for circle in circles:
            circle.chats = [f"telegram:-{circle.slug}", f"slack:C{circle.slug}"]
            s.circles.save(circle)
        for n in range(size):
            rule = rules[n % len(rules)]
            meetup = Meetup(
                id=f"m{n:08x}",
                circle=circles[n % len(circles)].slug,
                title=f"Meetup {n}",
                recurrence=parse_recurrence(rule),
                start=local.time().replace(second=0, microsecond=0),
                timezone=uow.network.timezone,
                duration_minutes=60,
                created_at=start - timedelta(days=30),
            )
            s.tx.put(MEETUPS, meetup.id, meetup.to_doc())
        s.commit()


def idle_ticks(folder: Path, size: int) -> tuple[float, float]:
    clock = FixedClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    store = TinyDBStore(folder / f"idle-{size}.json")
    uow = UnitOfWork(store, clock, Network())
    ensure_seeded(uow)
    populate(uow, size, clock.now() + timedelta(hours=30), RULES)
    run_tick(uow, OFFSETS, ("telegram", "slack"))  # the first tick records what was missed
    costs = []
    for _ in range(100):
        began = time.perf_counter()
        run_tick(uow, OFFSETS, ("telegram", "slack"))
        costs.append((time.perf_counter() - began) * 1000)
    store.close()
    return statistics.median(costs), percentile(costs, 0.99)


async def lateness(folder: Path, size: int) -> tuple[float, float, int]:
    real = datetime.now(UTC)
    start = (real + timedelta(minutes=2)).replace(second=0, microsecond=0)
    clock = ShiftedClock(start - timedelta(hours=1, seconds=2) - real)
    store = TinyDBStore(folder / f"late-{size}.json")
    uow = UnitOfWork(store, clock, Network())
    ensure_seeded(uow)
    populate(uow, size, start, ("daily",))
    run_tick(uow, (timedelta(hours=1),), ())  # yesterday's sessions: recorded as missed
    telegram, slack = NullPlatform("telegram", clock), NullPlatform("slack", clock)
    translator = Catalogs().translator("zh")
    scheduler = MeetupScheduler(uow, [telegram, slack], translator, (timedelta(hours=1),))
    await scheduler.start()
    expected = size * 2
    due = start - timedelta(hours=1)
    deadline = time.monotonic() + 60
    while len(telegram.arrivals) + len(slack.arrivals) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await scheduler.stop()
    store.close()
    late = [(at - due).total_seconds() * 1000 for at in telegram.arrivals + slack.arrivals]
    return statistics.median(late), max(late), len(late)


def main(sizes: list[int]) -> None:
    logging.disable(logging.WARNING)  # the populated history is "missed", and says so
    print("meetups | idle tick p50 / p99 | reminders | lateness p50 / max")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in sizes:
            p50, p99 = idle_ticks(folder, size)
            late50, late_max, count = asyncio.run(lateness(folder, size))
            print(
                f"{size:>7} | {p50:7.2f} / {p99:7.2f} ms | {count:>9} | "
                f"{late50:7.1f} / {late_max:7.1f} ms"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
