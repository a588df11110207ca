"""VirtualTime: a clock and a sleep for asyncio code under test that never really wait.

``await vt.run(a, b, c)`` runs the coroutines; whenever all of them are blocked in
``vt.sleep``, time jumps to the earliest wake-up. So a minute of pacing takes microseconds and
every assertion is about virtual seconds, never the wall clock.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import Any

SETTLE_ROUNDS = 50


class VirtualTime:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), future))
        await future

    async def run(self, *coroutines: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while True:
            for _ in range(SETTLE_ROUNDS):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                return [task.result() for task in tasks]
            if not self._sleepers:
                for task in tasks:
                    task.cancel()
                raise AssertionError("deadlock: tasks wait for something other than time")
            when, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            future.set_result(None)
