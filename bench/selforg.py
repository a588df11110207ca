"""Self-organization at scale: the scheduler's idle settle and announce ticks, and back/split.

Run: python bench/selforg.py [circles...]   (default 10 100 1000)
For each network size (circles under practice, each with 3+ roles and a proposal) it prints
p50/p99 of: an idle ``settle_proposals`` (nothing due; runs every minute), an idle
``take_announcements`` (nothing queued; runs every tick), a ``back`` that forms an action group,
and a ``split``, on the default TinyDB store (every write fsynced).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from circles.actor import Actor
from circles.clock import FixedClock
from circles.model import PROPOSED, Circle, Role
from circles.network import Network
from circles.services import membership, topics
from circles.services.announcements import take_announcements
from circles.services.emergent_roles import settle_proposals
from circles.services.network_setup import ensure_seeded
from circles.services.split import split_circle
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork

ADMIN = Actor("console:admin", "admin")
ROUNDS = 100


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(action: Callable[[int], object]) -> str:
    samples = []
    for n in range(ROUNDS):
        started = time.perf_counter()
        action(n)
        samples.append((time.perf_counter() - started) * 1000)
    return f"{statistics.median(samples):.2f} / {percentile(samples, 0.99):.2f} ms"


def role(slug: str, status: str = "active") -> Role:
    return Role(slug, {"en": slug}, {"en": slug}, status=status)


def measure(size: int, folder: Path) -> str:
    store = TinyDBStore(folder / f"can-{size}.json")
    clock = FixedClock(datetime(2026, 11, 22, tzinfo=UTC))
    uow = UnitOfWork(store, clock, Network(admins=frozenset({ADMIN.identity})))
    ensure_seeded(uow)
    with uow.begin() as s:
        for n in range(size):
            # Enough roles that every round can split one off and one still stays.
            count = max(3, ROUNDS // size + 2)
            roles = [*(role(f"r{k}") for k in range(count)), role("idea", PROPOSED)]
            roles[-1].proposed_at = s.now
            s.circles.save(Circle(f"c{n}", {"en": f"c{n}"}, {"en": ""}, "practice", roles=roles))
        s.commit()
    membership.join(uow, ADMIN)
    backers = [Actor(f"console:b{n}", f"b{n}") for n in range(ROUNDS * 2)]
    for actor in backers:
        membership.join(uow, actor)
    for n in range(ROUNDS):
        topics.propose_topic(uow, backers[2 * n], f"Topic {n}", threshold=2)
    take_announcements(uow, ["telegram"])
    settle = timed(lambda n: settle_proposals(uow))
    announce = timed(lambda n: take_announcements(uow, ["telegram"]))
    form = timed(lambda n: topics.back_topic(uow, backers[2 * n + 1], str(n + 1), threshold=2))
    split = timed(lambda n: split_circle(uow, ADMIN, f"c{n % size}", f"s{n}", [f"r{n // size}"]))
    store.close()
    return f"| {size:,} | {settle} | {announce} | {form} | {split} |"


def main(sizes: list[int]) -> None:
    print(
        "| circles | idle settle p50 / p99 | idle announce p50 / p99 "
        "| back that forms p50 / p99 | split p50 / p99 |"
    )
    print("|---:|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            print(measure(size, Path(folder)), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
