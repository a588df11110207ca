"""The default embedded store: a TinyDB snapshot file plus a write-ahead journal, crash-safe.

Layout beside ``can.json`` (the TinyDB file, readable by ``tinydb.TinyDB`` directly):

- ``can.json``          snapshot: every table, plus ``_meta`` with the schema version.
                        Written whole to a temporary file, flushed, fsynced, atomically renamed.
- ``can.json.journal``  one line per committed transaction: ``<crc32> <json>``, fsynced before
                        the commit returns (see ``journal.py``: a torn last line is dropped, a
                        damaged one refuses the start; ``repair.py`` recovers from it).
- ``can.json.lock``     an exclusive ``flock``: one process owns the store.
- ``can.json.key``      the secret that keys one-time code digests (``key_file.py``).

The folder is created owner-only (0700) and every file the store writes is 0600: it holds every
volunteer's personal data.

Why a journal: rewriting the whole snapshot on every write costs time proportional to the whole
network (about 90 ms at 10,000 volunteers); appending one record costs only the change. The
journal is folded into a new snapshot when it grows past ``checkpoint_bytes`` and at close.
Replaying a record twice is harmless (records hold whole documents), so a crash between writing
a snapshot and truncating the journal loses nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb import Storage

from circles.errors import N_, StoreError
from circles.storage.journal import FILE_MODE, Journal
from circles.storage.memory import Change, MemoryStore, MemoryTransaction

SCHEMA_VERSION = 1
META_TABLE = "_meta"
FOLDER_MODE = 0o700
log = logging.getLogger(__name__)


def journal_path(store: Path) -> Path:
    return store.with_name(store.name + ".journal")


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".lock")


def owner_only(path: Path) -> None:
    """Make an existing file of the store readable by its owner only."""
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_mode & 0o077:
            path.chmod(FILE_MODE)


def invalid_store(path: Path, reason: str) -> StoreError:
    return StoreError(
        N_("The store {path} is not a valid canbot store: {reason}"),
        path=str(path),
        reason=reason[:120],
    )


def read_snapshot(path: Path) -> list[Change]:
    """Every document of a snapshot file, checked for shape; StoreError (one line) if not."""
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except ValueError as exc:
        raise invalid_store(path, str(exc)) from None
    if not isinstance(raw, dict):
        raise invalid_store(path, "the top level is not an object")
    meta = raw.get(META_TABLE)
    rows = list(meta.values()) if isinstance(meta, dict) else []
    schema = rows[0].get("schema") if rows and isinstance(rows[0], dict) else None
    if schema != SCHEMA_VERSION:
        raise StoreError(
            N_("The store {path} has schema version {found}; this canbot reads {wanted}."),
            path=str(path),
            found=schema,
            wanted=SCHEMA_VERSION,
        )
    changes: list[Change] = []
    for table, table_rows in raw.items():
        if table == META_TABLE:
            continue
        if not isinstance(table_rows, dict):
            raise invalid_store(path, f"table {table!r} is not an object")
        for number, row in table_rows.items():
            if not (
                isinstance(row, dict)
                and isinstance(row.get("key"), str)
                and isinstance(row.get("doc"), dict)
            ):
                raise invalid_store(path, f"table {table!r} row {number!r} has no key and doc")
            changes.append((table, row["key"], row["doc"]))
    return changes


def fsync_directory(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def snapshot_data(memory: MemoryStore) -> dict[str, dict[str, Any]]:
    """Every table of ``memory`` as a TinyDB file's contents, with the schema version."""
    data: dict[str, dict[str, Any]] = {
        META_TABLE: {"1": {"format": "can-bot-store", "schema": SCHEMA_VERSION}}
    }
    for table, rows in memory.snapshot().items():
        data[table] = {
            str(number): {"key": key, "doc": doc}
            for number, (key, doc) in enumerate(rows.items(), start=1)
        }
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage that replaces its file atomically: temp file, fsync, rename, fsync dir."""

    def __init__(self, path: str, **_: Any) -> None:
        self._path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with self._path.open("rb") as handle:
                data: dict[str, dict[str, Any]] = json.load(handle)
                return data
        except FileNotFoundError:
            return None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file; the old one stays in place until the new one is durable and reads
        back byte for byte (a failure leaves no temporary file behind)."""
        temporary = self._path.with_name(self._path.name + ".tmp")
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(fd, FILE_MODE)
                handle.write(body)
                handle.flush()
                os.fsync(fd)
            if temporary.read_bytes() != body:
                raise OSError(f"{temporary} did not read back as written")
            os.replace(temporary, self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        fsync_directory(self._path.parent)

    def close(self) -> None:
        """Nothing stays open between calls."""


class StoreLock:
    """An exclusive advisory lock on ``<store>.lock`` holding the owner's pid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        os.fchmod(fd, FILE_MODE)
        handle = os.fdopen(fd, "r+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "?"
            handle.close()
            raise StoreError(
                N_("The store {path} is in use by another canbot process (pid {pid})."),
                path=str(self.path.with_suffix("")),
                pid=owner,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class TinyDBStore:
    """The document store on disk: memory for reads, the journal for durability."""

    def __init__(self, path: Path | str, *, checkpoint_bytes: int = 16 * 1024 * 1024) -> None:
        self.path = Path(path)
        self.checkpoint_bytes = checkpoint_bytes
        # The journal size at which the next checkpoint is tried (raised after a failed one,
        # so a full disk is not asked to take a whole snapshot on every commit).
        self._checkpoint_at = checkpoint_bytes
        self._memory = MemoryStore()
        self._lock = StoreLock(lock_path(self.path))
        self._journal = Journal(journal_path(self.path))
        self._storage = AtomicJSONStorage(str(self.path))
        self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                N_("Cannot create the store folder {path}: {reason}"),
                path=str(self.path.parent),
                reason=exc.strerror or str(exc),
            ) from None
        self._lock.acquire()
        try:
            for path in (self.path, self._journal.path):
                owner_only(path)
            self._memory.load(read_snapshot(self.path))
            records = self._journal.replay()
            for changes in records:
                self._memory.load(changes)
            self._journal.open()
            if records:
                self._try_checkpoint("start")
        except BaseException:
            self._journal.close()
            self._lock.release()
            raise
        self._memory.attach_log(self)

    # CommitLog, called by the memory engine inside the store lock.

    def append(self, changes: list[Change]) -> None:
        self._journal.append(changes)

    def applied(self) -> None:
        """The commit is durable in the journal: a failed checkpoint now must not undo the
        answer, so it is logged and tried again later."""
        if self._journal.size > self._checkpoint_at:
            self._try_checkpoint("journal full")

    def _try_checkpoint(self, why: str) -> bool:
        try:
            self.checkpoint()
        except (OSError, StoreError) as exc:
            self._checkpoint_at = self._journal.size + max(self.checkpoint_bytes // 4, 1)
            log.warning(
                "store %s: checkpoint (%s) failed, the journal keeps every commit: %s",
                self.path,
                why,
                exc,
            )
            return False
        self._checkpoint_at = self.checkpoint_bytes
        return True

    def checkpoint(self) -> None:
        """Fold the journal into a fresh snapshot written atomically, then empty the journal."""
        with self._memory.transaction():
            self._storage.write(snapshot_data(self._memory))
            self._journal.reset()

    def compact(self) -> None:
        """The journal holds every past version of a document; a checkpoint drops them.

        ``forgetme`` calls this after its commit: if the disk refuses now, the erasure still
        stands (it is committed), and the next commit tries again.
        """
        if not self._try_checkpoint("compact"):
            self._checkpoint_at = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[MemoryTransaction]:
        with self._memory.transaction() as tx:
            yield tx

    def version(self) -> int:
        return self._memory.version()

    def current_version(self) -> int:
        return self._memory.version()  # the file lock makes this process the only writer

    def close(self) -> None:
        if not self._journal.is_open:
            return
        try:
            self._try_checkpoint("close")
        finally:
            self._journal.close()
            self._lock.release()
