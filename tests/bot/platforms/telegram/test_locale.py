"""Every message the Telegram platform and the chat commands show has a Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from bot.i18n import Catalogs

ROOT = Path(__file__).resolve().parents[4]
SOURCES = [
    "bot/platforms/telegram/adapter.py",
    "bot/platforms/telegram/button.py",
    "bot/platforms/telegram/update.py",
    "bot/platforms/telegram/menu.py",
    "bot/commands/chats.py",
    "circles/services/chats.py",
]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def messages() -> list[str]:
    found: list[str] = []
    for source in SOURCES:
        for _, message, _, _ in extract_from_file(
            "python", str(ROOT / source), keywords={"t": None, "N_": None}
        ):
            if isinstance(message, str) and message not in found:
                found.append(message)
    return found


def test_the_sources_mark_their_messages() -> None:
    assert len(messages()) >= 9


@pytest.mark.parametrize("message", messages())
def test_each_message_has_a_chinese_translation_with_the_same_placeholders(
    catalogs: Catalogs, message: str
) -> None:
    zh = catalogs.translator("zh")
    params = {name: "X" for name in PLACEHOLDER.findall(message)}
    translated = zh(message, **params)
    assert translated != message.format(**params), f"no zh translation for {message!r}"
    assert sorted(PLACEHOLDER.findall(zh(message))) == sorted(PLACEHOLDER.findall(message))
