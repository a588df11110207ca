"""Telegram passes the platform contract: the real adapter polling the loopback fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app.bootstrap import Runtime, build_runtime
from bot.config import Config, StorageConfig, TelegramConfig
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.clock import FixedClock
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
from tests.bot.platforms.telegram.harness import TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI

USERS: dict[str, dict[str, Any]] = {
    ADMIN: {"id": 1001, "is_bot": False, "first_name": "Ada", "language_code": "en"},
    ALICE: {"id": 42, "is_bot": False, "first_name": "Alice", "language_code": "en"},
    BOB: {"id": 43, "is_bot": False, "first_name": "博", "language_code": "zh-hans"},
}
GROUP: dict[str, Any] = {"id": -1001234, "type": "supergroup", "title": "研究圈"}
QUIET = (
    0.3  # an answer's parts (text, then files) leave back to back; this long without one ends it
)
FILE_METHODS = {"sendDocument": "document", "sendPhoto": "photo"}


class TelegramDriver:
    def __init__(
        self, fake: FakeTelegramAPI, runtime: Runtime, platform: TelegramPlatform, clock: FixedClock
    ) -> None:
        self.fake = fake
        self.uow = runtime.uow
        self.platform = platform
        self.clock = clock
        self.group_chat = f"telegram:{GROUP['id']}"

    def identity(self, user: str) -> str:
        return f"telegram:{USERS[user]['id']}"

    def language_of(self, user: str) -> str:
        return "zh" if str(USERS[user]["language_code"]).startswith("zh") else "en"

    def _chat_id(self, user: str, in_group: bool) -> int:
        return int(GROUP["id"] if in_group else USERS[user]["id"])

    async def _answer(self, chat_id: int, before: int) -> list[Any]:
        """The calls the bot made to ``chat_id`` after the first ``before``, once it is quiet."""

        def mine() -> list[Any]:
            return [
                c for c in self.fake.calls if c.status == 200 and c.params.get("chat_id") == chat_id
            ]

        await eventually(lambda: len(mine()) > before, f"an answer in chat {chat_id}")
        while True:
            count = len(mine())
            await asyncio.sleep(QUIET)
            if len(mine()) == count:
                return mine()[before:]

    def _count(self, chat_id: int) -> int:
        return sum(
            1 for c in self.fake.calls if c.status == 200 and c.params.get("chat_id") == chat_id
        )

    def _last_id(self, chat_id: int) -> int:
        return max((mid for (chat, mid) in self.fake.messages if chat == chat_id), default=0)

    async def say(self, user: str, line: str, *, in_group: bool = False) -> Shown:
        chat_id = self._chat_id(user, in_group)
        before, last_id = self._count(chat_id), self._last_id(chat_id)
        self.fake.push_message("/" + line, user=USERS[user], chat=GROUP if in_group else None)
        calls = await self._answer(chat_id, before)
        texts = [str(c.params["text"]) for c in calls if c.method == "sendMessage"]
        files = tuple(c.files[FILE_METHODS[c.method]][1] for c in calls if c.method in FILE_METHODS)
        new = sorted(
            (
                m
                for (chat, mid), m in self.fake.messages.items()
                if chat == chat_id and mid > last_id
            ),
            key=lambda m: int(m["message_id"]),
        )
        with_text = [m for m in new if "text" in m]
        message = with_text[-1] if with_text else None
        labels = tuple(
            button["text"]
            for row in (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        )
        return Shown("\n".join(texts), labels, files, ref=(message, chat_id))

    async def press(self, user: str, shown: Shown, label: str) -> str:
        message, chat_id = shown.ref
        answered = len(self.fake.sent("answerCallbackQuery"))
        before = self._count(chat_id)
        self.fake.press(message, label, user=USERS[user])
        await eventually(
            lambda: len(self.fake.sent("answerCallbackQuery")) > answered, "the press's answer"
        )
        toast = str(self.fake.sent("answerCallbackQuery")[answered].params.get("text", ""))
        await asyncio.sleep(QUIET)
        later = [
            str(c.params.get("text", ""))
            for c in self.fake.calls[:]
            if c.status == 200 and c.params.get("chat_id") == chat_id and c.method == "sendMessage"
        ][before:]
        return "\n".join([toast, *later])

    def group_texts(self) -> list[str]:
        return self.fake.texts(int(GROUP["id"]))


class TestTelegramContract(PlatformContract):
    @pytest.fixture
    async def driver(self) -> AsyncIterator[TelegramDriver]:
        fake = FakeTelegramAPI(TOKEN)
        await fake.start()
        clock = FixedClock(START)
        config = Config(
            network=contract_network(f"telegram:{USERS[ADMIN]['id']}"),
            storage=StorageConfig("memory://"),
            telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
        )
        runtime = build_runtime(config, clock=clock)
        platform = TelegramPlatform(runtime.config.telegram, runtime.dispatcher)
        await platform.start()
        try:
            yield TelegramDriver(fake, runtime, platform, clock)
        finally:
            await platform.stop()
            runtime.close()
            await fake.stop()
