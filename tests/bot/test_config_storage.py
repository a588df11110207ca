"""storage.url takes postgresql:// URLs; the password never shows; max_connections is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config


def config_with(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, {"PW": "s3cret"})


def test_a_postgresql_url_is_accepted_and_shown_without_its_password(tmp_path: Path) -> None:
    config = config_with(
        tmp_path, 'storage:\n  url: "postgresql://canbot:${PW}@db:5432/can"\n  max_connections: 4\n'
    )
    assert config.storage.is_postgres and config.storage.max_connections == 4
    assert config.storage.url == "postgresql://canbot:s3cret@db:5432/can"
    assert config.storage.shown == "postgresql://canbot@db:5432/can"


@pytest.mark.parametrize("value", ["0", "101", "lots", "true"])
def test_a_bad_pool_size_is_one_line_naming_the_key(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"^storage\.max_connections: "):
        config_with(
            tmp_path, f'storage:\n  url: "postgresql://db/can"\n  max_connections: {value}\n'
        )


def test_an_unknown_scheme_does_not_echo_a_password(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        config_with(tmp_path, 'storage:\n  url: "mysql://u:${PW}@db/can"\n')
    assert "s3cret" not in str(refused.value)
