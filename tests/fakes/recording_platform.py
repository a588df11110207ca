"""RecordingPlatform: a chat platform that records what it is asked to send (a spy)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.reply import Reply
from circles.clock import Clock


@dataclass(frozen=True)
class Sent:
    chat: str
    reply: Reply
    at: datetime  # by the clock the platform was given


class RecordingPlatform:
    """Implements the Platform protocol; ``fail_with`` makes every send raise it."""

    def __init__(self, name: str, clock: Clock, fail_with: Exception | None = None) -> None:
        self.name = name
        self.clock = clock
        self.fail_with = fail_with
        self.sent: list[Sent] = []
        self.running = False
        self.arrived = asyncio.Event()

    async def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        if departing is not None:
            departing()
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(Sent(chat, reply, self.clock.now()))
        self.arrived.set()
