"""One volunteer cannot fill a group: limits on what they open and how often it is announced."""

from __future__ import annotations

from datetime import timedelta

import pytest

from circles.clock import FixedClock
from circles.services.announcements import pending_count
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say


@pytest.fixture
def lead(say: Say, uow: UnitOfWork) -> str:
    """lena leads practice and research; mo is a newly joined stranger."""
    for who in ("lena", "mo", "zoe"):
        say(who, "join")
    with uow.begin() as s:
        lena = s.require_volunteer("console:lena").id
    appoint_lead(uow, "practice", lena)
    appoint_lead(uow, "research", lena)
    with uow.begin() as s:
        network = s.circles.require("network")
        network.chats = ["telegram:-100"]  # the group that hears every proposal
        s.circles.save(network)
        s.commit()
    return lena


def topic_ids(say: Say) -> list[str]:
    return [line.split(".")[0][2:] for line in say("zoe", "topics").text.splitlines()[1:]]


def test_thirty_proposals_from_a_stranger_announce_only_three(
    say: Say, lead: str, uow: UnitOfWork
) -> None:
    before = pending_count(uow)
    replies = [say("mo", f"propose Idea number {n}") for n in range(30)]
    assert [r.error for r in replies].count(False) == 3
    refused = replies[3]
    assert "3 open topics" in refused.text and "most one volunteer may have" in refused.text
    assert pending_count(uow) - before == 3
    assert len(topic_ids(say)) == 3


def test_a_lead_closes_a_topic_and_the_proposer_may_open_another(say: Say, lead: str) -> None:
    for n in range(3):
        assert not say("mo", f"propose Idea {n}").error
    first = topic_ids(say)[0]
    refused = say("zoe", f"closetopic {first} spam")
    assert refused.error and "Only a lead of practice" in refused.text
    closed = say("lena", f"closetopic {first} a duplicate of the parcel topic")
    assert not closed.error
    assert f"Topic {first} is closed: a duplicate of the parcel topic" in closed.text
    assert first not in topic_ids(say)
    backed = say("zoe", f"back {first}")
    assert backed.error and f"Topic {first} is closed." in backed.text
    again = say("lena", f"closetopic {first}")
    assert again.error and "is not open" in again.text
    assert not say("mo", "propose Idea 4").error  # a slot is free again


def test_announcements_from_one_volunteer_are_limited_per_hour(
    say: Say, lead: str, clock: FixedClock
) -> None:
    for n in range(5):
        assert not say("mo", f"propose Idea {n}").error, n
        if n >= 2:
            assert not say("mo", f"closetopic {topic_ids(say)[0]}").error  # the proposer may
    refused = say("mo", "propose Idea 5")
    assert refused.error
    assert "At most 5 announcements an hour" in refused.text and "08:00 UTC" not in refused.text
    assert "try again after 09:00 UTC" in refused.text
    clock.advance(timedelta(hours=1, minutes=1))
    assert not say("mo", "propose Idea 5").error


def test_role_proposals_are_limited(say: Say, lead: str) -> None:
    assert not say("mo", "claim research/interviewer").error
    for n in range(3):
        assert not say("mo", f"newrole research helper-{n} Helper {n}").error
    refused = say("mo", "newrole research helper-3 Helper 3")
    assert refused.error and "3 role proposals waiting" in refused.text


def test_coming_relays_are_limited_and_deleting_one_frees_a_place(say: Say, lead: str) -> None:
    made = []
    for n in range(3):
        reply = say("lena", f"relay new 2026-12-0{n + 1}T20:00 4x60 --circle=research R{n}")
        assert not reply.error, reply.text
        made.append(reply.text.split("Relay created: ", 1)[1].split(".", 1)[0])
    refused = say("lena", "relay new 2026-12-05T20:00 4x60 --circle=research R4")
    assert refused.error and "3 relays planned" in refused.text
    assert not say("lena", f"relay delete {made[0]}").error
    assert not say("lena", "relay new 2026-12-05T20:00 4x60 --circle=research R4").error
