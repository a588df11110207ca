"""The PostgreSQL store: the same documents in one table, shared by several `canbot run` replicas.

Layout (schema version in ``canbot_schema``):

- ``canbot_docs(tbl, key, seq, doc jsonb)``, primary key ``(tbl, key)``. ``seq`` keeps the order
  documents were first written in, so ``all()`` (and so an export) lists them as TinyDB does.
  The unique primary key is also what makes a delivery claim (a ``deliveries`` row) exclusive.
- One partial GIN index per ``circles.ports.INDEXES`` entry on ``doc -> field`` (jsonb_path_ops),
  queried with ``@>``: it finds a string field equal to the value and a list field holding it.
- ``canbot_revision(n)``: one row, bumped by every commit that changed something; the commit
  also sends ``NOTIFY canbot_revision, '<n>'``. A listener thread keeps ``version()`` current
  from those notifications, so reading it costs no round trip and every replica agrees on it.

Why a transaction-scoped advisory lock rather than SERIALIZABLE with retries: the use cases are
written ``with uow.begin() as s: ...; s.commit()`` and send their messages after the commit, so
a serialization failure could only be retried by re-running the whole use case from outside,
and every caller would have to be safe to re-run. Each transaction here starts with
``pg_advisory_xact_lock(TX_LOCK)`` in READ COMMITTED: every statement after the lock sees every
commit made before it, which is the serial order the domain assumes (``circles/ports.py``).
Measured (``python -m bench.pg_isolation 4 200``, 4 processes, a 2-core machine under load,
bench/README.md): on one hot document the lock gave 92 commits/s and SERIALIZABLE 77 with 2.25
retries per commit; on disjoint documents SERIALIZABLE was faster (130 vs 96) yet still retried
0.77 times per commit (predicate locks on shared index pages). Our hot documents are exactly
the ones that matter (a capacity-1 role, a wave of reminder claims), and a retry path in every
caller is a bug farm, so the lock wins; it costs one round trip per transaction.

Outages: a connection error or a pool timeout becomes ``StoreUnavailable`` ("please try again in
a moment"); the pool checks a connection before lending it and reconnects by itself.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import psycopg
import psycopg_pool
from psycopg import sql
from psycopg.types.json import Jsonb

from circles.errors import N_, StoreError, StoreUnavailable
from circles.ports import INDEXES, Doc

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CHANNEL = "canbot_revision"
# Advisory lock keys (64-bit, per database): "CANB" + a small number.
TX_LOCK = 0x43414E42_00000001  # every transaction, held to its end
SCHEMA_LOCK = 0x43414E42_00000002  # creating or upgrading the schema at start
LEADER_LOCK = 0x43414E42_00000003  # the leader's session lock (bot/app/leader.py)
CONNECT_TIMEOUT = 3  # seconds; a replica must answer "try again" soon, not hang
POOL_TIMEOUT = 3.0  # seconds to wait for a pooled connection before StoreUnavailable

# Indexes an earlier version declared and this one no longer reads: dropped at start, since
# every write would still pay for them. (holdings.left_key: a split's other half is found in
# memory now, circles/holding.py.)
RETIRED_INDEXES: tuple[tuple[str, str], ...] = (("holdings", "left_key"),)

# Each entry upgrades the schema from the version before it; index creation follows INDEXES.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE canbot_docs (
        tbl text NOT NULL,
        key text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        doc jsonb NOT NULL,
        PRIMARY KEY (tbl, key)
    );
    CREATE INDEX canbot_docs_order ON canbot_docs (tbl, seq);
    CREATE TABLE canbot_revision (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        n bigint NOT NULL
    );
    INSERT INTO canbot_revision VALUES (true, 0);
    """,
)


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}{sep}{user}@{host}"


def index_name(table: str, field: str) -> str:
    return f"canbot_idx_{table}_{field}"


@contextlib.contextmanager
def unavailable_on_connection_errors() -> Iterator[None]:
    """A lost or refused connection is StoreUnavailable; other database errors are bugs."""
    try:
        yield
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
        log.warning("the database is not answering: %s", type(exc).__name__)
        raise StoreUnavailable() from None


