"""The matrix: section of the config."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config


def test_matrix_is_off_without_a_token_or_password() -> None:
    config = parse_config("matrix:\n  homeserver: https://m.org\n  user_id: '@b:m.org'\n", {})
    assert not config.matrix.enabled


def test_a_token_from_the_environment_turns_it_on_with_its_own_server_allowed() -> None:
    text = "matrix:\n  homeserver: https://m.org/\n  user_id: '@b:m.org'\n  access_token: ${T}\n"
    config = parse_config(text, {"T": "syt_secret"})
    assert config.matrix.enabled and config.matrix.homeserver == "https://m.org"
    assert config.matrix.servers == ("m.org",)
    assert config.matrix.prefix == "!can"


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("  user_id: 'canbot'\n", "matrix.user_id"),
        ("  user_id: '@b:m.org'\n  allowed_servers: ['no spaces']\n", "matrix.allowed_servers"),
        ("  user_id: '@b:m.org'\n  prefix: '! can'\n", "matrix.prefix"),
    ],
)
def test_bad_matrix_keys_are_named(extra: str, key: str) -> None:
    text = "matrix:\n  homeserver: https://m.org\n  password: pw\n" + extra
    with pytest.raises(ConfigError, match=key):
        parse_config(text, {})


def test_matrix_identities_may_be_network_admins() -> None:
    config = parse_config("network:\n  admins: ['matrix:@ada:m.org']\n", {})
    assert "matrix:@ada:m.org" in config.network.admins
