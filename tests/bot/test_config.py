"""Config: defaults, ${VAR} from the environment, and one clear line for every mistake."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, format_duration, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


def test_no_file_means_the_embedded_defaults() -> None:
    config = load_config(None, {})
    assert config == Config()
    assert config.storage.url == "tinydb://./data/can.json"
    assert (config.web.host, config.web.port) == ("127.0.0.1", 8080)
    assert not config.telegram.enabled and not config.slack.enabled


def test_the_example_config_is_valid_and_documents_every_key() -> None:
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    config = parse_config(text, {})
    assert not config.telegram.enabled and not config.slack.enabled
    uncommented = text.replace('# token: "${TELEGRAM_TOKEN}"', 'token: "${TELEGRAM_TOKEN}"')
    config = parse_config(uncommented, {"TELEGRAM_TOKEN": "123:abc"})
    assert config.telegram.enabled and not config.slack.enabled
    from bot.config import SECTIONS

    for section, keys in SECTIONS.items():
        for key in keys:
            assert re.search(rf"^\s+#?\s*{key}:", text, re.M), f"{section}.{key} undocumented"


def test_variables_come_from_the_environment() -> None:
    text = "telegram:\n  token: '${TG}'\nslack:\n  bot_token: '${NOPE:-}'\n"
    config = parse_config(text, {"TG": "42:secret"})
    assert config.telegram.token == "42:secret"
    assert not config.slack.enabled  # ${NOPE:-} may stay unset


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "telegram:\n  token: '${TELEGRAM_TOKEN}'\n",
            "telegram.token: the environment variable TELEGRAM_TOKEN is not set; set it, or "
            "remove telegram.token to run without Telegram",
        ),
        (
            "slack:\n  bot_token: '${SLACK_BOT_TOKEN}'\n",
            "slack.bot_token: the environment variable SLACK_BOT_TOKEN is not set; set it, or "
            "remove slack.bot_token to run without Slack",
        ),
    ],
)
def test_an_unset_variable_in_a_platform_token_names_it_and_refuses(text: str, line: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, {"OTHER": "x"})
    assert str(caught.value) == line


def test_an_unset_variable_elsewhere_reads_as_empty_or_its_default() -> None:
    text = "telegram:\n  secret_token: '${NOPE}'\nnetwork:\n  name: '${NAME:-Gubei}'\n"
    config = parse_config(text, {})
    assert config.telegram.secret_token == "" and config.network.name == "Gubei"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "web:\n  port: yes\n",
            "web.port: expects a port number, a whole number from 1 to 65535, not the boolean true",
        ),
        (
            "web:\n  port: 8080.5\n",
            "web.port: expects a port number, a whole number from 1 to 65535, not the decimal "
            "8080.5",
        ),
        (
            "telegram:\n  port: '80a'\n",
            "telegram.port: expects a port number, a whole number from 1 to 65535, not '80a'",
        ),
        (
            "web:\n  port: 70000\n",
            "web.port: expects a port number, a whole number from 1 to 65535, not 70000",
        ),
        ("network:\n  name: yes\n", "network.name: expects text, not the boolean true"),
        ("web:\n  host: [a]\n", "web.host: expects text, not a list"),
        ("network:\n  languge: en\n", "network.languge: unknown key (did you mean language?)"),
        ("web:\n  public_ur: x\n", "web.public_ur: unknown key (did you mean public_url?)"),
        (
            "network:\n  port: 1\n",
            "network.port: unknown key (did you mean telegram.port or web.port?)",
        ),
        ("netwrok:\n  name: x\n", "netwrok: unknown section (did you mean network?) (known: "),
    ],
)
def test_types_are_checked_and_misspelt_keys_get_the_nearest_one(text: str, line: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, {})
    assert str(caught.value).startswith(line)
    assert "\n" not in str(caught.value)


def test_a_port_may_be_written_as_text_and_zero_means_any_free_port() -> None:
    assert parse_config("web:\n  port: '8081'\n", {}).web.port == 8081
    assert parse_config("web:\n  port: 0\n", {}).web.port == 0


def test_reminders_parse_durations() -> None:
    config = parse_config("meetups:\n  reminders: [1h, 30s, 2d, 15m]\n", {})
    assert config.meetups.reminders == (
        timedelta(days=2),
        timedelta(hours=1),
        timedelta(minutes=15),
        timedelta(seconds=30),
    )
    assert [format_duration(r) for r in config.meetups.reminders] == ["2d", "1h", "15m", "30s"]
    assert format_duration(timedelta(hours=36)) == "36h"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("network:\n  timezone: Mars/Base\n", "network.timezone"),
        ("network:\n  language: fr\n", "network.language"),
        ("network:\n  admins: [bob]\n", "network.admins"),
        ("web:\n  port: 99999\n", "web.port"),
        ("web:\n  port: abc\n", "web.port"),
        ("telegram:\n  tokn: x\n", "telegram.tokn"),
        ("telgram:\n  token: x\n", "telgram"),
        ("telegram:\n  token: '1:a'\n  mode: push\n", "telegram.mode"),
        ("telegram:\n  token: '1:a'\n  mode: webhook\n", "telegram.webhook_url"),
        (  # a short secret is guessable: at least 16 characters
            "telegram:\n  token: '1:a'\n  mode: webhook\n  webhook_url: https://x.org/h\n"
            "  secret_token: s3cret-s3cret-1\n",
            "16-256 of",
        ),
        ("telegram:\n  token: nonsense\n", "telegram.token"),
        ("meetups:\n  reminders: [soon]\n", "meetups.reminders"),
        ("storage:\n  url: mysql://x\n", "storage.url"),
        ("kits:\n  extra_dirs: 3\n", "kits.extra_dirs"),
        ("web: [1, 2]\n", "web"),
        ("network: {name: [unclosed\n", "not valid YAML"),
    ],
)
def test_mistakes_fail_with_one_line_naming_the_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, {})
    message = str(caught.value)
    assert key in message and "\n" not in message