def connect(url: str, **options: Any) -> psycopg.Connection[Any]:
    """One connection outside the pool (schema setup, the listener, the leader's lock)."""
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, **options)
    except psycopg.OperationalError as exc:
        raise StoreError(
            N_("Cannot connect to the database {url}: {reason}"),
            url=redact(url),
            reason=str(exc).strip().splitlines()[-1][:160] if str(exc).strip() else "refused",
        ) from None


def ensure_schema(url: str, indexes: Mapping[str, tuple[str, ...]] = INDEXES) -> None:
    """Create or upgrade the schema under an advisory lock; refuse a newer one."""
    with connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS canbot_schema (version integer NOT NULL)")
        row = conn.execute("SELECT version FROM canbot_schema").fetchone()
        found = int(row[0]) if row else 0
        if found > SCHEMA_VERSION:
            raise StoreError(
                N_("The database {url} has schema version {found}; this canbot reads {wanted}."),
                url=redact(url),
                found=found,
                wanted=SCHEMA_VERSION,
            )
        for version in range(found + 1, SCHEMA_VERSION + 1):
            conn.execute(MIGRATIONS[version - 1].encode())
            log.info("database schema upgraded to version %d", version)
        if row is None:
            conn.execute("INSERT INTO canbot_schema VALUES (%s)", (SCHEMA_VERSION,))
        else:
            conn.execute("UPDATE canbot_schema SET version = %s", (SCHEMA_VERSION,))
        for table, field in RETIRED_INDEXES:
            if field not in indexes.get(table, ()):
                conn.execute(
                    sql.SQL("DROP INDEX IF EXISTS {}").format(
                        sql.Identifier(index_name(table, field))
                    )
                )
        for table, fields in indexes.items():
            for field in fields:
                conn.execute(
                    sql.SQL(
                        "CREATE INDEX IF NOT EXISTS {} ON canbot_docs "
                        "USING gin ((doc -> {}) jsonb_path_ops) WHERE tbl = {}"
                    ).format(sql.Identifier(index_name(table, field)), field, table)
                )


