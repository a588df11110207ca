"""The in-memory document store: the reference adapter, and the engine the durable ones reuse."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

from circles.ports import INDEXES, Doc

Change = tuple[str, str, Doc | None]  # table, key, new document (None: deleted)


class CommitLog(Protocol):
    """Where a durable adapter makes a batch of changes durable before they become visible."""

    def append(self, changes: list[Change]) -> None:
        """Make ``changes`` durable; return only when they would survive a crash."""

    def applied(self) -> None:
        """Called once the batch is visible in memory (a chance to checkpoint)."""


class MemoryStore:
    """Tables of documents in dictionaries, one lock for serializable transactions."""

    def __init__(self, indexes: Mapping[str, tuple[str, ...]] = INDEXES) -> None:
        self._tables: dict[str, dict[str, Doc]] = {}
        self._indexes = dict(indexes)
        # (table, field) -> value -> keys
        self._index: dict[tuple[str, str], dict[str, set[str]]] = {}
        self._lock = threading.RLock()
        self._log: CommitLog | None = None
        self._version = 0

    @contextmanager
    def transaction(self) -> Iterator[MemoryTransaction]:
        with self._lock:
            yield MemoryTransaction(self)

    def compact(self) -> None:
        """Nothing but the live documents is kept in memory."""

    def version(self) -> int:
        """Commits applied since this store was made (loading from disk does not count)."""
        return self._version

    def current_version(self) -> int:
        """One process holds the store: what it counted is current."""
        return self._version

    def close(self) -> None:
        """Nothing to release in memory."""

    # The parts below are the engine: used by transactions and by durable adapters.

    def load(self, changes: list[Change]) -> None:
        """Apply changes without logging them (used while loading from disk)."""
        self._apply(changes)

    def snapshot(self) -> dict[str, dict[str, Doc]]:
        """Every table as it stands (callers must hold no transaction open elsewhere)."""
        with self._lock:
            return {name: dict(rows) for name, rows in self._tables.items()}

    def _commit(self, changes: list[Change]) -> None:
        if self._log is not None:
            self._log.append(changes)
        self._apply(changes)
        self._version += 1
        if self._log is not None:
            self._log.applied()

    def attach_log(self, log: CommitLog) -> None:
        """From now on every commit is made durable through ``log`` first."""
        self._log = log

    def _apply(self, changes: list[Change]) -> None:
        for table, key, doc in changes:
            rows = self._tables.setdefault(table, {})
            old = rows.get(key)
            if old is not None:
                self._unindex(table, key, old)
            if doc is None:
                rows.pop(key, None)
            else:
                rows[key] = doc
                self._reindex(table, key, doc)

    def _fields(self, table: str, doc: Doc) -> Iterator[tuple[str, str]]:
        for name in self._indexes.get(table, ()):
            value = doc.get(name)
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, str):
                    yield name, item

    def _reindex(self, table: str, key: str, doc: Doc) -> None:
        for name, value in self._fields(table, doc):
            self._index.setdefault((table, name), {}).setdefault(value, set()).add(key)

    def _unindex(self, table: str, key: str, doc: Doc) -> None:
        for name, value in self._fields(table, doc):
            keys = self._index.get((table, name), {}).get(value)
            if keys is not None:
                keys.discard(key)


_DELETED: Doc = {}


class MemoryTransaction:
    """Pending writes over the committed tables; applied in one step at commit."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._pending: dict[tuple[str, str], Doc] = {}

    def get(self, table: str, key: str) -> Doc | None:
        pending = self._pending.get((table, key))
        if pending is not None:
            return None if pending is _DELETED else pending
        return self._store._tables.get(table, {}).get(key)

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        found = {key: self.get(table, key) for key in dict.fromkeys(keys)}
        return {key: doc for key, doc in found.items() if doc is not None}

    def all(self, table: str) -> Iterator[Doc]:
        committed = self._store._tables.get(table, {})
        for key in list(committed):
            current = self.get(table, key)
            if current is not None:
                yield current
        for (name, key), doc in list(self._pending.items()):
            if name == table and key not in committed and doc is not _DELETED:
                yield doc

    def count(self, table: str) -> int:
        if not any(name == table for name, _ in self._pending):
            return len(self._store._tables.get(table, {}))
        return sum(1 for _ in self.all(table))

    def find(self, table: str, field: str, value: str) -> list[Doc]:
        if field not in self._store._indexes.get(table, ()):
            raise KeyError(f"{table}.{field} is not indexed")
        keys = set(self._store._index.get((table, field), {}).get(value, set()))
        keys |= {key for (name, key) in self._pending if name == table}
        found = []
        for key in sorted(keys):
            doc = self.get(table, key)
            if doc is not None and _matches(doc.get(field), value):
                found.append(doc)
        return found

    def put(self, table: str, key: str, doc: Doc) -> None:
        self._pending[(table, key)] = doc

    def delete(self, table: str, key: str) -> None:
        self._pending[(table, key)] = _DELETED

    def commit(self) -> None:
        changes: list[Change] = [
            (table, key, None if doc is _DELETED else doc)
            for (table, key), doc in self._pending.items()
        ]
        self._pending = {}
        if changes:
            self._store._commit(changes)


def _matches(field_value: object, value: str) -> bool:
    if isinstance(field_value, list):
        return value in field_value
    return field_value == value
