"""The announcement outbox: queued with the change, taken once, stale or unroutable ones dropped."""

from __future__ import annotations

from datetime import timedelta

from circles.clock import FixedClock
from circles.services.announcements import announce, network_chats, pending, take_announcements
from circles.unit_of_work import UnitOfWork


def test_an_announcement_exists_only_if_its_transaction_commits(uow: UnitOfWork) -> None:
    with uow.begin() as s:
        announce(s, ["telegram:-1"], "Hello {name}", name="x")
        # no commit: the change it would tell of was not saved either
    with uow.begin() as s:
        assert pending(s) == []
        announce(s, [], "Nobody hears this")
        announce(s, ["telegram:-1", "telegram:-1", "slack:C1"], "First")
        announce(s, ["slack:C1"], "Second", buttons=[("Back it", "back 1")])
        s.commit()
    with uow.begin() as s:
        first, second = pending(s)
    assert first.chats == ("telegram:-1", "slack:C1") and first.message == "First"
    assert second.buttons == (("Back it", "back 1"),)


def test_taking_hands_each_announcement_out_once_for_running_platforms(uow: UnitOfWork) -> None:
    with uow.begin() as s:
        announce(s, ["telegram:-1", "slack:C1"], "Both")
        announce(s, ["slack:C2"], "Slack only")
        s.commit()
    (taken,) = take_announcements(uow, ["telegram"])
    assert taken.message == "Both" and taken.chats == ("telegram:-1",)
    assert take_announcements(uow, ["telegram", "slack"]) == []


def test_stale_announcements_are_dropped(uow: UnitOfWork, clock: FixedClock) -> None:
    with uow.begin() as s:
        announce(s, ["telegram:-1"], "Old news")
        s.commit()
    clock.advance(timedelta(days=1, seconds=1))
    assert take_announcements(uow, ["telegram"]) == []
    with uow.begin() as s:
        assert pending(s) == []


def test_network_chats_fall_back_to_the_root_circles(uow: UnitOfWork) -> None:
    with uow.begin() as s:
        assert network_chats(s) == []
        for slug, chat in (("research", "slack:C1"), ("connect", "telegram:-2")):
            circle = s.circles.require(slug)
            circle.chats = [chat]
            s.circles.save(circle)
        assert network_chats(s) == ["telegram:-2", "slack:C1"]  # by slug: connect, research
        network = s.circles.require("network")
        network.chats = ["telegram:-9"]
        s.circles.save(network)
        assert network_chats(s) == ["telegram:-9"]