class RevisionListener:
    """A thread on its own connection that LISTENs for new revisions from every replica."""

    def __init__(self, url: str, on_revision: Any) -> None:
        self._url = url
        self._on_revision = on_revision
        self._stop = threading.Event()
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="canbot-revision", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT
                ) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                    # Read after LISTEN: nothing committed in between can be missed.
                    row = conn.execute("SELECT n FROM canbot_revision").fetchone()
                    self._on_revision(int(row[0]) if row else 0)
                    self.connected.set()
                    while not self._stop.is_set():
                        for notify in conn.notifies(timeout=0.5):
                            self._on_revision(int(notify.payload))
                        # A probe now and then: a dead server must not look like a quiet one.
                        conn.execute("SELECT 1")
            except (psycopg.Error, ValueError) as exc:
                self.connected.clear()
                if not self._stop.is_set():
                    log.warning("revision listener lost the database (%s)", type(exc).__name__)
                    self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class PostgresStore:
    """The document store on PostgreSQL: serial transactions across every replica."""

    def __init__(
        self,
        url: str,
        *,
        indexes: Mapping[str, tuple[str, ...]] = INDEXES,
        max_connections: int = 10,
        listen: bool = True,
    ) -> None:
        self.url = url
        self._indexes = dict(indexes)
        ensure_schema(url, self._indexes)
        self._version = 0
        self._version_lock = threading.Lock()
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            timeout=POOL_TIMEOUT,
            kwargs={"connect_timeout": CONNECT_TIMEOUT},
            open=False,
            name="canbot",
        )
        self._pool.open(wait=True, timeout=10.0)
        self._listener = RevisionListener(url, self._saw) if listen else None
        if self._listener is not None:
            self._listener.connected.wait(timeout=5.0)

    def _saw(self, revision: int) -> None:
        with self._version_lock:
            if revision > self._version:
                self._version = revision

    def _locked_connection(self) -> psycopg.Connection[Any]:
        """A pooled connection inside a transaction that holds TX_LOCK.

        The lock statement also reads the revision (same round trip), so ``version()`` is
        current after any transaction opened here, even before another replica's notification
        arrives (the notification may lag; a read of the revision may not). It doubles as the
        liveness check: a connection
        the server dropped (a restart, an outage) fails here before anything was done, so it is
        thrown away and the next one tried, up to the pool's size, then StoreUnavailable.
        """
        for _ in range(self._pool.max_size + 1):
            with unavailable_on_connection_errors():
                conn = self._pool.getconn()
            try:
                row = conn.execute(
                    "SELECT pg_advisory_xact_lock(%s), (SELECT n FROM canbot_revision)",
                    (TX_LOCK,),
                ).fetchone()
                if row is not None and row[1] is not None:
                    self._saw(int(row[1]))
                return conn
            except psycopg.OperationalError:
                self._pool.putconn(conn)  # closed or broken: the pool discards it
        raise StoreUnavailable()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PostgresTransaction]:
        conn = self._locked_connection()
        try:
            tx = PostgresTransaction(self, conn)
            yield tx
        finally:
            try:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.rollback()
            except psycopg.Error:
                pass  # a broken connection: the pool drops it
            self._pool.putconn(conn)

    def compact(self) -> None:
        """PostgreSQL keeps dead row versions until VACUUM; forgetme must leave no copy."""
        with unavailable_on_connection_errors(), self._pool.connection() as conn:
            conn.autocommit = True
            try:
                conn.execute("VACUUM canbot_docs")
            finally:
                conn.autocommit = False

    def version(self) -> int:
        """The database's revision as last seen here (commits made here, notified, or read
        when a transaction opened)."""
        return self._version

    def current_version(self) -> int:
        """The revision read from the database now: one statement in autocommit, no lock, so
        a reader checking whether its cache is current never waits behind a writer."""
        for _ in range(self._pool.max_size + 1):  # past connections the server dropped
            with unavailable_on_connection_errors():
                conn = self._pool.getconn()
            try:
                conn.autocommit = True
                row = conn.execute("SELECT n FROM canbot_revision").fetchone()
                conn.autocommit = False
            except psycopg.OperationalError:
                continue  # closed or broken: the pool discards it as it comes back
            finally:
                self._pool.putconn(conn)
            if row is not None:
                self._saw(int(row[0]))
            return self._version
        raise StoreUnavailable()

    def ping(self) -> bool:
        """Whether the database answers now (the health check)."""
        try:
            with self._pool.connection(timeout=2.0) as conn:
                conn.execute("SELECT 1")
            return True
        except (psycopg.Error, psycopg_pool.PoolTimeout):
            return False

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self._pool.close()


_DELETED: Doc = {}


