"""The store's write-ahead journal: one checksummed line per committed transaction.

A line is ``<crc32 in 8 hex digits> <json>\\n``. Reading tells three cases apart:

- every line is intact: replay them all;
- the bytes after the last intact line hold no newline: a single record cut short by a crash
  (or a failed write) before its commit returned. It was never confirmed, so it is dropped;
- any other bad line (a complete line that fails its checksum, or a bad line followed by intact
  ones) is damage: the journal is refused whole and left untouched, since dropping it would
  silently lose confirmed commits. ``canbot repair`` (``circles/storage/repair.py``) recovers
  every intact record and keeps the damaged file aside.

Appends go through an unbuffered descriptor: a failed write leaves no bytes behind in a buffer
that a later commit would flush (a phantom commit). After a failed append the file is cut back
to its last good length before anything else is written, and writes are refused until it is.
"""

from __future__ import annotations

import json
import logging
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from circles.errors import N_, StoreError
from circles.storage.memory import Change

log = logging.getLogger(__name__)
FILE_MODE = 0o600


@dataclass(frozen=True)
class BadLine:
    """A journal line that could not be read: its number (from 1), where it starts, its size."""

    number: int
    offset: int
    size: int


@dataclass
class Scan:
    """What a journal holds: the intact records, the bad lines, and how it ends."""

    records: list[list[Change]] = field(default_factory=list)
    lines: int = 0
    bad: list[BadLine] = field(default_factory=list)
    good_end: int = 0  # the length up to the last intact record before any bad line
    size: int = 0

    tail_unfinished: bool = False  # the last line has no newline: it was being written

    @property
    def torn_tail(self) -> int:
        """Bytes of an unfinished last record when it is the only bad line, else 0."""
        return self.bad[0].size if len(self.bad) == 1 and self.tail_unfinished else 0

    @property
    def damaged(self) -> bool:
        return bool(self.bad) and not self.torn_tail

    @property
    def intact_after_damage(self) -> int:
        """Intact records after the first bad line: confirmed commits a truncation would lose."""
        if not self.bad:
            return 0
        first = self.bad[0].number
        bad_numbers = {b.number for b in self.bad}
        return sum(1 for n in range(first + 1, self.lines + 1) if n not in bad_numbers)


def decode(line: bytes) -> list[Change] | None:
    """The changes of one complete line (with its newline), or None if it is not intact."""
    if not line.endswith(b"\n") or len(line) < 10 or line[8:9] != b" ":
        return None
    crc, body = line[:8], line[9:-1]
    try:
        if int(crc, 16) != zlib.crc32(body):
            return None
        return [(str(t), str(k), d) for t, k, d in json.loads(body)]
    except (ValueError, TypeError):
        return None


def scan(data: bytes) -> Scan:
    """Read every line of a journal's bytes without changing anything."""
    result = Scan(size=len(data))
    offset = 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        result.lines = number
        changes = decode(line)
        if changes is None:
            result.bad.append(BadLine(number, offset, len(line)))
            result.tail_unfinished = not line.endswith(b"\n")
        else:
            result.records.append(changes)
            if not result.bad:
                result.good_end = offset + len(line)
        offset += len(line)
    return result


def encode(changes: list[Change]) -> bytes:
    body = json.dumps(changes, ensure_ascii=False, separators=(",", ":")).encode()
    return b"%08x %s\n" % (zlib.crc32(body), body)


def damage_error(path: Path, found: Scan) -> StoreError:
    first = found.bad[0]
    return StoreError(
        N_(
            "The store journal {path} is damaged at line {line} (byte {offset}) and "
            "{later} confirmed commits follow it; nothing was changed. "
            "Run canbot check to see more, canbot repair to recover every intact commit."
        ),
        path=str(path),
        line=first.number,
        offset=first.offset,
        later=found.intact_after_damage,
    )


class Journal:
    """The append-only, checksummed record of committed transactions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.size = 0
        # Set when a failed append may have left bytes past ``size``: cut them before writing.
        self._dirty = False
        # The write call, replaceable by a test that injects a full disk.
        self.write: Callable[[int, bytes | memoryview], int] = os.write

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def replay(self) -> list[list[Change]]:
        """Every intact record. A torn last record is cut off; damage refuses the whole file."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        found = scan(data)
        if found.damaged:
            raise damage_error(self.path, found)
        if found.torn_tail:
            log.warning(
                "store journal %s: dropped an unfinished last record (%d bytes): a write cut "
                "short before its commit was confirmed",
                self.path,
                found.torn_tail,
            )
            with self.path.open("r+b") as handle:
                handle.truncate(found.good_end)
                os.fsync(handle.fileno())
        return found.records

    def open(self) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        self._fd = os.open(self.path, flags, FILE_MODE)
        os.fchmod(self._fd, FILE_MODE)
        self.size = os.fstat(self._fd).st_size

    def append(self, changes: list[Change]) -> None:
        """Write and fsync one record; on failure the file is as before and StoreError says so."""
        fd = self._require_fd()
        if self._dirty:
            self._cut_back_or_refuse(fd)
        record = encode(changes)
        try:
            view = memoryview(record)
            while view:
                view = view[self.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            self._dirty = True
            try:
                self._cut_back(fd)
            except OSError:
                log.error("store journal %s: cannot cut back a failed write", self.path)
            raise StoreError(
                N_("Your change could not be saved ({reason}), so nothing was changed."),
                reason=exc.strerror or str(exc),
            ) from None
        self.size += len(record)

    def _cut_back(self, fd: int) -> None:
        os.ftruncate(fd, self.size)
        os.fsync(fd)
        self._dirty = False

    def _cut_back_or_refuse(self, fd: int) -> None:
        try:
            self._cut_back(fd)
        except OSError as exc:
            raise StoreError(
                N_("The store cannot save anything right now ({reason}): try again later."),
                reason=exc.strerror or str(exc),
            ) from None

    def reset(self) -> None:
        """Empty the journal (after its records are safe in a snapshot)."""
        fd = self._require_fd()
        os.ftruncate(fd, 0)
        os.fsync(fd)
        self.size = 0
        self._dirty = False

    def _require_fd(self) -> int:
        if self._fd is None:
            raise StoreError(N_("The store is closed."))
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
