"""Governance on Telegram (the adapter in this process against FakeTelegramAPI, the scheduler's
governance job run by hand on an injected clock): an admin appoints a lead who schedules a
meetup, a lead decision whose buttons members press passes at its close and takes effect, the
reminder reaches only the member who had not answered, and a 30-day term asks its holder
privately and releases the role after the grace period."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app.bootstrap import Runtime, build_runtime
from bot.app.scheduler import MeetupScheduler
from bot.config import Config, StorageConfig, TelegramConfig
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.clock import FixedClock
from circles.network import Network
from tests.bot.platforms.telegram.harness import ADA, ALICE, BOB, GROUP, TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI

CY: dict[str, Any] = {"id": 44, "is_bot": False, "first_name": "Cy", "language_code": "en"}
BOT = "@canbot_test_bot"


@dataclass
class Bot:
    fake: FakeTelegramAPI
    platform: TelegramPlatform
    runtime: Runtime
    scheduler: MeetupScheduler
    clock: FixedClock

    async def say(self, user: dict[str, Any], line: str, needle: str) -> None:
        """Send ``line`` in the user's private chat and wait for an answer containing needle."""
        before = len(self.fake.sent("sendMessage", user["id"]))
        self.fake.push_message(line, user=user)
        await self.fake.wait_for_text(user["id"], needle, after=before)

    async def govern(self) -> None:
        await self.scheduler.govern()


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
    translator = runtime.dispatcher.catalogs.translator("en")
    scheduler = MeetupScheduler(runtime.uow, [platform], translator, ())
    try:
        yield Bot(fake, platform, runtime, scheduler, clock)
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


async def test_governance_on_telegram(bot: Bot) -> None:
    fake = bot.fake
    for person in (ADA, ALICE, BOB, CY):
        await bot.say(person, "/join", "You are now a volunteer")
    await bot.say(BOB, "/claim research/interviewer", "You now hold")
    await bot.say(CY, "/claim research/tea-house-host", "You now hold")

    # An admin appoints a lead from chat; she is told privately, and schedules a meetup.
    await bot.say(ALICE, "/schedule research tue 20:00 90m Tea house", "Only a lead of research")
    await bot.say(ADA, "/lead research Alice", "Alice is now a lead of research")
    await bot.govern()
    told = await fake.wait_for_text(ALICE["id"], "made you a lead of research")
    keyboard = told.params["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["text"] == "Decline"
    await bot.say(ALICE, "/schedule research tue 20:00 90m Tea house", "Scheduled Tea house")
    fake.push_message(f"/link{BOT} research", user=ALICE, chat=GROUP)
    await fake.wait_for_text(GROUP["id"], "now linked to")

    # A lead decision: members press the buttons of its announcement in the group.
    await bot.say(ALICE, "/decide research Cy leads the tea house --lead Cy --by 30m", "#1")
    await bot.govern()
    await fake.wait_for_text(GROUP["id"], "asks research to decide #1")
    proposal = fake.last_message(GROUP["id"])
    fake.press(proposal, "Agree", user=BOB)
    fake.press(proposal, "Abstain", user=CY)
    await fake.wait_for(lambda: len(fake.sent("answerCallbackQuery")) == 2, what="two presses")

    # A 30-minute decision is reminded halfway (12 h is longer than its life): only Alice,
    # who has no position, hears it.
    bot.clock.advance(timedelta(minutes=14))
    await bot.govern()
    with bot.runtime.uow.begin() as s:
        assert s.tx.get("decisions", "1")["reminded"] is False  # not yet halfway
    bot.clock.advance(timedelta(minutes=1))
    await bot.govern()
    await fake.wait_for_text(ALICE["id"], "Reminder: decision #1")
    for person in (BOB, CY, ADA):
        assert not [t for t in fake.texts(person["id"]) if "Reminder" in t]

    bot.clock.advance(timedelta(minutes=15))
    await bot.govern()
    passed = await fake.wait_for_text(GROUP["id"], "Decision #1 of research passed")
    assert "Agree 1, abstain 1" in passed.params["text"]
    await fake.wait_for_text(CY["id"], "decided (#1) to make you one of its leads")
    await bot.say(CY, "/schedule research daily 09:00 15m Standup", "Scheduled Standup")

    # A 30-day term: the holder is asked privately 7 days before its end, then released.
    await bot.say(ALICE, "/term research/interviewer 30d", "terms of 30 days")
    bot.clock.advance(timedelta(days=23))
    await bot.govern()
    asked = await fake.wait_for_text(BOB["id"], "Your term as research/interviewer")
    labels = [b["text"] for b in asked.params["reply_markup"]["inline_keyboard"][0]]
    assert labels == ["Stay", "Hand over"]
    bot.clock.advance(timedelta(days=7))
    await bot.govern()
    await fake.wait_for_text(GROUP["id"], "The role research/interviewer (Interviewer) is open")
    await fake.wait_for_text(BOB["id"], "Thank you for holding research/interviewer")
    await bot.say(CY, "/claim research/interviewer", "You now hold")
    before = len(fake.sent("sendMessage", ALICE["id"]))
    fake.push_message("/history research/interviewer", user=ALICE)
    history = await fake.wait_for_text(ALICE["id"], "Who held", after=before)
    assert "Bob Wu: Sun 2026-11-22" in history.params["text"]
    assert "Cy: since" in history.params["text"]
