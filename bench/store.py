"""Store scale: p50/p99 of claim, join and a circle read (the page `circle` shows) on TinyDB.

Run: python bench/store.py [sizes...]   (default 100 1000 10000)
Prints one line per size; the figures depend on the disk's fsync time, which it also prints.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from circles.actor import Actor
from circles.clock import FixedClock
from circles.model import Volunteer
from circles.network import Network
from circles.services import membership
from circles.services import roles as role_services
from circles.services.circle_page import circle_page
from circles.services.network_setup import ensure_seeded
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fsync_cost(folder: Path) -> float:
    path = folder / "fsync.probe"
    with path.open("wb") as handle:
        started = time.perf_counter()
        for _ in range(50):
            handle.write(b"x" * 100)
            handle.flush()
            os.fsync(handle.fileno())
        return (time.perf_counter() - started) / 50 * 1000


def measure(size: int, folder: Path) -> str:
    store = TinyDBStore(folder / f"can-{size}.json")
    uow = UnitOfWork(store, FixedClock(datetime(2026, 11, 22, tzinfo=UTC)), Network())
    ensure_seeded(uow)
    # Load the population in bulk (one transaction per 1,000), as an import would.
    for start in range(0, size, 1000):
        with uow.begin() as s:
            for n in range(start, min(size, start + 1000)):
                s.volunteers.save(
                    Volunteer(f"v{n}", f"p{n}", [f"console:p{n}"], s.now, neighborhood="x")
                )
            s.commit()
    store.checkpoint()
    joins, claims, reads = [], [], []
    for n in range(200):
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

    def ms(samples: list[float]) -> str:
        p50 = statistics.median(samples) * 1000
        return f"p50 {p50:6.2f} ms  p99 {percentile(samples, 0.99) * 1000:6.2f} ms"

    return f"{size:>7} volunteers | join {ms(joins)} | claim {ms(claims)} | circle {ms(reads)}"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 10000]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print(f"fsync of a small append on this disk: {fsync_cost(folder):.2f} ms")
        for size in sizes:
            print(measure(size, folder), flush=True)


if __name__ == "__main__":
    main()
