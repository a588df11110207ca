"""Matrix passes the platform contract: the real adapter on the real homeserver (Synapse), each
user a Matrix client with a direct room to the bot and one shared group room."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.bootstrap import build_runtime
from bot.config import Config, MatrixConfig, StorageConfig
from bot.platforms.matrix.adapter import MatrixPlatform
from bot.platforms.matrix.buttons import KEYS
from circles.clock import FixedClock
from circles.unit_of_work import UnitOfWork
from tests.bot.platforms.contract import (
    ADMIN,
    ALICE,
    BOB,
    START,
    PlatformContract,
    Shown,
    contract_network,
    eventually,
)
from tests.bot.platforms.matrix.harness import Accounts
from tests.bot.platforms.matrix.homeserver import Homeserver
from tests.bot.platforms.matrix.people import Person, Seen

QUIET = (
    1.0  # an answer's parts (text, then files) leave back to back; this long without one ends it
)
ANSWER_WAIT = 120.0  # a kit's first PDF render starts the press's worker


def reply_target(seen: Seen) -> str:
    relates = seen.content.get("m.relates_to") or {}
    if relates.get("rel_type") == "m.replace":
        return ""
    return str((relates.get("m.in_reply_to") or {}).get("event_id", ""))


def keys_of(body: str) -> dict[str, str]:
    """The legend under a message: label -> reaction key."""
    found: dict[str, str] = {}
    for line in body.splitlines():
        for key in KEYS:
            if line.startswith(key + " "):
                found[line[len(key) + 1 :]] = key
    return found


class MatrixDriver:
    def __init__(
        self,
        platform: MatrixPlatform,
        uow: UnitOfWork,
        clock: FixedClock,
        people: dict[str, Person],
        bot: str,
        direct: dict[str, str],
        group: str,
    ) -> None:
        self.platform = platform
        self.uow = uow
        self.clock = clock
        self.people = people
        self.bot = bot
        self.direct = direct
        self.group = group
        self.group_chat = f"matrix:{group}"

    def identity(self, user: str) -> str:
        return f"matrix:{self.people[user].user_id}"

    def language_of(self, user: str) -> str:
        return "zh"  # Matrix tells no language: the network's

    def _answers(self, person: Person, event_id: str) -> list[Seen]:
        return [
            s
            for s in person.seen
            if s.sender == self.bot and s.kind == "m.room.message" and reply_target(s) == event_id
        ]

    async def _collect(self, person: Person, event_id: str) -> list[Seen]:
        await eventually(
            lambda: bool(self._answers(person, event_id)), "the bot's answer", ANSWER_WAIT
        )
        while True:
            count = len(self._answers(person, event_id))
            await asyncio.sleep(QUIET)
            if len(self._answers(person, event_id)) == count:
                return self._answers(person, event_id)

    async def _shown(self, person: Person, answers: list[Seen]) -> Shown:
        texts = [s for s in answers if s.content.get("msgtype") == "m.notice"]
        files = [
            await person.download(s.content["url"])
            for s in answers
            if s.content.get("msgtype") in ("m.file", "m.image")
        ]
        last = texts[-1] if texts else None
        keys = keys_of(last.body) if last else {}
        return Shown(
            "\n".join(s.body for s in texts),
            tuple(keys),
            tuple(files),
            ref=(last.room, last.event_id, keys) if last else None,
        )

    async def say(self, user: str, line: str, *, in_group: bool = False) -> Shown:
        person = self.people[user]
        room = self.group if in_group else self.direct[user]
        event_id = await person.say(room, f"!can {line}" if in_group else line)
        return await self._shown(person, await self._collect(person, event_id))

    async def press(self, user: str, shown: Shown, label: str) -> str:
        room, event_id, keys = shown.ref
        person = self.people[user]
        before = len(self._answers(person, event_id))
        await person.react(room, event_id, keys[label])
        await eventually(
            lambda: len(self._answers(person, event_id)) > before, "the press's answer", 60
        )
        await asyncio.sleep(QUIET)
        return "\n".join(s.body for s in self._answers(person, event_id)[before:])

    def group_texts(self) -> list[str]:
        """What the bot posted to the group (answers and broadcasts), edits left out."""
        return [
            s.body
            for s in self.people[ADMIN].seen
            if s.room == self.group
            and s.sender == self.bot
            and s.kind == "m.room.message"
            and (s.content.get("m.relates_to") or {}).get("rel_type") != "m.replace"
        ]


class TestMatrixContract(PlatformContract):
    @pytest.fixture
    async def driver(
        self, homeserver: Homeserver, accounts: Accounts, tmp_path: Path
    ) -> AsyncIterator[MatrixDriver]:
        people = {
            ADMIN: Person(homeserver, accounts.ada, tmp_path / "ada"),
            ALICE: Person(homeserver, accounts.alice, tmp_path / "alice"),
            BOB: Person(homeserver, accounts.bob, tmp_path / "bob"),
        }
        clock = FixedClock(START)
        config = Config(
            network=contract_network(f"matrix:{accounts.ada.user_id}"),
            storage=StorageConfig("memory://"),
            matrix=MatrixConfig(
                homeserver=homeserver.url,
                user_id=accounts.bot.user_id,
                password=accounts.bot.password,
            ),
        )
        runtime = build_runtime(config, clock=clock)
        platform = MatrixPlatform(config.matrix, runtime.dispatcher, tmp_path / "matrix")
        started: list[Any] = []
        try:
            await platform.start()
            started.append(platform)
            for person in people.values():
                await person.start()
                started.append(person)
            bot = accounts.bot.user_id
            direct = {}
            for user, person in people.items():
                direct[user] = await person.create_room([bot], direct=True)
            group = await people[ADMIN].create_room(
                [bot, people[ALICE].user_id, people[BOB].user_id]
            )
            await people[ALICE].join(group)
            await people[BOB].join(group)
            for user, person in people.items():
                await person.wait_member(direct[user], bot)
                await person.wait_member(group, bot)
            yield MatrixDriver(platform, runtime.uow, clock, people, bot, direct, group)
        finally:
            for item in reversed(started):
                await item.stop()
            runtime.close()
