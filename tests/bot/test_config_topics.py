"""topics.threshold: a whole number of backers, 3 by default, one clear line when wrong."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config


def test_the_threshold_defaults_to_three_and_can_be_set() -> None:
    assert parse_config("", {}).topics.threshold == 3
    assert parse_config("topics:\n  threshold: 5\n", {}).topics.threshold == 5
    assert parse_config("topics:\n  threshold: '${N}'\n", {"N": "2"}).topics.threshold == 2


@pytest.mark.parametrize("value", ["0", "-1", "many", "2.5", "true", "[3]", "1001"])
def test_a_bad_threshold_is_one_line_naming_the_key(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f"topics:\n  threshold: {value}\n", {})
    message = str(caught.value)
    assert message.startswith("topics.threshold: ") and "\n" not in message


def test_an_unknown_topics_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"topics\.limit: unknown key"):
        parse_config("topics:\n  limit: 3\n", {})
