"""The full command list, built fresh for each runtime (no import-time registry)."""

from __future__ import annotations

from bot.commands import (
    asks,
    chats,
    checkins,
    emergent_roles,
    governance,
    identity,
    kits,
    meetups,
    onboarding,
    relays,
    roles,
    split,
    topics,
)
from bot.commands import map as map_commands
from bot.commands.registry import Registry


def build_registry() -> Registry:
    return Registry(
        [
            *onboarding.commands(),
            *roles.commands(),
            *meetups.commands(),
            *relays.commands(),
            *chats.commands(),
            *map_commands.commands(),
            *emergent_roles.commands(),
            *split.commands(),
            *topics.commands(),
            *checkins.commands(),
            *identity.commands(),
            *kits.commands(),
            *asks.commands(),
            *governance.commands(),
        ]
    )
