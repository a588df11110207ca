"""The loopback fake Bot API the end-to-end Telegram tests talk to (a module may define its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.platforms.telegram.harness import TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    api = FakeTelegramAPI(TOKEN)
    await api.start()
    yield api
    await api.stop()
