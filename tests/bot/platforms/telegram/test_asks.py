"""Asks on Telegram (the adapter in this process against FakeTelegramAPI, the private messages
and announcements sent by hand): a neighbor who never joined asks for groceries in 古北 in their
private chat; the group linked to 古北 hears of it and an opted-in volunteer of 古北 is told in
their own private chat; he takes it with the button; they exchange two messages through the bot
(one by replying to the bot's relayed message); the helper says done and the asker confirms.
Neither side ever receives the other's Telegram id, name or username."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app.bootstrap import Runtime, build_runtime
from bot.app.scheduler import MeetupScheduler
from bot.broadcasts.ask_message import AskDuties
from bot.config import Config, StorageConfig, TelegramConfig
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.clock import FixedClock
from circles.network import Network
from tests.bot.platforms.telegram.harness import ADA, TOKEN
from tests.fakes.telegram_api import Call, FakeTelegramAPI

BOT = "@canbot_test_bot"
GUBEI_GROUP: dict[str, Any] = {"id": -100777, "type": "supergroup", "title": "古北 neighbors"}
# Ids, names and usernames distinctive enough that a leak would be found in any text.
LIN: dict[str, Any] = {
    "id": 880_0451,
    "is_bot": False,
    "first_name": "林",
    "last_name": "阿姨",
    "username": "lin_ayi_gubei",
    "language_code": "en",
}
WANG: dict[str, Any] = {
    "id": 770_0392,
    "is_bot": False,
    "first_name": "Wang",
    "last_name": "Wei",
    "username": "wangwei_helps",
    "language_code": "en",
}


def traces(user: dict[str, Any]) -> list[str]:
    return [str(user["id"]), user["first_name"], user["last_name"], user["username"]]


@dataclass
class Bot:
    fake: FakeTelegramAPI
    platform: TelegramPlatform
    runtime: Runtime
    duties: AskDuties
    scheduler: MeetupScheduler

    async def say(self, user: dict[str, Any], line: str, needle: str) -> Call:
        """``user`` sends ``line`` in their private chat; the answer containing ``needle``."""
        before = len(self.fake.sent("sendMessage", user["id"]))
        self.fake.push_message(line, user=user)
        return await self.fake.wait_for_text(user["id"], needle, after=before)

    async def press(self, user: dict[str, Any], message: dict[str, Any], label: str) -> None:
        before = len(self.fake.sent("answerCallbackQuery"))
        self.fake.press(message, label, user=user)
        await self.fake.wait_for(
            lambda: len(self.fake.sent("answerCallbackQuery")) > before, what=f"press {label}"
        )

    async def private(self, user: dict[str, Any], needle: str) -> dict[str, Any]:
        """Send the queued private messages; the one to ``user`` containing ``needle``."""
        await self.duties.deliver(self.scheduler.routes)
        await self.fake.wait_for_text(user["id"], needle)
        return self.fake.last_message(user["id"])


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    clock = FixedClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    network = Network(name="CAN", language="en", admins=frozenset({f"telegram:{ADA['id']}"}))
    config = Config(
        network=network,
        storage=StorageConfig("memory://"),
        telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
    )
    runtime = build_runtime(config, clock=clock)
    platform = TelegramPlatform(runtime.config.telegram, runtime.dispatcher)
    await platform.start()
    duties = AskDuties(runtime.uow, runtime.dispatcher.catalogs, runtime.config.asks)
    translator = runtime.dispatcher.catalogs.translator("en")
    scheduler = MeetupScheduler(runtime.uow, [platform], translator, (), asks=duties)
    try:
        yield Bot(fake, platform, runtime, duties, scheduler)
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


async def test_a_neighbor_asks_on_telegram_and_a_volunteer_helps_privately(bot: Bot) -> None:
    fake = bot.fake
    await bot.say(ADA, "/join", "You are now a volunteer")
    fake.push_message(f"/link{BOT} @古北", user=ADA, chat=GUBEI_GROUP)
    await fake.wait_for_text(GUBEI_GROUP["id"], "now linked to 古北")
    await bot.say(WANG, "/join 古北", "You are now a volunteer")
    await bot.say(WANG, "/notify asks on", "You will be told privately")

    # Lin never joined: asking in her private chat shows a preview; she posts it with a button.
    await bot.say(LIN, "求助 买菜 古北 家里没菜了，需要米和鸡蛋 || 12号楼301", "Please check")
    await bot.press(LIN, fake.last_message(LIN["id"]), "Post it")
    posted = await fake.wait_for_text(LIN["id"], "Posted: ask #1")
    assert "One volunteer nearby was told privately" in posted.params["text"]

    # The group linked to 古北 hears of it, without who asked or the private part.
    await bot.scheduler.announce()
    announced = await fake.wait_for_text(GUBEI_GROUP["id"], "New ask #1")
    assert "家里没菜了" in announced.params["text"] and "12号楼301" not in announced.params["text"]

    # Wang is told in HIS private chat (telegram:<his id> is that chat) and takes it there.
    told = await bot.private(WANG, "An ask near you, #1")
    assert told["chat"]["id"] == WANG["id"] and told["chat"]["type"] == "private"
    await bot.press(WANG, told, "Take it")
    taken = await fake.wait_for_text(WANG["id"], "You are helping with ask #1")
    assert "12号楼301" in taken.params["text"]  # the details are for the helper only
    await bot.private(LIN, "A volunteer took your ask #1")

    # Two messages through the bot: Lin with say, Wang by replying to the relayed message.
    await bot.say(LIN, "say 1 谢谢！放门口就行", "Passed on for ask #1")
    relayed = await bot.private(WANG, "The neighbor who asked #1 says: 谢谢！放门口就行")
    answer = fake.incoming_message("好的，半小时到", user=WANG)
    answer["reply_to_message"] = relayed
    before = len(fake.sent("sendMessage", WANG["id"]))
    fake.push({"message": answer})
    await fake.wait_for_text(WANG["id"], "Passed on for ask #1", after=before)
    await bot.private(LIN, "Your helper for ask #1 says: 好的，半小时到")

    # Done by the helper, confirmed by the asker with the button she is sent.
    await bot.say(WANG, "/done 1", "done once the other side confirms")
    claim = await bot.private(LIN, "Ask #1 is done, says the other side")
    await bot.press(LIN, claim, "Yes, done")
    await fake.wait_for_text(LIN["id"], "Ask #1 is done. Thank you both!")
    await bot.private(WANG, "Ask #1 is done, both sides agree")

    # Nothing either received carries the other's Telegram id, name or username (texts and
    # button labels; the chat id a message goes to is the receiver's own).
    def received(chat: dict[str, Any]) -> str:
        calls = [*fake.sent("sendMessage"), *fake.sent("editMessageText")]
        mine = [c.params for c in calls if c.params.get("chat_id") == chat["id"]]
        assert mine, chat["id"]
        return json.dumps(
            [{k: v for k, v in p.items() if k != "chat_id"} for p in mine], ensure_ascii=False
        )

    for receiver, other in ((LIN, WANG), (WANG, LIN), (GUBEI_GROUP, LIN), (GUBEI_GROUP, WANG)):
        seen = received(receiver)
        for trace in traces(other):
            assert trace not in seen, (receiver["id"], trace)
    assert "12号楼301" not in received(GUBEI_GROUP) and "家里没菜了" in received(GUBEI_GROUP)
