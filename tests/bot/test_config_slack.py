"""The slack section: HTTP mode needs the signing secret, tokens must be of the right kind."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config

BOT = "xoxb-1-2-abc"
APP = "xapp-1-A1-2-def"
SECRET = "0123456789abcdef"


def slack(**keys: str) -> str:
    return "slack:\n" + "".join(f'  {key}: "{value}"\n' for key, value in keys.items())


def test_no_bot_token_means_slack_is_off() -> None:
    assert not parse_config(slack(signing_secret=SECRET), {}).slack.enabled


def test_http_mode_with_a_signing_secret() -> None:
    config = parse_config(slack(bot_token="${T}", signing_secret="${S}"), {"T": BOT, "S": SECRET})
    assert config.slack.enabled and not config.slack.app_token
    assert config.slack.signing_secret == SECRET


def test_socket_mode_needs_no_signing_secret() -> None:
    assert parse_config(slack(bot_token=BOT, app_token=APP), {}).slack.app_token == APP


def test_http_mode_without_a_signing_secret_fails_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"^slack\.signing_secret: required in HTTP mode"):
        parse_config(slack(bot_token=BOT), {})


@pytest.mark.parametrize(
    ("keys", "key"),
    [
        ({"bot_token": APP, "signing_secret": SECRET}, "slack.bot_token"),
        ({"bot_token": BOT, "app_token": BOT}, "slack.app_token"),
    ],
)
def test_swapped_tokens_fail_without_showing_them(keys: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(slack(**keys), {})
    message = str(raised.value)
    assert message.startswith(key + ":")
    assert BOT not in message and APP not in message


def test_the_api_base_url_must_be_http() -> None:
    with pytest.raises(ConfigError, match=r"^slack\.api_base_url"):
        parse_config(slack(bot_token=BOT, signing_secret=SECRET, api_base_url="ftp://x"), {})
