"""Slack passes the platform contract: the real adapter in HTTP mode against the loopback fake."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.app.bootstrap import Runtime, build_runtime
from bot.config import StorageConfig
from bot.platforms.slack.adapter import SlackPlatform
from circles.clock import FixedClock
from tests.bot.platforms.contract import (
    ADMIN,
    ALICE,
    BOB,
    START,
    PlatformContract,
    Shown,
    contract_network,
)
from tests.bot.platforms.slack.support import BOT_TOKEN, post, serving, slack_config
from tests.fakes.slack_api import TEAM, FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import action_form, block_action, command_form

USER_IDS = {ADMIN: "UADA", ALICE: "UALICE", BOB: "UBOB"}
USERS = {
    "UADA": FakeUser("ada", "en-US", display_name="Ada"),
    "UALICE": FakeUser("alice", "en-US", display_name="Alice"),
    "UBOB": FakeUser("bob", "zh-CN", display_name="博"),
}
GROUP = "C0GROUP"
QUIET = 0.3  # files are uploaded right after the answer; this long without one ends it


def texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return "\n".join(out)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Label -> the command the button runs."""
    return {
        e["text"]["text"]: e["value"]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
    }


class SlackDriver:
    def __init__(
        self,
        fake: FakeSlackAPI,
        url: str,
        runtime: Runtime,
        platform: SlackPlatform,
        clock: FixedClock,
    ) -> None:
        self.fake = fake
        self.url = url
        self.uow = runtime.uow
        self.platform = platform
        self.clock = clock
        self.group_chat = f"slack:{GROUP}"
        self._keys = itertools.count()

    def identity(self, user: str) -> str:
        return f"slack:{TEAM}:{USER_IDS[user]}"

    def language_of(self, user: str) -> str:
        return USERS[USER_IDS[user]].locale[:2]

    async def _respond(self, body_for: Any) -> dict[str, Any]:
        key = f"k{next(self._keys)}"
        status, _ = await post(self.url, body_for(self.fake.response_url(key)))
        assert status == 200
        answer = await self.fake.wait_for("response", lambda c: c.path.endswith(f"/{key}"))
        return answer.params

    async def say(self, user: str, line: str, *, in_group: bool = False) -> Shown:
        uid = USER_IDS[user]
        channel = GROUP if in_group else f"D{uid}"
        uploads = len(self.fake.calls_to("upload"))
        params = await self._respond(
            lambda url: command_form(line, user=uid, channel=channel, response_url=url)
        )
        await self._quiet()
        files = tuple(c.data for c in self.fake.calls_to("upload")[uploads:])
        labels = buttons(params["blocks"])
        return Shown(texts(params["blocks"]), tuple(labels), files, ref=(labels, channel))

    async def _quiet(self) -> None:
        while True:
            count = len(self.fake.calls)
            await asyncio.sleep(QUIET)
            if len(self.fake.calls) == count:
                return

    async def press(self, user: str, shown: Shown, label: str) -> str:
        labels, channel = shown.ref
        params = await self._respond(
            lambda url: action_form(
                block_action(labels[label], user=USER_IDS[user], channel=channel, response_url=url)
            )
        )
        return texts(params["blocks"])

    def group_texts(self) -> list[str]:
        return [
            texts(c.params["blocks"]) or str(c.params.get("text", ""))
            for c in self.fake.calls_to("chat.postMessage")
            if c.params.get("channel") == GROUP
        ]


class TestSlackContract(PlatformContract):
    @pytest.fixture
    async def driver(self) -> AsyncIterator[SlackDriver]:
        fake = FakeSlackAPI(bot_token=BOT_TOKEN, users=dict(USERS))
        await fake.start()
        clock = FixedClock(START)
        network = contract_network(f"slack:{TEAM}:{USER_IDS[ADMIN]}")
        config = replace(slack_config(fake, network), storage=StorageConfig("memory://"))
        runtime = build_runtime(config, clock=clock)
        platform = SlackPlatform(runtime.config, runtime.dispatcher)
        await platform.start()
        try:
            async with serving(platform) as url:
                yield SlackDriver(fake, url, runtime, platform, clock)
        finally:
            await platform.stop()
            runtime.close()
            await fake.stop()
