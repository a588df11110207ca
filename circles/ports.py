"""The storage port: a transactional store of JSON documents, grouped in tables, keyed by id.

Every adapter (``storage/memory.py``, ``storage/tinydb.py``, later PostgreSQL) implements these
Protocols and passes the shared contract suite in ``tests/circles/storage/contract.py``.

Rules an adapter keeps:
- A transaction is serializable: while one is open, no other transaction of the same store runs.
- Reads inside a transaction see its own pending writes.
- ``commit`` returns only once the changes are durable; until then nothing is visible to others.
  Leaving the ``with`` block without ``commit`` discards the changes.
- Documents handed out must not be mutated by the caller (repositories copy what they keep).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

Doc = dict[str, Any]

# Which document fields each table is indexed by (a list field indexes every element).
INDEXES: Mapping[str, tuple[str, ...]] = {
    "volunteers": ("identities",),
    "checkins": ("volunteer",),  # mydata, forgetme and linkme find one author's check-ins
    # Asks: by person (mydata, myasks), by status (the scheduler), and the derived keys of open
    # asks by neighborhood and kind, so the `asks` list reads only what it may show.
    "asks": ("asker", "helpers", "status", "open_in", "open_kind"),
    "ask_messages": ("ask", "sender"),
    "offers": ("person",),
    "neighbors": ("identity",),
    # Role-holding history by person and by role, and the open holding of a person in a role.
    "holdings": ("volunteer", "role_key", "open_key"),
}


class Transaction(Protocol):
    """One serializable unit of work on the store."""

    def get(self, table: str, key: str) -> Doc | None: ...

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        """The documents of those keys that exist, by key (one round trip where it matters)."""
        ...

    def all(self, table: str) -> Iterator[Doc]: ...

    def count(self, table: str) -> int: ...

    def find(self, table: str, field: str, value: str) -> list[Doc]: ...

    def put(self, table: str, key: str, doc: Doc) -> None: ...

    def delete(self, table: str, key: str) -> None: ...

    def commit(self) -> None: ...


class DocumentStore(Protocol):
    """A store of documents that hands out transactions."""

    def transaction(self) -> AbstractContextManager[Transaction]: ...

    def compact(self) -> None:
        """Rewrite what is on disk so deleted and overwritten documents leave no copy behind
        (``forgetme`` calls it: erased data must not linger in a journal)."""

    def version(self) -> int:
        """A number that grows with every commit that changed something (0 when opened).

        Reading it takes no lock and costs nothing, so a watcher (the live map) may poll it.
        """
        ...

    def current_version(self) -> int:
        """``version()`` as the store knows it right now, commits of other processes included,
        without taking the transaction lock (a single round trip on a shared store)."""
        ...

    def close(self) -> None: ...
