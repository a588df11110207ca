"""The console passes the platform contract: `canbot chat`'s rendering, and console rooms."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.bootstrap import Runtime, build_runtime
from bot.config import Config, StorageConfig
from bot.platforms.console.adapter import ROOM_PREFIX, ConsolePlatform, FileShelf, console_text
from bot.reply import Reply
from circles.actor import Actor
from circles.clock import FixedClock
from tests.bot.platforms.contract import (
    START,
    PlatformContract,
    Shown,
    contract_network,
)

ROOM = f"{ROOM_PREFIX}contract"
FILE_LINE = "📎 "


class ConsoleDriver:
    """Console users as `canbot chat --as NAME` (and ``--room``) are: lines in, plain text out."""

    def __init__(self, runtime: Runtime, clock: FixedClock, files: Path) -> None:
        self.runtime = runtime
        self.uow = runtime.uow
        self.clock = clock
        self.group_chat = ROOM
        self.shelf = FileShelf(files)
        self.room_log = io.StringIO()
        self.platform = ConsolePlatform(self.room_log, self.shelf)
        self._group_answers: list[str] = []

    def identity(self, user: str) -> str:
        return f"console:{user}"

    def language_of(self, user: str) -> str:
        return "zh"  # a terminal tells no language: the network's

    def _actor(self, user: str, in_group: bool) -> Actor:
        if in_group:
            return Actor(self.identity(user), user, chat=ROOM, in_group=True)
        return Actor(self.identity(user), user)

    async def _run(self, user: str, line: str, in_group: bool) -> tuple[Reply, str]:
        reply = await self.runtime.dispatcher.answer(self._actor(user, in_group), line)
        text = console_text(reply, self.shelf)
        if in_group:
            self._group_answers.append(text)
        return reply, text

    async def say(self, user: str, line: str, *, in_group: bool = False) -> Shown:
        reply, text = await self._run(user, line, in_group)
        files = tuple(
            Path(row[len(FILE_LINE) :].rsplit(" · ", 1)[0]).read_bytes()
            for row in text.splitlines()
            if row.startswith(FILE_LINE)
        )
        labels = tuple(b.label for row in reply.buttons for b in row)
        return Shown(text, labels, files, ref=(reply, in_group))

    async def press(self, user: str, shown: Shown, label: str) -> str:
        reply, in_group = shown.ref
        [command] = [b.command for row in reply.buttons for b in row if b.label == label]
        _, text = await self._run(user, command, in_group)
        return text

    def group_texts(self) -> list[str]:
        broadcasts = [
            block.split("\n", 1)[1]
            for block in self.room_log.getvalue().split("\n\n")
            if block.startswith(f"[{ROOM}]\n")
        ]
        return self._group_answers + broadcasts


class TestConsoleContract(PlatformContract):
    @pytest.fixture
    async def driver(self, tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
        clock = FixedClock(START)
        config = Config(
            network=contract_network("console:admin"), storage=StorageConfig("memory://")
        )
        runtime = build_runtime(config, clock=clock)
        try:
            yield ConsoleDriver(runtime, clock, tmp_path / "files")
        finally:
            runtime.close()


async def test_a_broadcast_to_something_else_than_a_console_room_is_refused() -> None:
    platform = ConsolePlatform(io.StringIO())
    with pytest.raises(ValueError, match="not a console room"):
        await platform.send("telegram:-1", Reply("hello"))
