"""A TinyDB store examined without opening it (``canbot check``) and a damaged journal repaired
(``canbot repair``): the damaged file is kept aside and every intact commit is recovered."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from circles.errors import N_, StoreError
from circles.storage.journal import FILE_MODE, BadLine, scan
from circles.storage.memory import MemoryStore
from circles.storage.tinydb import (
    AtomicJSONStorage,
    StoreLock,
    fsync_directory,
    journal_path,
    lock_path,
    read_snapshot,
    snapshot_data,
)


@dataclass(frozen=True)
class Diagnosis:
    """What a store's files hold, read without the lock and without changing anything."""

    path: Path
    documents: int = 0
    records: int = 0
    torn_tail: int = 0  # bytes of an unfinished last record, dropped (unconfirmed) at start
    bad: list[BadLine] = field(default_factory=list)
    intact_after_damage: int = 0
    problem: str = ""  # one line when the store would not open

    @property
    def damaged(self) -> bool:
        return bool(self.bad) and not self.torn_tail


def diagnose(path: Path) -> Diagnosis:
    try:
        documents = len(read_snapshot(path))
    except StoreError as error:
        return Diagnosis(path, problem=str(error))
    try:
        data = journal_path(path).read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        return Diagnosis(path, documents, problem=f"cannot read the journal: {exc.strerror}")
    found = scan(data)
    return Diagnosis(
        path,
        documents,
        records=len(found.records),
        torn_tail=found.torn_tail,
        bad=list(found.bad),
        intact_after_damage=found.intact_after_damage,
    )


@dataclass(frozen=True)
class Repaired:
    """The outcome of a repair: intact commits recovered, unreadable lines, the kept copy."""

    recovered: int
    lost: list[BadLine]
    kept_aside: Path | None


def repair(path: Path, now: datetime | None = None) -> Repaired:
    """Recover every intact commit of a damaged journal into a fresh snapshot.

    Order matters for a crash at any point: the damaged journal is first copied aside (fsynced),
    then the snapshot of snapshot + intact records replaces the old one atomically, and only
    then is the journal emptied. Replaying whole documents twice changes nothing, so a repair
    interrupted anywhere can simply be run again.
    """
    lock = StoreLock(lock_path(path))
    lock.acquire()
    try:
        memory = MemoryStore()
        memory.load(read_snapshot(path))
        journal = journal_path(path)
        try:
            data = journal.read_bytes()
        except FileNotFoundError:
            return Repaired(0, [], None)
        found = scan(data)
        if not found.bad:
            return Repaired(len(found.records), [], None)
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        aside = journal.with_name(f"{journal.name}.damaged-{stamp}")
        _write_new(aside, data)
        for changes in found.records:
            memory.load(changes)
        AtomicJSONStorage(str(path)).write(snapshot_data(memory))
        with journal.open("r+b") as handle:
            handle.truncate(0)
            os.fsync(handle.fileno())
        lost = [] if found.torn_tail else list(found.bad)
        return Repaired(len(found.records), lost, aside)
    finally:
        lock.release()


def _write_new(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        raise StoreError(
            N_("{path} already exists: move it away, then run the repair again."),
            path=str(path),
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(fd)
    fsync_directory(path.parent)
