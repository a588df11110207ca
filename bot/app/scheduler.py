"""The meetup scheduler inside `canbot run`: sends reminders and relay hand-offs when they fall due.

The store is the source of truth and the APScheduler jobs are derived from it, so nothing is
lost or doubled when the process restarts:

- a periodic ``tick`` (every ``tick_seconds``, coalesced, one at a time) asks the store what is
  due (``claim_due_notices``), which claims each notice in a committed delivery record before it
  is sent; the tick also runs at start, which sends what a short outage held back;
- after each tick one precise ``date`` job is armed at the next due time, so a reminder goes out
  within milliseconds of its due time rather than up to a tick later. Ticks notice new or
  changed meetups by themselves; ``wake()`` asks for a tick at once.

The scheduler also runs the network's self-organization: every ``settle_seconds`` (and once at
start) role proposals that stood 48 hours without objection become active (``settle_proposals``),
and every tick sends the announcements use cases queued in the store (new roles, splits, action
groups), one batch at a time so they arrive in order. Every ``govern_seconds`` (and at start)
the governance job closes due decisions, reminds members without a position, and asks or
releases role holders at the end of their terms.

Each notice goes to the platform named by its chat's prefix (``telegram:`` -> the platform
named ``telegram``); sends run in their own tasks, so a slow broadcast never holds up a tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.broadcasts.announcement import send_announcements
from bot.broadcasts.ask_message import AskDuties
from bot.broadcasts.notice import render
from bot.i18n import Catalogs, Translator
from bot.platforms.base import Platform
from circles.services.announcements import Announcement, take_announcements
from circles.services.decisions import run_decisions
from circles.services.emergent_roles import settle_proposals
from circles.services.reminders import (
    SENT,
    Notice,
    RecordFaults,
    mark_delivered,
    mark_departing,
    prune_deliveries,
    release_unsent,
    run_tick,
)
from circles.services.role_terms import run_terms
from circles.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
TICK_JOB, NEXT_JOB, PRUNE_JOB = "tick", "next-due", "prune"
SETTLE_JOB, ANNOUNCE_JOB = "settle", "announce"
ASK_TICK_JOB, ASK_SEND_JOB = "ask-tick", "ask-send"
GOVERN_JOB = "govern"


class MeetupScheduler:
    """Derives send times from the store and sends what falls due to every linked chat."""

    def __init__(
        self,
        uow: UnitOfWork,
        platforms: Sequence[Platform],
        translator: Translator,
        offsets: Sequence[timedelta],
        *,
        tick_seconds: float = 2.0,
        stop_grace: float = 10.0,
        settle_seconds: float = 60.0,
        asks: AskDuties | None = None,
        ask_seconds: float = 20.0,
        govern_seconds: float = 15.0,
        catalogs: Catalogs | None = None,
    ) -> None:
        self.uow = uow
        self.routes = {platform.name.lower(): platform for platform in platforms}
        self.t = translator
        # Every language's messages: private announcements are read in their reader's language
        # (without them, everything is read in ``translator``'s).
        self.catalogs = catalogs
        self.offsets = tuple(offsets)
        self.tick_seconds = tick_seconds
        self.stop_grace = stop_grace
        self.settle_seconds = settle_seconds
        self.govern_seconds = govern_seconds
        self._announcing: asyncio.Task[None] | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._armed_for: datetime | None = None
        self.asks = asks
        self.ask_seconds = ask_seconds
        self._asking: asyncio.Task[None] | None = None
        # Kept across ticks so a record that cannot be scheduled is logged once, not each tick.
        self._faults = RecordFaults()

    async def start(self) -> None:
        # Built here, not at import or construction: it binds to the running loop.
        scheduler = AsyncIOScheduler(timezone=UTC)
        options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        scheduler.add_job(self.wake, "interval", seconds=self.tick_seconds, id=TICK_JOB, **options)
        scheduler.add_job(self.prune, "interval", hours=6, id=PRUNE_JOB, **options)
        scheduler.add_job(
            self.settle, "interval", seconds=self.settle_seconds, id=SETTLE_JOB, **options
        )
        scheduler.add_job(
            self.announce, "interval", seconds=self.tick_seconds, id=ANNOUNCE_JOB, **options
        )
        if self.asks is not None:
            scheduler.add_job(
                self.ask_tick, "interval", seconds=self.ask_seconds, id=ASK_TICK_JOB, **options
            )
            scheduler.add_job(
                self.ask_send, "interval", seconds=self.tick_seconds, id=ASK_SEND_JOB, **options
            )
        scheduler.add_job(
            self.govern, "interval", seconds=self.govern_seconds, id=GOVERN_JOB, **options
        )
        scheduler.start()
        self._scheduler = scheduler
        released = release_unsent(self.uow)
        if released:
            log.info("%d reminders claimed before a stop had not left; sending them now", released)
        await self.wake()
        await self.settle()
        await self.ask_tick()
        await self.govern()

    async def stop(self) -> None:
        """Stop ticking, then give sends already under way a moment to finish."""
        if self._scheduler is not None:
            # Pause first, then let a tick already handed to the loop run (it finishes in one
            # step): shutting down under it would cancel it and log a spurious error.
            self._scheduler.pause()
            for _ in range(3):
                await asyncio.sleep(0)
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._sending:
            _, late = await asyncio.wait(set(self._sending), timeout=self.stop_grace)
            for task in late:
                log.warning("a reminder send did not finish before shutdown")
                task.cancel()

    async def wake(self) -> None:
        """One tick: claim and send what is due, then arm the job for the next due time.

        The store work has no ``await`` inside, so two ticks never interleave and a shutdown
        cannot cut one between claiming and handing the notices to their send task.
        """
        try:
            tick = run_tick(self.uow, self.offsets, self.routes.keys(), faults=self._faults)
            if tick.notices:
                task = asyncio.get_running_loop().create_task(self._deliver(tick.notices))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)
            self._arm(tick.next_due)
        except Exception:
            # The scheduler's edge: one bad tick must not stop the next one.
            log.exception("reminder tick failed")

    def _arm(self, due: datetime | None) -> None:
        if self._scheduler is None:
            return
        # Re-arm only when the time changed, or the one-shot job already ran (early, by a hair).
        if due == self._armed_for and (due is None or self._scheduler.get_job(NEXT_JOB)):
            return
        self._armed_for = due
        if due is None:
            if self._scheduler.get_job(NEXT_JOB) is not None:
                self._scheduler.remove_job(NEXT_JOB)
            return
        # The domain clock may be shifted (tests); APScheduler runs on the wall clock.
        delay = max((due - self.uow.clock.now()).total_seconds(), 0.0)
        run_date = datetime.now(UTC) + timedelta(seconds=delay)
        self._scheduler.add_job(
            self.wake,
            "date",
            run_date=run_date,
            id=NEXT_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def settle(self) -> None:
        """Role proposals with no objection for 48 hours stand; then announce what is queued."""
        try:
            settled = settle_proposals(self.uow)
            if settled:
                log.info("%d role proposals stood after 48 hours", len(settled))
        except Exception:
            log.exception("settling role proposals failed")
        await self.announce()

    async def govern(self) -> None:
        """Close due decisions, remind silent members, ask and release role holders at the end
        of their terms; what they tell goes out through the announcement outbox, once."""
        try:
            closed, reminded = run_decisions(self.uow)
            asked, released = run_terms(self.uow)
            if closed or reminded or asked or released:
                log.info(
                    "governance: %d decisions closed, %d reminders, %d term questions, "
                    "%d roles released",
                    closed,
                    reminded,
                    asked,
                    released,
                )
        except Exception:
            log.exception("the governance job failed")
        await self.announce()

    async def announce(self) -> None:
        """Take the queued announcements and send them in a task of their own."""
        if self._announcing is not None and not self._announcing.done():
            return  # the previous batch is still going out; the next tick takes the rest, in order
        try:
            taken = take_announcements(self.uow, self.routes.keys())
        except Exception:
            log.exception("taking announcements failed")
            return
        if not taken:
            return
        task = asyncio.get_running_loop().create_task(self._announce(taken))
        self._announcing = task
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _announce(self, taken: list[Announcement]) -> None:
        sent = await send_announcements(taken, self.routes, self.t, self.catalogs)
        log.info("sent %d announcement messages", sent)

    async def ask_tick(self) -> None:
        """Asks' nudges, escalations and retention (issue 21), then send what they queued."""
        if self.asks is None:
            return
        try:
            self.asks.tick()
        except Exception:
            log.exception("the ask tick failed")
        await self.announce()
        await self.ask_send()

    async def ask_send(self) -> None:
        """Send the queued private messages about asks, one batch at a time, in order."""
        if self.asks is None or (self._asking is not None and not self._asking.done()):
            return
        asks = self.asks

        async def deliver() -> None:
            try:
                await asks.deliver(self.routes)
            except Exception:
                log.exception("sending private messages about asks failed")

        task = asyncio.get_running_loop().create_task(deliver())
        self._asking = task
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def prune(self) -> None:
        try:
            dropped = prune_deliveries(self.uow)
            if dropped:
                log.info("forgot %d old delivery records", dropped)
        except Exception:
            log.exception("pruning delivery records failed")

    async def _deliver(self, notices: list[Notice]) -> None:
        await asyncio.gather(*(self._send_and_record(notice) for notice in notices))

    async def _send_and_record(self, notice: Notice) -> None:
        # Each outcome is recorded as it happens: a wave to 1,000 chats takes half a minute
        # under Telegram's limits, and a restart in the middle must know which went out.
        key, outcome = await self._send(notice)
        try:
            mark_delivered(self.uow, {key: outcome})
        except Exception:
            log.exception("could not record how notice %s went", key)

    async def _send(self, notice: Notice) -> tuple[str, str]:
        platform = self.routes.get(notice.chat.partition(":")[0])
        if platform is None:
            return notice.key, "NoPlatform"
        try:
            await platform.send(
                notice.chat,
                render(self.t, notice),
                departing=lambda: mark_departing(self.uow, notice.key, notice.claim),
            )
        except Exception as exc:
            # Not retried: the chat may have got it (a timeout after delivery), and a
            # duplicate in a group chat is worse than a reminder missed.
            log.exception("sending %s failed", notice.key)
            return notice.key, type(exc).__name__
        late = (self.uow.clock.now() - notice.due).total_seconds()
        log.info("sent %s (%.2f s after due)", notice.key, late)
        return notice.key, SENT
