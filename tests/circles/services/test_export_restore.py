"""Export -> empty store -> import -> run keeps exactly-once: no reminder, hand-off or
announcement is sent twice, and none that was queued is lost."""

from __future__ import annotations

from datetime import timedelta

from circles.clock import FixedClock
from circles.network import Network
from circles.services import announcements
from circles.services.export import export_network, import_network
from circles.services.network_setup import ensure_seeded
from circles.services.reminders import SENT, claim_due_notices, mark_delivered
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork
from tests.circles.services.test_reminders import BOTH, FIRST, OFFSETS, setup_network


def restored(uow: UnitOfWork) -> UnitOfWork:
    """The network as `canbot export` then `canbot import` into a fresh store would give it."""
    fresh = UnitOfWork(MemoryStore(), uow.clock, uow.network)
    import_network(fresh, export_network(uow))
    return fresh


def test_a_reminder_already_sent_is_not_sent_again_after_a_restore(clock: FixedClock) -> None:
    uow = UnitOfWork(MemoryStore(), clock, Network(language="en"))
    ensure_seeded(uow)
    setup_network(uow)
    clock.set(FIRST - timedelta(hours=1))
    sent = claim_due_notices(uow, OFFSETS, BOTH)
    assert sent  # the 1 h reminder went to both chats
    mark_delivered(uow, {notice.key: SENT for notice in sent})
    clock.advance(timedelta(minutes=5))
    assert claim_due_notices(restored(uow), OFFSETS, BOTH) == []


def test_a_queued_announcement_survives_a_restore_and_is_sent_once(clock: FixedClock) -> None:
    uow = UnitOfWork(MemoryStore(), clock, Network(language="en"))
    ensure_seeded(uow)
    setup_network(uow)
    with uow.begin() as s:
        announcements.announce(s, ["telegram:-100"], "A new topic: {title}", title="Parcels")
        s.commit()
    other = restored(uow)
    [queued] = announcements.take_announcements(other, BOTH)
    assert queued.params == {"title": "Parcels"}
    assert announcements.take_announcements(other, BOTH) == []
    assert announcements.take_announcements(restored(other), BOTH) == []  # taken: gone for good
