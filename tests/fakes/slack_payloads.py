"""What Slack sends an app: slash command forms, block_actions, events, v0 signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import TEAM


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for ``body`` (what slack_sdk's SignatureVerifier checks)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def command_fields(
    text: str, *, user: str, channel: str = "C0GENERAL", response_url: str
) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "can",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/can",
        "text": text,
        "api_app_id": "ACAN",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }


def command_form(text: str, **kwargs: Any) -> str:
    """A slash command as its form-encoded body."""
    return urlencode(command_fields(text, **kwargs))


def block_action(
    value: str,
    *,
    user: str,
    channel: str = "C0GENERAL",
    response_url: str | None = None,
    message_ts: str = "1790000000.000001",
    home: bool = False,
) -> dict[str, Any]:
    """A button press (block_actions); ``home`` puts the button in the App Home view."""
    action = {
        "action_id": "can:0",
        "block_id": "b1",
        "type": "button",
        "value": value,
        "text": {"type": "plain_text", "text": "Claim"},
        "action_ts": "1790000001.000000",
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "ACAN",
        "token": "legacy-verification-token",
        "team": {"id": TEAM, "domain": "can"},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "actions": [action],
    }
    if home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": response_url is not None,
        }
        payload["channel"] = {"id": channel, "name": "general"}
        payload["message"] = {"ts": message_ts, "type": "message", "text": "", "blocks": []}
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def action_form(payload: dict[str, Any]) -> str:
    """Interactivity arrives as a form with one ``payload`` field holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def home_opened(user: str) -> dict[str, Any]:
    """The Events API envelope of app_home_opened."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": "ACAN",
        "type": "event_callback",
        "event_id": f"Ev{user}",
        "event_time": 1790000000,
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        "event": {
            "type": "app_home_opened",
            "user": user,
            "channel": f"D{user}",
            "tab": "home",
            "event_ts": "1790000000.000100",
        },
    }
