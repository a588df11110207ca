"""Slack users' names and locales: looked up once, refreshed after a while, never fatal."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.directory import SlackDirectory, SlackUser
from tests.bot.platforms.slack.support import BOT_TOKEN
from tests.fakes.slack_api import FakeSlackAPI, FakeUser


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    api = FakeSlackAPI(
        bot_token=BOT_TOKEN,
        users={
            "U1": FakeUser("wang", "zh-CN", display_name="小王"),
            "U2": FakeUser("bob", "en-GB"),
            "U3": FakeUser("cai", "en-US"),
        },
    )
    await api.start()
    yield api
    await api.stop()


def directory(fake: FakeSlackAPI, ticks: Ticks, **kwargs: float) -> SlackDirectory:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_base_url + "/")
    return SlackDirectory(client, clock=ticks, **kwargs)  # type: ignore[arg-type]


async def test_name_and_locale_come_from_users_info(fake: FakeSlackAPI) -> None:
    people = directory(fake, Ticks())
    assert await people.lookup("U1") == SlackUser("小王", "zh-CN")
    assert await people.lookup("U2") == SlackUser("bob", "en-GB")  # no display name set


async def test_a_user_is_looked_up_once_until_the_entry_expires(fake: FakeSlackAPI) -> None:
    ticks = Ticks()
    people = directory(fake, ticks, ttl=60)
    await people.lookup("U1")
    ticks.now += 59
    await people.lookup("U1")
    assert len(fake.calls_to("users.info")) == 1
    ticks.now += 2
    await people.lookup("U1")
    assert len(fake.calls_to("users.info")) == 2


async def test_the_oldest_entry_goes_when_the_cache_is_full(fake: FakeSlackAPI) -> None:
    people = directory(fake, Ticks(), max_entries=2)
    for user in ("U1", "U2", "U3", "U2", "U1"):
        await people.lookup(user)
    asked = [c.params["user"] for c in fake.calls_to("users.info")]
    assert asked == ["U1", "U2", "U3", "U1"]  # U2 was still cached; U1 had been evicted


async def test_an_api_error_gives_the_fallback_name_and_is_not_cached(fake: FakeSlackAPI) -> None:
    people = directory(fake, Ticks())
    assert await people.lookup("UNKNOWN", "someone") == SlackUser("someone", "")
    await people.lookup("UNKNOWN", "someone")
    assert len(fake.calls_to("users.info")) == 2


async def test_an_unreachable_api_gives_the_fallback_name(unused_tcp_port: int) -> None:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{unused_tcp_port}/api/")
    people = SlackDirectory(client)
    assert await people.lookup("U1", "wang") == SlackUser("wang", "")
