"""The full command list, built fresh for each runtime (no import-time registry)."""

from __future__ import annotations

from bot.commands import chats, kits, meetups, onboarding, relays, roles
from bot.commands.registry import Registry


def build_registry() -> Registry:
    return Registry(
        [
            *onboarding.commands(),
            *roles.commands(),
            *meetups.commands(),
            *relays.commands(),
            *chats.commands(),
            *kits.commands(),
        ]
    )