class PostgresTransaction:
    """Reads go to the database; writes wait in memory and are written together at commit."""

    def __init__(self, store: PostgresStore, conn: psycopg.Connection[Any]) -> None:
        self._store = store
        self._conn = conn
        self._pending: dict[tuple[str, str], Doc] = {}

    def _rows(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with unavailable_on_connection_errors():
            return self._conn.execute(query.encode(), params).fetchall()

    def get(self, table: str, key: str) -> Doc | None:
        pending = self._pending.get((table, key))
        if pending is not None:
            return None if pending is _DELETED else pending
        rows = self._rows("SELECT doc FROM canbot_docs WHERE tbl = %s AND key = %s", (table, key))
        return rows[0][0] if rows else None

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Doc] = {}
        stored = [key for key in wanted if (table, key) not in self._pending]
        if stored:
            rows = self._rows(
                "SELECT key, doc FROM canbot_docs WHERE tbl = %s AND key = ANY(%s)",
                (table, stored),
            )
            found.update(rows)
        for key in wanted:
            pending = self._pending.get((table, key))
            if pending is not None and pending is not _DELETED:
                found[key] = pending
        return found

    def all(self, table: str) -> Iterator[Doc]:
        rows = self._rows("SELECT key, doc FROM canbot_docs WHERE tbl = %s ORDER BY seq", (table,))
        stored = set()
        for key, doc in rows:
            stored.add(key)
            current = self.get(table, key) if (table, key) in self._pending else doc
            if current is not None:
                yield current
        for (name, key), doc in list(self._pending.items()):
            if name == table and key not in stored and doc is not _DELETED:
                yield doc

    def count(self, table: str) -> int:
        if any(name == table for name, _ in self._pending):
            return sum(1 for _ in self.all(table))
        rows = self._rows("SELECT count(*) FROM canbot_docs WHERE tbl = %s", (table,))
        return int(rows[0][0])

    def find(self, table: str, field: str, value: str) -> list[Doc]:
        if field not in self._store._indexes.get(table, ()):
            raise KeyError(f"{table}.{field} is not indexed")
        # The table and field are literals, not parameters: the planner must see that the
        # partial index's predicate holds, which it cannot prove for a generic plan's $1.
        query = sql.SQL(
            "SELECT key, doc FROM canbot_docs WHERE tbl = {} AND (doc -> {}) @> %s"
        ).format(sql.Literal(table), sql.Literal(field))
        with unavailable_on_connection_errors():
            rows = self._conn.execute(query, (Jsonb(value),)).fetchall()
        found = {key: doc for key, doc in rows if (table, key) not in self._pending}
        for (name, key), doc in self._pending.items():
            if name == table and doc is not _DELETED and _matches(doc.get(field), value):
                found[key] = doc
        return [found[key] for key in sorted(found)]

    def put(self, table: str, key: str, doc: Doc) -> None:
        self._pending[(table, key)] = doc

    def delete(self, table: str, key: str) -> None:
        self._pending[(table, key)] = _DELETED

    def commit(self) -> None:
        """Write the pending changes, bump and announce the revision, commit: one round trip
        per kind of change, and the revision only when something changed."""
        pending, self._pending = self._pending, {}
        conn = self._conn
        with unavailable_on_connection_errors():
            if pending:
                puts = [(t, k, Jsonb(d)) for (t, k), d in pending.items() if d is not _DELETED]
                deletes = [(t, k) for (t, k), d in pending.items() if d is _DELETED]
                with conn.cursor() as cur:
                    if deletes:
                        cur.executemany(
                            b"DELETE FROM canbot_docs WHERE tbl = %s AND key = %s", deletes
                        )
                    if puts:
                        cur.executemany(
                            b"INSERT INTO canbot_docs (tbl, key, doc) VALUES (%s, %s, %s) "
                            b"ON CONFLICT (tbl, key) DO UPDATE SET doc = EXCLUDED.doc",
                            puts,
                        )
                    row = cur.execute(
                        b"UPDATE canbot_revision SET n = n + 1 RETURNING n, "
                        b"pg_notify('canbot_revision', n::text)"
                    ).fetchone()
                conn.commit()
                if row is not None:
                    self._store._saw(int(row[0]))
            else:
                conn.commit()


def _matches(field_value: object, value: str) -> bool:
    if isinstance(field_value, list):
        return value in field_value
    return field_value == value


def wait_for_database(url: str, timeout: float) -> bool:
    """Whether the server at ``url`` answers within ``timeout`` seconds (tests, `check`)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)


class LeaderLock:
    """The leader's session advisory lock, on a connection of its own (not from the pool).

    The lock lives as long as the session: a leader killed with -9 closes its socket and the
    server frees the lock at once; a leader whose host is cut off is dropped by the server's
    TCP keepalives within seconds (set below), and sees its own connection fail as fast
    (``tcp_user_timeout``), so it stops leading before a successor can start.
    """

    def __init__(self, url: str, *, key: int = LEADER_LOCK) -> None:
        self._url = url
        self._key = key
        self._conn: psycopg.Connection[Any] | None = None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; False when another replica leads or no database."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT,
                    keepalives=1,
                    keepalives_idle=2,
                    keepalives_interval=1,
                    keepalives_count=2,
                    tcp_user_timeout=3000,
                    options="-c tcp_keepalives_idle=2 -c tcp_keepalives_interval=1 "
                    "-c tcp_keepalives_count=2 -c statement_timeout=3000",
                )
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
            return bool(row and row[0])
        except psycopg.Error:
            self.release()
            return False

    def held(self) -> bool:
        """Whether this session still holds the lock (the database answers and says so)."""
        if self._conn is None or self._conn.closed:
            return False
        try:
            row = self._conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND classid::bigint = %s AND objid::bigint = %s "
                "AND objsubid = 1",
                (self._key >> 32, self._key & 0xFFFFFFFF),
            ).fetchone()
            return bool(row and row[0])
        except psycopg.Error:
            self.release()
            return False

    def release(self) -> None:
        """Give the lock up by ending the session (a lost session has given it up already)."""
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None
