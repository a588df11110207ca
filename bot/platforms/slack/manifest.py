"""The Slack app manifest for `canbot slack-manifest`, generated from the command registry."""

from __future__ import annotations

from typing import Any

from bot.commands.registry import Registry
from bot.config import Config, is_loopback_url
from bot.platforms.slack.adapter import EVENTS_PATH, SLASH_COMMAND

# What the adapter calls: commands (the slash command), chat:write (+ .public, to post reminders
# in linked public channels without an invitation), users:read (names and locales),
# files:write (kit PDFs, map images), im:write (files and notices by DM when a channel refuses),
# channels:read / groups:read (linking a channel to a circle).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "files:write",
    "im:write",
    "channels:read",
    "groups:read",
)
BOT_EVENTS = ("app_home_opened",)
MAX_APP_NAME = 35
MAX_USAGE_HINT = 1000
MAX_SHORT_DESCRIPTION = 140


def usage_hint(registry: Registry) -> str:
    """``[help | join | claim <role> | ...]``: every command, with its first required argument."""
    entries = []
    for command in registry:
        words = command.usage.split()
        required = [w for w in words[1:2] if w.startswith("<")]
        entries.append(" ".join([command.name, *required]))
    hint = "[" + " | ".join(entries) + "]"
    if len(hint) > MAX_USAGE_HINT:
        hint = hint[: MAX_USAGE_HINT - 2] + "…]"
    return hint


def local_url_refusal(config: Config, *, socket: bool) -> str:
    """Why an HTTP-mode manifest would not work: Slack cannot reach a loopback URL; else ""."""
    if socket or not is_loopback_url(config.web.public_url):
        return ""
    return (
        f"slack-manifest: web.public_url is {config.web.public_url}, which Slack cannot reach; "
        "set web.public_url to the portal's public HTTPS address, use --socket for Socket "
        "Mode, or pass --allow-local to print it anyway"
    )


def build_manifest(config: Config, registry: Registry, *, socket: bool) -> dict[str, Any]:
    """The manifest as data; in HTTP mode every request URL is ``web.public_url/slack/events``."""
    name = config.network.name
    url = config.web.public_url.rstrip("/") + EVENTS_PATH
    description = f"{name}: a mutual-aid network that organizes itself in circles"
    slash: dict[str, Any] = {
        "command": SLASH_COMMAND,
        "description": "Circles, roles, meetups and action kits: /can help lists every command",
        "usage_hint": usage_hint(registry),
        "should_escape": False,
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket:
        slash["url"] = url
        events["request_url"] = url
        interactivity["request_url"] = url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": f"{name} bot"[:MAX_APP_NAME],
            "description": description[:MAX_SHORT_DESCRIPTION],
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": f"{name} bot"[:MAX_APP_NAME], "always_online": True},
            "slash_commands": [slash],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket,
            "token_rotation_enabled": False,
        },
    }
