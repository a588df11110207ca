"""The TinyDB adapter passes the contract, survives reopening, torn writes and a second owner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB

from circles.errors import StoreError
from circles.ports import DocumentStore
from circles.storage.tinydb import SCHEMA_VERSION, AtomicJSONStorage, TinyDBStore
from tests.circles.storage.contract import DocumentStoreContract, StoreFactory


class TestTinyDBStore(DocumentStoreContract):
    @pytest.fixture
    def make_store(self, tmp_path: Path) -> Iterator[StoreFactory]:
        opened: list[TinyDBStore] = []

        def make() -> DocumentStore:
            store = TinyDBStore(tmp_path / f"store{len(opened)}" / "can.json")
            opened.append(store)
            return store

        yield make
        for store in opened:
            store.close()


def crash(store: TinyDBStore) -> None:
    """Drop the store as a killed process would: no checkpoint, files and lock just let go."""
    store._journal.close()
    store._lock.release()


def put(store: TinyDBStore, table: str, key: str, doc: dict[str, object]) -> None:
    with store.transaction() as tx:
        tx.put(table, key, doc)
        tx.commit()


def test_committed_changes_survive_a_reopen_without_a_clean_close(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "circles", "a", {"slug": "a"})
    crash(store)  # the journal alone holds the change
    reopened = TinyDBStore(path)
    with reopened.transaction() as tx:
        assert tx.get("circles", "a") == {"slug": "a"}
    reopened.close()


def test_the_snapshot_is_a_tinydb_file_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "circles", "a", {"slug": "a"})
    store.close()
    database = TinyDB(str(path), storage=AtomicJSONStorage)
    assert database.table("_meta").all()[0]["schema"] == SCHEMA_VERSION
    assert database.table("circles").all()[0]["doc"] == {"slug": "a"}
    assert not (tmp_path / "can.json.tmp").exists()


def test_a_torn_last_journal_record_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "circles", "a", {"slug": "a"})
    put(store, "circles", "b", {"slug": "b"})
    crash(store)
    journal = tmp_path / "can.json.journal"
    data = journal.read_bytes()
    journal.write_bytes(data[:-7])  # the second record was cut mid-write: never confirmed
    reopened = TinyDBStore(path)
    with reopened.transaction() as tx:
        assert tx.get("circles", "a") == {"slug": "a"}
        assert tx.get("circles", "b") is None
    put(reopened, "circles", "c", {"slug": "c"})  # and new writes still land after the cut
    crash(reopened)
    again = TinyDBStore(path)
    with again.transaction() as tx:
        assert tx.get("circles", "c") == {"slug": "c"}
    again.close()


def test_a_second_owner_gets_a_clear_error(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "can.json")
    with pytest.raises(StoreError, match="in use by another canbot process"):
        TinyDBStore(tmp_path / "can.json")
    store.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    path.write_text(json.dumps({"_meta": {"1": {"schema": SCHEMA_VERSION + 1}}}))
    with pytest.raises(StoreError, match="schema version"):
        TinyDBStore(path)
    TinyDBStore(path.with_name("other.json")).close()  # and the failed open left no lock behind


def test_a_garbage_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    path.write_text("{not json")
    with pytest.raises(StoreError, match="not a valid canbot store"):
        TinyDBStore(path)


def test_the_journal_is_folded_into_the_snapshot_when_it_grows(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path, checkpoint_bytes=2000)
    for number in range(50):
        put(store, "volunteers", f"v{number}", {"id": f"v{number}", "identities": []})
    assert (tmp_path / "can.json.journal").stat().st_size < 2000 + 200
    crash(store)
    reopened = TinyDBStore(path)
    with reopened.transaction() as tx:
        assert tx.count("volunteers") == 50
    reopened.close()
