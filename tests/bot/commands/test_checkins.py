"""The checkin and feed commands: kits must exist, the feed is newest first and names authors."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.commands.dispatch import Dispatcher
from circles.clock import FixedClock
from circles.services.export import export_network
from tests.conftest import Say


def state(dispatcher: Dispatcher) -> str:
    data = export_network(dispatcher.uow)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True)


def test_a_checkin_records_kit_and_neighborhood(say: Say, dispatcher: Dispatcher) -> None:
    say("alice", "join Gubei")
    reply = say("alice", "checkin sorted parcels at building 12 #parcel-sorting")
    assert not reply.error
    assert "Recorded" in reply.text
    assert "parcel-sorting has now been used once." in reply.text
    [checkin] = export_network(dispatcher.uow)["checkins"]
    assert (checkin["kit"], checkin["neighborhood"]) == ("parcel-sorting", "Gubei")
    assert "used 2 times" in say("alice", "checkin again #parcel-sorting").text


def test_a_checkin_naming_two_kits_counts_each(say: Say) -> None:
    say("alice", "join")
    say("alice", "checkin tea #tea-house")
    reply = say("alice", "checkin x #parcel-sorting and #tea-house")
    assert "Kit parcel-sorting has now been used once." in reply.text
    assert "Kit tea-house has now been used 2 times." in reply.text


def test_a_checkin_without_a_neighborhood_suggests_setting_one(say: Say) -> None:
    say("bo", "join")
    reply = say("bo", "checkin met the neighbors on floor 3")
    assert not reply.error
    assert "profile neighborhood" in reply.text


def test_bad_checkins_are_refused_and_change_nothing(say: Say, dispatcher: Dispatcher) -> None:
    before = state(dispatcher)
    not_joined = say("carol", "checkin did things")
    assert not_joined.error and "join" in not_joined.text
    say("carol", "join")
    before = state(dispatcher)
    for line, words, typed_wrong in [
        ("checkin used #no-such-kit", "no kit 'no-such-kit'", False),
        ("checkin", "Missing <text>", True),
        ("checkin " + "x" * 281, "too long", True),
    ]:
        reply = say("carol", line)
        assert reply.error, line
        assert words in reply.text, reply.text
        assert ("Usage: checkin <text...>" in reply.text) == typed_wrong
        assert state(dispatcher) == before


def test_feed_shows_newest_first_with_authors(
    say: Say, clock: FixedClock, dispatcher: Dispatcher
) -> None:
    assert "No check-ins yet" in say("anyone", "feed").text
    say("alice", "join Gubei")
    say("bo", "join")
    say("alice", "checkin first action")
    clock.advance(timedelta(minutes=5))
    say("bo", "checkin second action #tea-house")
    reply = say("someone-who-never-joined", "feed")
    assert not reply.error
    lines = reply.text.splitlines()
    assert "bo: second action #tea-house" in lines[1]
    assert "alice (Gubei): first action" in lines[2]


def test_feed_shows_forgotten_authors_as_a_neighbor(say: Say) -> None:
    say("alice", "join Gubei")
    say("alice", "checkin planted flowers")
    code = say("alice", "forgetme").buttons[0][0].command.split()[1]
    assert not say("alice", f"forgetme {code}").error
    feed = say("bo", "feed").text
    assert "a neighbor: planted flowers" in feed
    assert "alice" not in feed and "Gubei" not in feed
    say("bo", "lang zh")
    assert "一位邻居: planted flowers" in say("bo", "feed").text
