"""The contract every document-store adapter passes (circles.ports): one suite, many adapters."""

from __future__ import annotations

import threading
from collections.abc import Callable

from circles.ports import DocumentStore

StoreFactory = Callable[[], DocumentStore]


class DocumentStoreContract:
    """Subclass with a ``make_store`` fixture returning a fresh, empty store."""

    def test_a_committed_document_can_be_read_back(self, make_store: StoreFactory) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("volunteers", "v1", {"id": "v1", "identities": ["console:a"]})
            tx.commit()
        with store.transaction() as tx:
            assert tx.get("volunteers", "v1") == {"id": "v1", "identities": ["console:a"]}
            assert tx.count("volunteers") == 1

    def test_leaving_without_commit_discards_the_changes(self, make_store: StoreFactory) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("circles", "c1", {"slug": "c1"})
        with store.transaction() as tx:
            assert tx.get("circles", "c1") is None
            assert list(tx.all("circles")) == []

    def test_an_exception_inside_the_transaction_discards_it(
        self, make_store: StoreFactory
    ) -> None:
        store = make_store()
        try:
            with store.transaction() as tx:
                tx.put("circles", "c1", {"slug": "c1"})
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        with store.transaction() as tx:
            assert tx.get("circles", "c1") is None

    def test_a_transaction_sees_its_own_pending_writes(self, make_store: StoreFactory) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("circles", "a", {"slug": "a"})
            tx.commit()
        with store.transaction() as tx:
            tx.put("circles", "b", {"slug": "b"})
            tx.delete("circles", "a")
            assert tx.get("circles", "a") is None
            assert [d["slug"] for d in tx.all("circles")] == ["b"]
            assert tx.count("circles") == 1

    def test_delete_removes_a_document(self, make_store: StoreFactory) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("circles", "a", {"slug": "a"})
            tx.commit()
        with store.transaction() as tx:
            tx.delete("circles", "a")
            tx.commit()
        with store.transaction() as tx:
            assert tx.get("circles", "a") is None
            assert tx.count("circles") == 0

    def test_find_uses_the_identity_index_and_follows_changes(
        self, make_store: StoreFactory
    ) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("volunteers", "v1", {"id": "v1", "identities": ["telegram:1", "slack:T:U"]})
            tx.put("volunteers", "v2", {"id": "v2", "identities": ["console:b"]})
            tx.commit()
        with store.transaction() as tx:
            assert [d["id"] for d in tx.find("volunteers", "identities", "slack:T:U")] == ["v1"]
            tx.put("volunteers", "v1", {"id": "v1", "identities": ["telegram:1"]})
            tx.commit()
        with store.transaction() as tx:
            assert tx.find("volunteers", "identities", "slack:T:U") == []
            assert [d["id"] for d in tx.find("volunteers", "identities", "telegram:1")] == ["v1"]
            tx.delete("volunteers", "v1")
            assert tx.find("volunteers", "identities", "telegram:1") == []

    def test_get_many_reads_stored_and_pending_documents_at_once(
        self, make_store: StoreFactory
    ) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("volunteers", "v1", {"id": "v1", "name": "李雷"})
            tx.put("volunteers", "v2", {"id": "v2", "name": "韩梅梅"})
            tx.commit()
        with store.transaction() as tx:
            tx.put("volunteers", "v3", {"id": "v3", "name": "pending"})
            tx.delete("volunteers", "v2")
            found = tx.get_many("volunteers", ["v1", "v2", "v3", "nobody", "v1"])
            assert found == {
                "v1": {"id": "v1", "name": "李雷"},
                "v3": {"id": "v3", "name": "pending"},
            }
            assert tx.get_many("volunteers", []) == {}

    def test_find_sees_pending_documents(self, make_store: StoreFactory) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("volunteers", "v9", {"id": "v9", "identities": ["console:new"]})
            assert [d["id"] for d in tx.find("volunteers", "identities", "console:new")] == ["v9"]

    def test_transactions_are_serializable(self, make_store: StoreFactory) -> None:
        """Read-modify-write from many threads loses no increment."""
        store = make_store()
        with store.transaction() as tx:
            tx.put("counters", "n", {"value": 0})
            tx.commit()

        def bump() -> None:
            for _ in range(20):
                with store.transaction() as tx:
                    doc = tx.get("counters", "n")
                    assert doc is not None
                    tx.put("counters", "n", {"value": doc["value"] + 1})
                    tx.commit()

        threads = [threading.Thread(target=bump) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with store.transaction() as tx:
            assert tx.get("counters", "n") == {"value": 160}

    def test_unicode_and_nested_documents_survive(self, make_store: StoreFactory) -> None:
        store = make_store()
        doc = {"slug": "r", "name": {"zh": "研发圈", "en": "Research"}, "roles": [{"h": ["v1"]}]}
        with store.transaction() as tx:
            tx.put("circles", "r", doc)
            tx.commit()
        with store.transaction() as tx:
            assert tx.get("circles", "r") == doc

    def test_compacting_keeps_every_live_document(self, make_store: StoreFactory) -> None:
        store = make_store()
        with store.transaction() as tx:
            tx.put("volunteers", "v1", {"id": "v1", "identities": ["console:a"]})
            tx.put("volunteers", "v2", {"id": "v2", "identities": ["console:b"]})
            tx.commit()
        with store.transaction() as tx:
            tx.delete("volunteers", "v2")
            tx.commit()
        store.compact()
        with store.transaction() as tx:
            assert [d["id"] for d in tx.all("volunteers")] == ["v1"]
            assert tx.find("volunteers", "identities", "console:b") == []

    def test_the_version_grows_with_every_commit_that_changes_something(
        self, make_store: StoreFactory
    ) -> None:
        store = make_store()
        before = store.version()
        with store.transaction() as tx:
            tx.put("circles", "a", {"slug": "a"})
            tx.commit()
        after_put = store.version()
        with store.transaction() as tx:
            tx.get("circles", "a")
            tx.commit()  # nothing changed: the version stays
        with store.transaction() as tx:
            tx.put("circles", "b", {"slug": "b"})  # left without commit: discarded
        assert before < after_put == store.version()
        with store.transaction() as tx:
            tx.delete("circles", "a")
            tx.commit()
        assert store.version() > after_put
