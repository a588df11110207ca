"""newrole, accept, object, reject, proposals, split, propose, topics, back: through the dispatcher.

Every refusal is checked the way a user meets it: an error reply that says what was wrong, and
an export that is exactly the same as before.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config, TopicsConfig
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services.announcements import pending
from circles.services.emergent_roles import settle_proposals
from circles.services.export import export_network, import_network
from circles.services.network_setup import ensure_seeded
from circles.services.roles import appoint_lead
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say
from toolkits.catalog import Catalog


def vid(uow: UnitOfWork, name: str) -> str:
    with uow.begin() as s:
        return s.require_volunteer(f"console:{name}").id


@pytest.fixture
def team(say: Say, uow: UnitOfWork) -> Say:
    """lena leads research; alice holds research/interviewer; bob and cai are volunteers."""
    for name in ("lena", "alice", "bob", "cai", "admin"):
        assert not say(name, "join").error
    appoint_lead(uow, "research", vid(uow, "lena"))
    assert not say("alice", "claim research/interviewer").error
    return say


def assert_refused(say: Say, uow: UnitOfWork, who: str, line: str, words: str) -> None:
    before = export_network(uow)
    with uow.begin() as s:
        queued = len(pending(s))
    reply = say(who, line)
    assert reply.error, line
    assert words in reply.text, reply.text
    assert export_network(uow) == before, line
    with uow.begin() as s:
        assert len(pending(s)) == queued, line


def test_a_proposed_role_shows_as_proposed_until_a_lead_accepts(team: Say) -> None:
    made = team("alice", "newrole research translator Translator: turns interviews into English")
    assert not made.error and "stands on Tue 2026-11-24 16:00" in made.text
    assert "[proposed]" in team("bob", "circle research").text
    assert "1 proposed" in team("bob", "circles").text
    listed = team("bob", "proposals research")
    assert "research/translator Translator — by alice" in listed.text
    assert listed.buttons == ()  # bob is no member of research: nothing there he may do
    assert tuple(b.command for b in team("lena", "proposals research").buttons[0]) == (
        "object research/translator",
        "accept research/translator",
    )
    assert "only proposed" in team("bob", "claim research/translator").text
    accepted = team("lena", "accept research/translator")
    assert not accepted.error and "active now" in accepted.text
    assert "[proposed]" not in team("bob", "circle research").text
    assert not team("bob", "claim research/translator").error


def test_an_objection_holds_a_proposal_for_a_lead(
    team: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    team("alice", "newrole research translator Translator")
    team("bob", "claim research/scenario-mapper")
    objected = team("bob", "object research/translator")
    assert not objected.error and "waits for a lead" in objected.text
    assert "Objections from bob" in team("cai", "proposals").text
    clock.advance(timedelta(hours=49))
    assert settle_proposals(uow) == []
    rejected = team("lena", "reject research/translator")
    assert not rejected.error and "removed" in rejected.text
    assert "No role is waiting" in team("cai", "proposals").text


def test_an_unopposed_proposal_stands_after_48_hours(
    team: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    team("alice", "newrole research translator Translator")
    clock.advance(timedelta(hours=48))
    assert settle_proposals(uow) == ["research/translator"]
    assert "[proposed]" not in team("bob", "circle research").text


def test_emergent_role_refusals_change_nothing(team: Say, uow: UnitOfWork) -> None:
    team("alice", "newrole research translator Translator")
    for who, line, words in [
        ("bob", "newrole research helper Helper", "Only members of research"),
        ("nobody", "newrole research helper Helper", "join first"),
        ("alice", "newrole research interviewer Again", "already has a role"),
        ("alice", "newrole research Bad_Slug Helper", "not a valid role"),
        ("alice", "newrole nowhere helper Helper", "no circle 'nowhere'"),
        ("alice", "newrole research helper", "Missing <name-and-purpose>"),
        ("alice", "newrole research helper " + "x" * 400, "too long"),
        ("bob", "accept research/translator", "Only a lead of research"),
        ("lena", "accept research/interviewer", "already active"),
        ("lena", "accept research/nothing", "has no role 'nothing'"),
        ("lena", "accept a/b/c", "is not a role"),
        ("alice", "object research/translator", "withdraw it with reject"),
        ("bob", "object research/translator", "Only members of research"),
        ("cai", "reject research/translator", "Only a lead of research"),
        ("lena", "reject research/interviewer", "already active"),
        ("bob", "proposals nowhere", "no circle 'nowhere'"),
    ]:
        assert_refused(team, uow, who, line, words)


def test_a_split_moves_roles_and_holders(team: Say, uow: UnitOfWork) -> None:
    reply = team("lena", "split research listening interviewer scenario-mapper")
    assert not reply.error and "listening" in reply.text
    assert reply.buttons[0][0].command == "circle listening"
    shown = team("bob", "circle listening").text
    assert "listening/interviewer Interviewer (1/1): alice" in shown
    assert "Sub-circles: listening" in team("bob", "circle research").text
    data = {c["slug"]: c for c in export_network(uow)["circles"]}
    assert data["listening"]["parent"] == "research"
    assert data["listening"]["members"] == [vid(uow, "alice")]
    assert [r["slug"] for r in data["research"]["roles"]] == ["tea-house-host"]


def test_split_refusals_change_nothing(team: Say, uow: UnitOfWork) -> None:
    for who, line, words in [
        ("lena", "split nowhere listening interviewer", "no circle 'nowhere'"),
        ("lena", "split research practice interviewer", "already a circle 'practice'"),
        ("lena", "split research listening practice/kit-tester", "not a role of research"),
        ("lena", "split research listening kit-tester", "has no role 'kit-tester'"),
        ("lena", "split research listening interviewer interviewer", "named twice"),
        (
            "lena",
            "split research listening interviewer scenario-mapper tea-house-host",
            "at least one role",
        ),
        ("lena", "split research listening", "Missing <roles>"),
        ("lena", "split research LISTEN! interviewer", "not a valid slug"),
        ("alice", "split research listening interviewer", "Only a lead of research"),
        ("nobody", "split research listening interviewer", "join first"),
    ]:
        assert_refused(team, uow, who, line, words)


def test_three_backers_form_an_action_group(team: Say, uow: UnitOfWork) -> None:
    proposed = team("alice", "propose Parcel sorting at Xinhua Road")
    assert not proposed.error and "topic 1" in proposed.text
    listed = team("bob", "topics")
    assert "1. Parcel sorting at Xinhua Road — 1 of 3 backers" in listed.text
    assert listed.buttons[0][0].command == "back 1"
    assert "2 of 3" in team("bob", "back 1").text
    formed = team("cai", "/back 1")
    assert not formed.error and "parcel-sorting-at-xinhua-road" in formed.text
    assert "became action groups: 1" in team("bob", "topics").text
    data = {c["slug"]: c for c in export_network(uow)["circles"]}
    group = data["parcel-sorting-at-xinhua-road"]
    assert group["parent"] == "practice" and group["leads"] == [vid(uow, "alice")]
    assert group["members"] == [vid(uow, n) for n in ("alice", "bob", "cai")]


def test_propose_may_name_the_parent_circle(team: Say, uow: UnitOfWork) -> None:
    reply = team("alice", "propose --in research 社区团购")
    assert not reply.error and "under research" in reply.text
    team("bob", "back 1")
    team("cai", "back 1")
    data = {c["slug"]: c for c in export_network(uow)["circles"]}
    assert data["group-1"]["parent"] == "research"


def test_back_with_a_bare_hash_says_the_topic_id_is_missing(team: Say) -> None:
    reply = team("bob", "back #")
    assert reply.error and "There is no topic" not in reply.text
    assert reply.text == (
        "Name the topic by its id, e.g. 7. Send topics for the list.\nUsage: back <topic>"
    )


def test_topic_refusals_change_nothing(team: Say, uow: UnitOfWork) -> None:
    team("alice", "propose Water")
    team("bob", "back 1")
    for who, line, words in [
        ("bob", "back 1", "already back topic 1"),
        ("alice", "back 1", "already back topic 1"),
        ("bob", "back 99", "no topic '99'"),
        ("bob", "back", "Missing <topic>"),
        ("bob", "back #", "Usage: back <topic>"),
        ("bob", "back 1 2", "Too many arguments"),
        ("nobody", "back 1", "join first"),
        ("cai", "propose water", "back it with back 1"),
        ("cai", "propose", "Missing <title>"),
        ("cai", "propose --in", "propose --in <circle> <title>"),
        ("cai", "propose --in research", "propose --in <circle> <title>"),
        ("cai", "propose --in nowhere Masks", "no circle 'nowhere'"),
        ("cai", "propose " + "y" * 200, "too long"),
    ]:
        assert_refused(team, uow, who, line, words)


def test_the_threshold_comes_from_the_config(
    uow: UnitOfWork, catalogs: Catalogs, network: Network, kits: Catalog
) -> None:
    config = Config(network=network, topics=TopicsConfig(threshold=2))
    dispatcher = Dispatcher(build_registry(), uow, catalogs, config, kits)
    ann, ben = Actor("console:ann", "ann"), Actor("console:ben", "ben")
    for actor in (ann, ben):
        dispatcher.handle(actor, "join")
    assert "at 2 backers" in dispatcher.handle(ann, "propose Water").text
    assert "action group water" in dispatcher.handle(ben, "back 1").text


def test_chinese_replies(team: Say) -> None:
    team("alice", "lang zh")
    assert "你提议了话题 1" in team("alice", "propose 社区团购").text
    assert "你已经支持过话题 1" in team("alice", "back 1").text


def test_export_then_import_gives_the_same_export(
    team: Say, uow: UnitOfWork, clock: FixedClock, network: Network
) -> None:
    team("alice", "newrole research translator Translator: turns interviews into English")
    team("bob", "claim research/scenario-mapper")
    team("bob", "object research/translator")
    team("alice", "propose Water")
    team("bob", "propose --in research 社区团购")
    team("cai", "back 1")
    team("lena", "back 1")
    team("lena", "split research listening interviewer")
    original = export_network(uow)
    assert [t["title"] for t in original["topics"]] == ["Water", "社区团购"]
    assert original["topics"][0]["status"] == "formed"
    other = UnitOfWork(MemoryStore(), clock, network)
    ensure_seeded(other)
    import_network(other, original)
    assert export_network(other) == original
    clock.advance(timedelta(hours=49))
    assert settle_proposals(other) == []  # the objection came along: still proposed
    translator = next(
        r
        for c in export_network(other)["circles"]
        if c["slug"] == "research"
        for r in c["roles"]
        if r["slug"] == "translator"
    )
    assert translator["status"] == "proposed" and translator["objections"] == [vid(uow, "bob")]
