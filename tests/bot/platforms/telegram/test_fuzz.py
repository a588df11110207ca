"""Random Telegram updates through the real adapter (python-telegram-bot's Application, our
handlers, the fake Bot API for answers): no exception reaches the error handler, and an update
that runs no state-changing command leaves the network exactly as it was."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.app.bootstrap import Runtime, build_runtime
from bot.commands.catalog import build_registry
from bot.config import Config, StorageConfig, TelegramConfig
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.network import Network
from circles.services.export import export_network
from tests.bot.platforms.telegram.harness import TOKEN
from tests.bot.platforms.telegram.test_update import chats, ids, updates, users
from tests.fakes.telegram_api import FakeTelegramAPI

# Commands that may change the network for a stranger who has not joined.
CHANGES_FOR_STRANGERS = {"join", "lang", "start"}
NAMES = sorted(c.name for c in build_registry())
command_texts = st.builds(
    lambda name, bot, args: f"/{name}{bot} {args}",
    st.sampled_from(NAMES),
    st.sampled_from(["", "@canbot_test_bot", "@other_bot"]),
    st.text(max_size=120),
)
command_updates = st.fixed_dictionaries(
    {
        "update_id": ids,
        "message": st.fixed_dictionaries(
            {
                "message_id": ids,
                "date": st.integers(0, 2**31),
                "chat": chats,
                "from": users,
                "text": command_texts,
            }
        ),
    }
)


class Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def running() -> AsyncIterator[tuple[TelegramPlatform, Runtime, FakeTelegramAPI]]:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    config = Config(
        network=Network(language="en"),
        storage=StorageConfig("memory://"),
        telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
    )
    runtime = build_runtime(config)
    platform = TelegramPlatform(config.telegram, runtime.dispatcher)
    await platform.start()
    try:
        yield platform, runtime, fake
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


def state(runtime: Runtime) -> str:
    data = export_network(runtime.uow)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True)


def command_of(payload: dict[str, Any]) -> str:
    text = str((payload.get("message") or {}).get("text") or "")
    return text.removeprefix("/").partition(" ")[0].partition("@")[0].lower()


async def test_random_updates_through_the_adapter(
    running: tuple[TelegramPlatform, Runtime, FakeTelegramAPI],
) -> None:
    platform, runtime, fake = running
    app = platform._require_app()
    loop = asyncio.get_running_loop()
    failures = Failures()
    logging.getLogger().addHandler(failures)
    seen = {"updates": 0, "unchanged": 0}

    # Hypothesis drives from a worker thread; each update is processed on the bot's own loop,
    # exactly as polling would hand it over.
    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(payload=st.one_of(updates, command_updates))
    def feed(payload: dict[str, Any]) -> None:
        before = state(runtime)
        update = Update.de_json(payload, app.bot)
        assert update is not None
        asyncio.run_coroutine_threadsafe(app.process_update(update), loop).result(timeout=30)
        seen["updates"] += 1
        if command_of(payload) not in CHANGES_FOR_STRANGERS:
            assert state(runtime) == before, payload
            seen["unchanged"] += 1

    try:
        await asyncio.to_thread(feed)
    finally:
        logging.getLogger().removeHandler(failures)
    assert [r.getMessage() for r in failures.records] == []
    assert seen["unchanged"] > 100  # most updates really were checked
    # Still answering afterwards.
    fake.push_message("/circles", user={"id": 7, "is_bot": False, "first_name": "Z"})
    await fake.wait_for_text(7, "Circles of")
