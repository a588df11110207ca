"""The PostgreSQL adapter passes the contract on the real server, and keeps its own promises."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import psycopg
import pytest

from circles.errors import StoreError, StoreUnavailable
from circles.ports import INDEXES, DocumentStore
from circles.storage.postgres import (
    SCHEMA_VERSION,
    PostgresStore,
    ensure_schema,
    redact,
)
from tests.circles.storage.contract import DocumentStoreContract, StoreFactory


class TestPostgresStore(DocumentStoreContract):
    @pytest.fixture
    def make_store(self, pg_url: str) -> Iterator[StoreFactory]:
        opened: list[PostgresStore] = []

        def make() -> DocumentStore:
            # Every store of one test shares the test's database: start it empty.
            if not opened:
                ensure_schema(pg_url)
            store = PostgresStore(pg_url)
            opened.append(store)
            return store

        yield make
        for store in opened:
            store.close()


def put(store: PostgresStore, table: str, key: str, doc: dict[str, object]) -> None:
    with store.transaction() as tx:
        tx.put(table, key, doc)
        tx.commit()


def test_two_stores_on_one_database_see_each_others_commits(pg_url: str) -> None:
    a, b = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        put(a, "circles", "x", {"slug": "x"})
        with b.transaction() as tx:
            assert tx.get("circles", "x") == {"slug": "x"}
    finally:
        a.close()
        b.close()


def test_the_version_of_another_replica_follows_by_notification(pg_url: str) -> None:
    import time

    a, b = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        before = b.version()
        put(a, "circles", "x", {"slug": "x"})
        deadline = time.monotonic() + 2.0
        while b.version() == before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert b.version() == a.version() > before
    finally:
        a.close()
        b.close()


def test_all_lists_documents_in_the_order_they_were_first_written(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    try:
        for key in ("m", "a", "z"):
            put(store, "circles", key, {"slug": key})
        put(store, "circles", "a", {"slug": "a", "changed": True})  # an update keeps its place
        with store.transaction() as tx:
            assert [d["slug"] for d in tx.all("circles")] == ["m", "a", "z"]
    finally:
        store.close()


def test_find_matches_a_string_field_and_a_list_field(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    try:
        put(store, "checkins", "c1", {"id": "c1", "volunteer": "v1"})
        put(store, "checkins", "c2", {"id": "c2", "volunteer": "v2"})
        put(store, "volunteers", "v1", {"id": "v1", "identities": ["console:a", "telegram:1"]})
        with store.transaction() as tx:
            assert [d["id"] for d in tx.find("checkins", "volunteer", "v1")] == ["c1"]
            assert [d["id"] for d in tx.find("volunteers", "identities", "telegram:1")] == ["v1"]
            assert tx.find("volunteers", "identities", "telegram") == []
    finally:
        store.close()


def test_the_indexes_of_ports_are_real_indexes_the_planner_uses(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    try:
        with store.transaction() as tx:
            for n in range(3000):
                tx.put("volunteers", f"v{n}", {"id": f"v{n}", "identities": [f"telegram:{n}"]})
                tx.put("checkins", f"c{n}", {"id": f"c{n}", "volunteer": f"v{n}"})
            tx.commit()
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("ANALYZE canbot_docs")
            names = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes").fetchall()}
            assert {"canbot_idx_volunteers_identities", "canbot_idx_checkins_volunteer"} <= names
            for table, field in (("volunteers", "identities"), ("checkins", "volunteer")):
                plan = conn.execute(
                    f"EXPLAIN SELECT key FROM canbot_docs WHERE tbl = '{table}' "
                    f"""AND (doc -> '{field}') @> '"x"'"""
                ).fetchall()
                assert f"canbot_idx_{table}_{field}" in " ".join(r[0] for r in plan)
    finally:
        store.close()


def test_a_newer_schema_is_refused_in_one_line(pg_url: str) -> None:
    ensure_schema(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE canbot_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="schema version") as refused:
        PostgresStore(pg_url)
    assert "\n" not in str(refused.value)
    assert "password" not in str(refused.value)


def _start_store(url: str) -> None:
    PostgresStore(url, listen=False).close()


def test_an_index_this_version_no_longer_reads_is_dropped_at_start(pg_url: str) -> None:
    """A database an earlier version set up keeps no index that only costs writes now."""
    older = {**INDEXES, "holdings": (*INDEXES["holdings"], "left_key")}
    ensure_schema(pg_url, older)

    def indexes() -> set[str]:
        with psycopg.connect(pg_url) as conn:
            rows = conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'canbot_docs'")
            return {name for (name,) in rows.fetchall()}

    assert "canbot_idx_holdings_left_key" in indexes()
    ensure_schema(pg_url)
    assert "canbot_idx_holdings_left_key" not in indexes()
    assert "canbot_idx_holdings_open_key" in indexes()


def test_replicas_starting_together_create_the_schema_once(pg_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_start_store, args=(pg_url,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM canbot_schema").fetchall() == [(SCHEMA_VERSION,)]


def test_an_unreachable_server_is_one_clear_error_without_the_password() -> None:
    url = "postgresql://canbot:hunter2@127.0.0.1:1/none"
    with pytest.raises(StoreError, match="Cannot connect to the database") as refused:
        PostgresStore(url)
    assert "hunter2" not in str(refused.value)
    assert redact(url) == "postgresql://canbot@127.0.0.1:1/none"


def test_a_lost_connection_mid_use_is_store_unavailable_and_changes_nothing(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    try:
        with pytest.raises(StoreUnavailable), store.transaction() as tx:
            tx.put("circles", "x", {"slug": "x"})
            with psycopg.connect(pg_url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND query LIKE '%advisory_xact_lock%'"
                )
            tx.commit()
        with store.transaction() as tx:  # the pool replaced the dead connection by itself
            assert tx.get("circles", "x") is None
    finally:
        store.close()


def test_the_circles_view_of_another_replica_sees_a_commit_at_once(pg_url: str) -> None:
    """Replica B's per-revision read model shows what replica A committed the moment A's
    commit returns, without waiting for the revision's notification to arrive."""
    from datetime import UTC, datetime

    from circles.actor import Actor
    from circles.clock import FixedClock
    from circles.network import Network
    from circles.services import membership, roles
    from circles.services.network_setup import ensure_seeded
    from circles.unit_of_work import UnitOfWork

    clock = FixedClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    network = Network(language="en")
    a, b = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        uow_a, uow_b = UnitOfWork(a, clock, network), UnitOfWork(b, clock, network)
        ensure_seeded(uow_a)
        alice = Actor("console:alice", "Alice")
        membership.join(uow_a, alice)
        for _ in range(20):  # often enough that a notification racing the read would lose once
            roles.claim_role(uow_a, alice, "research/interviewer")
            held = uow_b.circles_view().by_slug["research"].role("interviewer").holders
            assert len(held) == 1
            roles.release_role(uow_a, alice, "research/interviewer")
            held = uow_b.circles_view().by_slug["research"].role("interviewer").holders
            assert held == []
    finally:
        a.close()
        b.close()


def test_sessions_read_after_a_commit_does_not_wait_on_its_own_lock(pg_url: str) -> None:
    """volunteer_sessions reads the circles view while a session is open: on PostgreSQL a
    second transaction from the same thread would wait forever on the first one's lock."""
    import threading
    from datetime import UTC, datetime

    from circles.actor import Actor
    from circles.clock import FixedClock
    from circles.network import Network
    from circles.services import meetups, membership
    from circles.services.network_setup import ensure_seeded
    from circles.unit_of_work import UnitOfWork

    store = PostgresStore(pg_url)
    try:
        uow = UnitOfWork(store, FixedClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC)), Network())
        ensure_seeded(uow)
        alice = Actor("console:alice", "Alice")
        membership.join(uow, alice)  # a commit: the next view must be rebuilt
        found: list[object] = []
        reader = threading.Thread(
            target=lambda: found.append(meetups.volunteer_sessions(uow, alice)), daemon=True
        )
        reader.start()
        reader.join(timeout=10)
        assert found == [[]], "volunteer_sessions did not return within 10 s"
    finally:
        store.close()
