"""The bot's config for a test against the homeserver, and the accounts every test shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.bot.platforms.matrix.homeserver import Account


@dataclass(frozen=True)
class Accounts:
    bot: Account
    alice: Account
    bob: Account
    ada: Account


def write_config(
    tmp_path: Path,
    url: str,
    bot: Account,
    *,
    admins: tuple[str, ...] = (),
    token: str = "",
    reminders: str = '["24h", "1h"]',
) -> Path:
    login = f'  access_token: "{token}"' if token else f'  password: "{bot.password}"'
    text = "\n".join(
        [
            "network:",
            '  name: "CAN test"',
            '  language: "en"',
            f"  admins: [{', '.join(repr(a) for a in admins)}]",
            "storage:",
            f'  url: "tinydb://{tmp_path / "data" / "can.json"}"',
            "matrix:",
            f'  homeserver: "{url}"',
            f'  user_id: "{bot.user_id}"',
            login,
            '  device_name: "canbot test"',
            "web:",
            '  host: "127.0.0.1"',
            "  port: 0",
            "meetups:",
            f"  reminders: {reminders}",
        ]
    )
    path = tmp_path / "cfg.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def leaks(output: str, *secrets: str) -> list[str]:
    return [line for line in output.splitlines() if any(s and s in line for s in secrets)]
