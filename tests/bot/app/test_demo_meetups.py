"""The demo's meetups and relay, and how meetups and relays travel through export and import."""

from __future__ import annotations

from bot.app.demo import seed_demo
from circles.services import meetups, relays
from circles.services.export import export_network, import_network
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork


def test_the_demo_plans_meetups_and_a_relay_once(uow: UnitOfWork) -> None:
    done = seed_demo(uow)
    assert sum(line.startswith("meetup ") for line in done) == 3
    assert sum(line.startswith("relay ") for line in done) == 1
    found = meetups.upcoming(uow, limit=1000)
    assert {u.meetup.circle for u in found} == {"network", "research", "practice"}
    assert any(u.meetup.topic for u in found)
    (relay,) = relays.current_relays(uow)
    assert relay.slots == 24 and len(relay.holders) == 2
    again = seed_demo(uow)
    assert not any(line.startswith(("meetup ", "relay ")) for line in again)


def test_meetups_and_relays_survive_export_and_import(uow: UnitOfWork) -> None:
    seed_demo(uow)
    tea = next(u for u in meetups.upcoming(uow, "research"))
    exported = export_network(uow)
    (doc,) = [m for m in exported["meetups"] if m["id"] == tea.meetup.id]
    assert {k: doc[k] for k in ("circle", "recurrence", "start", "timezone")} == {
        "circle": "research",
        "recurrence": "tue,fri",
        "start": "20:00",
        "timezone": "Asia/Shanghai",
    }
    assert doc["duration_minutes"] == 90 and doc["cancelled"] == [] and doc["rsvps"] == {}
    assert exported["deliveries"] == []  # nothing sent yet (a restore keeps them: issue 16)
    fresh = UnitOfWork(MemoryStore(), uow.clock, uow.network)
    import_network(fresh, exported)
    assert export_network(fresh) == exported
    assert [u.occurrence.id for u in meetups.upcoming(fresh)] == [
        u.occurrence.id for u in meetups.upcoming(uow)
    ]
