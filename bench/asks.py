"""`asks` at scale: p50/p99 of the list a volunteer takes from, with many open asks and volunteers.

Run: python bench/asks.py [asks] [volunteers]   (default 10000 10000)
The network is written straight into an in-memory store (the same engine the TinyDB store
reads from), then ``asks`` runs as volunteers of different neighborhoods and skills, through the
dispatcher as a user would send it. The list reads the store's indexes of open asks by
neighborhood and kind, and decodes only the asks it shows.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.ask import KIND_NAMES, OPEN, Ask
from circles.clock import FixedClock
from circles.model import Volunteer
from circles.network import Network
from circles.services.network_setup import ensure_seeded
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork

ROUNDS = 500
PLACES = [f"小区{n}" for n in range(200)]
KINDS = list(KIND_NAMES)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build(asks: int, volunteers: int) -> Dispatcher:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    uow = UnitOfWork(MemoryStore(), FixedClock(start + timedelta(days=3)), Network(language="en"))
    ensure_seeded(uow)
    with uow.begin() as s:
        for n in range(volunteers):
            s.volunteers.save(
                Volunteer(
                    id=f"v{n}",
                    name=f"V{n}",
                    identities=[f"console:v{n}"],
                    joined_at=start,
                    skills=[KINDS[n % len(KINDS)]],
                    neighborhood=PLACES[n % len(PLACES)],
                )
            )
        for n in range(asks):
            ask = Ask(
                id=str(n + 1),
                asker=f"n{n}",
                text=f"need help {n}",
                kind=KINDS[n % len(KINDS)],
                neighborhood=PLACES[(n * 7) % len(PLACES)],
                created_at=start + timedelta(seconds=n),
                urgent=n % 10 == 0,
                status=OPEN,
                posted_at=start + timedelta(seconds=n),
            )
            s.tx.put("asks", ask.id, ask.to_doc())
        s.commit()
    return Dispatcher(build_registry(), uow, Catalogs(), Config(network=uow.network))


def main() -> None:
    asks = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    volunteers = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    dispatcher = build(asks, volunteers)
    samples = []
    for n in range(ROUNDS):
        actor = Actor(f"console:v{(n * 37) % volunteers}", "v")
        began = time.perf_counter()
        reply = dispatcher.handle(actor, "asks")
        samples.append((time.perf_counter() - began) * 1000)
        assert not reply.error and "#" in reply.text, reply.text
    print(
        f"asks with {asks} open asks, {volunteers} volunteers ({ROUNDS} calls): "
        f"p50 {statistics.median(samples):.2f} ms, p99 {percentile(samples, 0.99):.2f} ms"
    )


if __name__ == "__main__":
    main()
