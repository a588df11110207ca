"""Store scale on PostgreSQL: p50/p99 of claim, join and a `circle` page read, as bench/store.py.

Run: python -m bench.pg_store [sizes...]   (default 10000 100000)
Server: CANBOT_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test); each size gets
a database of its own, dropped afterwards. Every claim is one serial transaction (advisory lock).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime

import psycopg

from bench.scratch_database import scratch_database
from circles.actor import Actor
from circles.clock import FixedClock
from circles.model import Volunteer
from circles.network import Network
from circles.services import membership
from circles.services import roles as role_services
from circles.services.circle_page import circle_page
from circles.services.network_setup import ensure_seeded
from circles.storage.postgres import PostgresStore
from circles.unit_of_work import UnitOfWork


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(samples: list[float]) -> str:
    p50 = statistics.median(samples) * 1000
    return f"p50 {p50:6.2f} ms  p99 {percentile(samples, 0.99) * 1000:6.2f} ms"


def measure(url: str, size: int) -> str:
    store = PostgresStore(url)
    uow = UnitOfWork(store, FixedClock(datetime(2026, 11, 22, tzinfo=UTC)), Network())
    ensure_seeded(uow)
    for start in range(0, size, 5000):
        with uow.begin() as s:
            for n in range(start, min(size, start + 5000)):
                s.volunteers.save(
                    Volunteer(f"v{n}", f"p{n}", [f"console:p{n}"], s.now, neighborhood="x")
                )
            s.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE canbot_docs")
    joins, claims, reads = [], [], []
    for n in range(300):
        actor = Actor(f"console:new{n}", f"new{n}")
        started = time.perf_counter()
        membership.join(uow, actor)
        joins.append(time.perf_counter() - started)
        started = time.perf_counter()
        role_services.claim_role(uow, actor, "practice/neighborhood-captain")
        claims.append(time.perf_counter() - started)
        started = time.perf_counter()
        circle_page(uow, actor, "practice", oversight=False)
        reads.append(time.perf_counter() - started)
    store.close()
    return f"{size:>7} volunteers | join {ms(joins)} | claim {ms(claims)} | circle {ms(reads)}"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10000, 100000]
    for size in sizes:
        with scratch_database() as url:
            print(measure(url, size), flush=True)


if __name__ == "__main__":
    main()
