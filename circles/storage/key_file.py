"""The store's secret key file (``can.json.key``): made once, 0600, beside the store it keys.

It keys the digests of one-time codes (``circles/one_time_code.py``), so it must not travel with
the data: it is never exported, and a store restored elsewhere simply gets a key of its own
(codes live ten minutes; none survive a move anyway).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from circles.errors import N_, StoreError
from circles.storage.journal import FILE_MODE
from circles.storage.tinydb import fsync_directory

KEY_BYTES = 32


def key_path(store: Path) -> Path:
    return store.with_name(store.name + ".key")


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path``, created with fresh random bytes if there is none yet."""
    for _ in range(2):
        try:
            return _read(path)
        except FileNotFoundError:
            pass
        with contextlib.suppress(FileExistsError):  # another process won the race: read its
            _create(path)
    return _read(path)


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(FILE_MODE)
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError:
        raise
    except (OSError, ValueError):
        key = b""
    if len(key) < KEY_BYTES:
        raise StoreError(
            N_("The key file {path} is not a canbot key: remove it and a new one is made."),
            path=str(path),
        )
    return key


def _create(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
        handle.flush()
        os.fsync(fd)
    fsync_directory(path.parent)
