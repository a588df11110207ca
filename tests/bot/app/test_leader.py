"""One leader among replicas: the PostgreSQL session lock decides, and a successor takes over."""

from __future__ import annotations

import asyncio
import time

import psycopg

from bot.app.leader import FOLLOWER, LEADER, Leadership
from circles.storage.postgres import LeaderLock, PostgresStore


class RecordingDuties:
    """Counts how often the duties were started and stopped."""

    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0

    async def start(self) -> None:
        self.started += 1

    async def stop(self) -> None:
        self.stopped += 1


def test_only_one_session_holds_the_leader_lock_until_it_lets_go(pg_url: str) -> None:
    PostgresStore(pg_url).close()
    first, second = LeaderLock(pg_url), LeaderLock(pg_url)
    try:
        assert first.try_acquire() and first.held()
        assert not second.try_acquire() and not second.held()
        first.release()
        assert not first.held()
        assert second.try_acquire() and second.held()
    finally:
        first.release()
        second.release()


def test_a_terminated_leader_session_is_noticed_and_the_lock_passes_on(pg_url: str) -> None:
    first, second = LeaderLock(pg_url), LeaderLock(pg_url)
    try:
        assert first.try_acquire()
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted AND objid = 3"
            )
        assert not first.held()  # the lost session is not mistaken for leadership
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_an_embedded_store_process_always_leads() -> None:
    async def run() -> tuple[str, int, int]:
        leadership, duties = Leadership(None), RecordingDuties()
        await leadership.start(duties.start, duties.stop)
        role = leadership.role
        await leadership.stop()
        return role, duties.started, duties.stopped

    assert asyncio.run(run()) == (LEADER, 1, 1)


def test_of_two_replicas_one_leads_and_the_other_takes_over_when_it_stops(pg_url: str) -> None:
    async def run() -> None:
        a = Leadership(LeaderLock(pg_url), interval=0.1)
        b = Leadership(LeaderLock(pg_url), interval=0.1)
        duties_a, duties_b = RecordingDuties(), RecordingDuties()
        await a.start(duties_a.start, duties_a.stop)
        await b.start(duties_b.start, duties_b.stop)
        await asyncio.sleep(0.3)
        assert (a.role, b.role) == (LEADER, FOLLOWER)
        assert (duties_a.started, duties_b.started) == (1, 0)
        stopped = time.monotonic()
        await a.stop()
        assert duties_a.stopped == 1
        while b.role != LEADER and time.monotonic() - stopped < 5:
            await asyncio.sleep(0.05)
        assert b.role == LEADER and duties_b.started == 1
        await b.stop()

    asyncio.run(run())


def test_a_leader_that_loses_the_database_session_stops_its_duties(pg_url: str) -> None:
    async def run() -> None:
        a = Leadership(LeaderLock(pg_url), interval=0.1)
        duties = RecordingDuties()
        await a.start(duties.start, duties.stop)
        assert a.role == LEADER
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted AND objid = 3"
            )
        deadline = time.monotonic() + 5
        while duties.stopped == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert duties.stopped == 1
        # ... and it leads again by itself once it can (the database is still there).
        while a.role != LEADER and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert a.role == LEADER and duties.started == 2
        await a.stop()

    asyncio.run(run())
