"""Slack payloads (slash commands, button presses, App Home events) as typed invocations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.platforms.slack.blocks import unescape

# Slack ids are upper-case letters and digits (T0123, U0123, C0123, D0123, W0123 on Grid).
SLACK_ID = re.compile(r"^[A-Z0-9]{1,32}$")
DEFAULT_LINE = "help"


class BadPayload(ValueError):
    """A payload without the ids a command needs; it is dropped, never half-handled."""


def _id(value: Any, what: str, *, optional: bool = False) -> str:
    text = str(value or "")
    if not text and optional:
        return ""
    if not SLACK_ID.match(text):
        raise BadPayload(f"the payload has no valid {what} id")
    return text


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def identity_team(enterprise: Any, workspace: Any) -> str:
    """The one rule naming whose ``slack:<team>:<user>`` a person is, for every payload kind.

    On Enterprise Grid a user id is the same in every workspace of the organization, so the
    organization (``E...``) names it: the person stays one volunteer wherever they type. Else
    the workspace the payload came through names it (a slash command's ``team_id``, a button's
    ``team.id``, an event's ``team_id``), never the user's home team that only buttons carry:
    a Slack Connect guest typing ``/can`` and pressing its buttons is then one identity, not two.
    """
    if enterprise:
        return _id(enterprise, "enterprise")
    return _id(workspace, "team")


@dataclass(frozen=True)
class Invocation:
    """One command from Slack: who sent it, where, the command line, and where answers go."""

    team: str
    user: str
    user_name: str
    channel: str  # "" when there is none (the App Home tab)
    line: str
    response_url: str = ""
    message_ts: str = ""  # the message a pressed button sat on, for chat.update
    in_home: bool = False

    @property
    def identity(self) -> str:
        return f"slack:{self.team}:{self.user}"

    @property
    def chat(self) -> str:
        return f"slack:{self.channel}" if self.channel else ""

    @property
    def in_group(self) -> bool:
        """Channels and group DMs are groups; a direct message (``D...``) is private."""
        return bool(self.channel) and not self.channel.startswith("D")


def from_command(body: Mapping[str, Any]) -> Invocation:
    """``/can claim research/interviewer`` runs ``claim research/interviewer``; ``/can`` is help."""
    text = unescape(str(body.get("text") or "")).strip()
    return Invocation(
        team=identity_team(body.get("enterprise_id"), body.get("team_id")),
        user=_id(body.get("user_id"), "user"),
        user_name=str(body.get("user_name") or "")[:80],
        channel=_id(body.get("channel_id"), "channel", optional=True),
        line=text or DEFAULT_LINE,
        response_url=str(body.get("response_url") or ""),
    )


def from_action(body: Mapping[str, Any], action: Mapping[str, Any]) -> Invocation:
    """A button press: the button's value is the command line to run."""
    user = _mapping(body.get("user"))
    container = _mapping(body.get("container"))
    channel = _mapping(body.get("channel")).get("id") or container.get("channel_id")
    message = _mapping(body.get("message"))
    line = str(action.get("value") or "").strip()
    if not line:
        raise BadPayload("the button carries no command")
    return Invocation(
        team=identity_team(
            _mapping(body.get("enterprise")).get("id"),
            # An organization-wide install may send no team; the user's is then all there is.
            _mapping(body.get("team")).get("id") or user.get("team_id"),
        ),
        user=_id(user.get("id"), "user"),
        user_name=str(user.get("username") or user.get("name") or "")[:80],
        channel=_id(channel, "channel", optional=True),
        line=line,
        response_url=str(body.get("response_url") or ""),
        message_ts=str(message.get("ts") or container.get("message_ts") or ""),
        in_home=container.get("type") == "view",
    )


def from_home_opened(body: Mapping[str, Any], event: Mapping[str, Any]) -> Invocation:
    """Opening the App Home tab: shows the home, as if the user had asked for it."""
    return Invocation(
        team=identity_team(body.get("enterprise_id"), body.get("team_id") or event.get("team")),
        user=_id(event.get("user"), "user"),
        user_name="",
        channel=_id(event.get("channel"), "channel", optional=True),
        line="",
        in_home=True,
    )
