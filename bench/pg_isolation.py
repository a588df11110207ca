"""SERIALIZABLE with retries vs a transaction-scoped advisory lock, across processes.

Run: python -m bench.pg_isolation [processes] [transactions]   (default 4 200)
Each process runs read-modify-write transactions shaped like a use case (read a document,
write it back changed, commit); once all on one hot document (a capacity-1 role, a reminder
wave's claims), once on a document of its own per transaction (joins of different people).
Prints commits per second, retries per commit (SERIALIZABLE), and whether any update was lost.
"""

from __future__ import annotations

import multiprocessing
import sys
import time

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

from bench.scratch_database import scratch_database
from circles.storage.postgres import TX_LOCK, ensure_schema


def work(
    url: str, mode: str, hot: bool, count: int, worker: int, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    retries = 0
    with psycopg.connect(url) as conn:
        if mode == "serializable":
            conn.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
        for n in range(count):
            key = "hot" if hot else f"w{worker}-{n % 20}"
            while True:
                try:
                    if mode == "lock":
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (TX_LOCK,))
                    row = conn.execute(
                        "SELECT doc FROM canbot_docs WHERE tbl = 'bench' AND key = %s", (key,)
                    ).fetchone()
                    value = row[0]["n"] if row else 0
                    conn.execute(
                        "INSERT INTO canbot_docs (tbl, key, doc) VALUES ('bench', %s, %s) "
                        "ON CONFLICT (tbl, key) DO UPDATE SET doc = EXCLUDED.doc",
                        (key, Jsonb({"n": value + 1})),
                    )
                    conn.commit()
                    break
                except (errors.SerializationFailure, errors.UniqueViolation):
                    conn.rollback()
                    retries += 1
    out.put(retries)


def run(url: str, mode: str, hot: bool, processes: int, count: int) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM canbot_docs WHERE tbl = 'bench'")
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [
        multiprocessing.Process(target=work, args=(url, mode, hot, count, w, queue))
        for w in range(processes)
    ]
    started = time.perf_counter()
    for w in workers:
        w.start()
    retries = sum(queue.get() for _ in workers)
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        total = conn.execute(
            "SELECT coalesce(sum((doc->>'n')::int), 0) FROM canbot_docs WHERE tbl = 'bench'"
        ).fetchone()
    commits = processes * count
    lost = commits - int(total[0]) if total else commits
    shape = "one hot document " if hot else "disjoint documents"
    return (
        f"{mode:12} {shape} | {commits / elapsed:7.0f} commits/s | "
        f"{retries / commits:5.2f} retries per commit | lost updates {lost}"
    )


def main() -> None:
    processes = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with scratch_database() as url:
        ensure_schema(url)
        print(f"{processes} processes x {count} read-modify-write transactions")
        for hot in (True, False):
            for mode in ("lock", "serializable"):
                print(run(url, mode, hot, processes, count), flush=True)


if __name__ == "__main__":
    main()
