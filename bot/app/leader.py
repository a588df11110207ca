"""The leader: the one replica that runs what must happen once (scheduler, outbox, polling).

With the embedded store one process owns everything, so it always leads. On PostgreSQL every
replica runs ``Leadership.run``: a follower tries the leader's session advisory lock every
``interval`` seconds, and the leader checks every ``interval`` that its session still holds it.
The leader's duties (``LeaderDuties``) start when the lock is won and stop when it is lost (the
database went away, or the session was cut): a replica that cannot prove it leads stops
sending. Two replicas that both believe they lead for a moment still never send one reminder
twice: each delivery is claimed by a committed row under the store's unique key before it goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.app.bootstrap import Runtime
from bot.app.scheduler import MeetupScheduler
from bot.broadcasts.ask_message import AskDuties
from bot.platforms.base import Leads, Platform
from bot.platforms.console.adapter import ConsolePlatform
from circles.storage.postgres import LeaderLock, PostgresStore

log = logging.getLogger(__name__)
LEADER, FOLLOWER = "leader", "follower"
INTERVAL = 1.0  # seconds between tries and checks: takeover well inside 10 s
Duty = Callable[[], Awaitable[None]]


def leadership_for(runtime: Runtime) -> Leadership:
    """Elected by the database on PostgreSQL; the sole leader on an embedded store."""
    store = runtime.store
    return Leadership(LeaderLock(store.url) if isinstance(store, PostgresStore) else None)


class Leadership:
    """Whether this process leads, and the loop that keeps it true."""

    def __init__(self, lock: LeaderLock | None, *, interval: float = INTERVAL) -> None:
        self._lock = lock  # None: the only process of an embedded store, always the leader
        self.interval = interval
        self.leading = False
        self._task: asyncio.Task[None] | None = None
        self._elected: Duty = _nothing
        self._deposed: Duty = _nothing

    @property
    def role(self) -> str:
        return LEADER if self.leading else FOLLOWER

    async def start(self, elected: Duty, deposed: Duty) -> None:
        """Try once now (so a lone replica leads before it says it runs), then keep trying."""
        self._elected, self._deposed = elected, deposed
        await self._step()
        if self._lock is not None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.leading:
            await self._give_up()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self._step()
            except Exception:
                log.exception("the leader check failed")

    async def _step(self) -> None:
        lock = self._lock
        if not self.leading:
            if lock is None or await asyncio.to_thread(lock.try_acquire):
                self.leading = True
                if lock is not None:
                    log.info("this replica is now the leader")
                    print("This replica leads: scheduler, outbox and polling run here.", flush=True)
                try:
                    await self._elected()
                except Exception:
                    log.exception("starting the leader's duties failed; giving leadership up")
                    await self._give_up()
        elif lock is not None and not await asyncio.to_thread(lock.held):
            log.warning("lost the leader's lock (the database went away); stopping its duties")
            await self._give_up()

    async def _give_up(self) -> None:
        self.leading = False
        try:
            await self._deposed()
        except Exception:
            log.exception("stopping the leader's duties failed")
        if self._lock is not None:
            await asyncio.to_thread(self._lock.release)


async def _nothing() -> None:
    """No duty given yet."""


class LeaderDuties:
    """What only the leader runs: the meetup scheduler (reminders, hand-offs, settling
    proposals, the announcement outbox) and each platform's own leader work (Telegram's
    command menu and, in polling mode, the polling itself)."""

    def __init__(self, runtime: Runtime, platforms: Sequence[Platform]) -> None:
        self._runtime = runtime
        self._platforms = platforms
        self._scheduler: MeetupScheduler | None = None
        self._leading: list[Leads] = []

    async def start(self) -> None:
        runtime = self._runtime
        for platform in self._platforms:
            if isinstance(platform, Leads):
                await platform.lead()
                self._leading.append(platform)
        # Console rooms (`canbot chat --room`) are linked like groups; their broadcasts are
        # written to this terminal.
        scheduler = MeetupScheduler(
            runtime.uow,
            [*self._platforms, ConsolePlatform()],
            runtime.dispatcher.catalogs.translator(runtime.config.network.language),
            runtime.config.meetups.reminders,
            asks=AskDuties(runtime.uow, runtime.dispatcher.catalogs, runtime.config.asks),
            catalogs=runtime.dispatcher.catalogs,
        )
        self._scheduler = scheduler
        await scheduler.start()
        print("Meetup scheduler is running.", flush=True)

    async def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        try:
            if scheduler is not None:
                await scheduler.stop()
        finally:
            leading, self._leading = self._leading, []
            for platform in reversed(leading):
                try:
                    await platform.follow()
                except Exception:
                    log.exception("%s did not stop its leader work cleanly", platform.name)
