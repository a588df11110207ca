"""Personal data at scale: p50/p99 of mydata, linkme (a merge) and forgetme on the TinyDB store.

Run: python bench/personal_data.py [sizes...]   (default 1000 10000)
Each volunteer has two check-ins, one role in a capacity-free role and one RSVP, so every hook
has data to scan; each forget or merge walks every table once.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from circles.actor import Actor
from circles.checkin import Checkin
from circles.clock import FixedClock
from circles.model import Volunteer
from circles.network import Network
from circles.services import linking, personal_data
from circles.services.checkins import CHECKINS
from circles.services.meetups import MEETUPS, schedule_meetup
from circles.services.membership import join
from circles.services.network_setup import ensure_seeded
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork

ROUNDS = 100


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def populate(uow: UnitOfWork, size: int) -> None:
    admin = Actor("console:admin", "admin")
    with uow.begin() as s:
        s.volunteers.save(Volunteer("vadmin", "admin", [admin.identity], s.now))
        s.commit()
    meetup = schedule_meetup(uow, admin, "research", "daily", "20:00", "60m", "Tea").id
    for start in range(0, size, 1000):
        with uow.begin() as s:
            circle = s.circles.require("practice")
            role = circle.role("neighborhood-captain")
            doc = s.tx.get(MEETUPS, meetup) or {}
            for n in range(start, min(size, start + 1000)):
                vid = f"v{n}"
                s.volunteers.save(Volunteer(vid, f"p{n}", [f"console:p{n}"], s.now))
                role.holders.append(vid)
                circle.members.append(vid)
                doc["rsvps"].setdefault("2026-11-22", {})[vid] = "yes"
                for k in range(2):
                    checkin = Checkin(f"c{n}-{k}", vid, f"action {k}", "", "x", s.now)
                    s.tx.put(CHECKINS, checkin.id, checkin.to_doc())
            s.circles.save(circle)
            s.tx.put(MEETUPS, meetup, doc)
            s.commit()


def measure(size: int, folder: Path) -> str:
    store = TinyDBStore(folder / f"can-{size}.json")
    clock = FixedClock(datetime(2026, 11, 22, tzinfo=UTC))
    uow = UnitOfWork(store, clock, Network(admins=frozenset({"console:admin"})))
    ensure_seeded(uow)
    populate(uow, size)
    store.checkpoint()
    mine, links, forgets = [], [], []
    for n in range(ROUNDS):
        clock.advance(timedelta(seconds=1))
        console = Actor(f"console:p{n}", f"p{n}")
        telegram = Actor(f"telegram:{n}", f"t{n}")
        started = time.perf_counter()
        personal_data.my_data(uow, console)
        mine.append(time.perf_counter() - started)
        code = linking.request_link_code(uow, console).code
        join(uow, telegram)
        started = time.perf_counter()
        linking.link_identity(uow, telegram, code)
        links.append(time.perf_counter() - started)
        confirm = personal_data.request_forget(uow, console).issued.code
        started = time.perf_counter()
        personal_data.forget_me(uow, console, confirm)
        forgets.append(time.perf_counter() - started)
    store.close()

    def ms(samples: list[float]) -> str:
        p50 = statistics.median(samples) * 1000
        return f"p50 {p50:7.2f} ms  p99 {percentile(samples, 0.99) * 1000:7.2f} ms"

    return f"{size:>7} volunteers | mydata {ms(mine)} | linkme {ms(links)} | forgetme {ms(forgets)}"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    with tempfile.TemporaryDirectory() as name:
        for size in sizes:
            print(measure(size, Path(name)), flush=True)


if __name__ == "__main__":
    main()
