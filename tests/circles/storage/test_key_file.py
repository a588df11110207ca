"""The store's secret key: made once at first start, 0600, kept across restarts, never exported;
one-time codes are stored only as an HMAC under it."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from bot.app.bootstrap import build_runtime
from bot.config import Config, StorageConfig
from circles.actor import Actor
from circles.errors import StoreError
from circles.network import Network
from circles.one_time_code import digest, normalize
from circles.services.export import export_network
from circles.services.linking import link_identity, request_link_code
from circles.services.membership import join
from circles.storage.key_file import KEY_BYTES, load_or_create_key

ANN = Actor("console:ann", "Ann")
ANN_ON_TELEGRAM = Actor("telegram:42", "Ann")


def test_the_key_is_made_once_owner_only_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "can.json.key"
    key = load_or_create_key(path)
    assert len(key) == KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    assert load_or_create_key(tmp_path / "other.key") != key


def test_a_key_file_that_is_not_a_key_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "can.json.key"
    path.write_text("not hex\n")
    with pytest.raises(StoreError, match="is not a canbot key"):
        load_or_create_key(path)


def test_codes_are_keyed_by_the_file_beside_the_store_and_survive_a_restart(
    tmp_path: Path,
) -> None:
    config = Config(network=Network(), storage=StorageConfig(url=f"tinydb://{tmp_path}/can.json"))
    first = build_runtime(config)
    try:
        join(first.uow, ANN)
        code = request_link_code(first.uow, ANN).code
        exported = json.dumps(export_network(first.uow))
    finally:
        first.close()
    key_file = tmp_path / "can.json.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = load_or_create_key(key_file)
    store_text = (tmp_path / "can.json").read_text()
    assert digest(key, "link", code) in store_text
    assert hashlib.sha256(f"link:{normalize(code)}".encode()).hexdigest() not in store_text
    assert key.hex() not in store_text and key.hex() not in exported
    second = build_runtime(config)  # a restart: the same key, so the code still works
    try:
        linked = link_identity(second.uow, ANN_ON_TELEGRAM, code)
    finally:
        second.close()
    assert set(linked.volunteer.identities) == {ANN.identity, ANN_ON_TELEGRAM.identity}
