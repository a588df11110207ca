"""The Telegram command menu (setMyCommands), built from the registry in each language."""

from __future__ import annotations

import re

from bot.commands.registry import Registry
from bot.i18n import Catalogs

# Telegram accepts menu commands of 1-32 lowercase letters, digits and underscores.
MENU_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_DESCRIPTION = 256
MAX_COMMANDS = 100


def menu(registry: Registry, catalogs: Catalogs, language: str) -> list[tuple[str, str]]:
    """``[(name, summary in language), ...]`` for every command Telegram can show."""
    t = catalogs.translator(language)
    entries = []
    for command in registry:
        if MENU_NAME.match(command.name):
            entries.append((command.name, t(command.summary)[:MAX_DESCRIPTION] or command.name))
    return entries[:MAX_COMMANDS]
