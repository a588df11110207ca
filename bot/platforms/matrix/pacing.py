"""Broadcast pacing: reminders and announcements leave one at a time, spaced out, so a wave to
many rooms stays under the homeserver's message rate; direct answers are never held back.

What still meets M_LIMIT_EXCEEDED is waited out for the server's ``retry_after_ms`` and sent
again by the client (session.LIMIT_RETRIES times at most).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

BROADCAST_INTERVAL = 0.5  # seconds between two broadcast messages, whatever the room


class Pacer:
    def __init__(self, interval: float = BROADCAST_INTERVAL) -> None:
        self.interval = interval
        self._lock = asyncio.Lock()
        self._last = 0.0

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold the broadcast line for one message; waits until its spacing has passed."""
        async with self._lock:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last = time.monotonic()


class RoomLocks:
    """One lock per room, so a room's commands are answered in order while rooms run in
    parallel; a lock lives only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, room: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(room, (asyncio.Lock(), 0))
        self._locks[room] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[room]
            if users <= 1:
                del self._locks[room]
            else:
                self._locks[room] = (lock, users - 1)
