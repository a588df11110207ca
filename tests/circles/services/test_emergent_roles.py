"""Emergent roles: who proposes, accepts, objects and rejects; the 48-hour rule across restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.bootstrap import build_runtime
from bot.config import Config, StorageConfig
from circles.actor import Actor
from circles.clock import FixedClock
from circles.errors import Conflict, Invalid, NotFound, PermissionDenied
from circles.model import ACTIVE, PROPOSED
from circles.network import Network
from circles.services import emergent_roles as er
from circles.services.announcements import pending
from circles.services.membership import join
from circles.services.roles import appoint_lead, assign_role, claim_role
from circles.services.split import split_circle
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

LEAD = Actor("console:lena", "Lena")
ALICE = Actor("console:alice", "Alice")
BOB = Actor("console:bob", "Bob")
OUTSIDER = Actor("console:olga", "Olga")
CHAT = "telegram:-100"


def vid(uow: UnitOfWork, actor: Actor) -> str:
    with uow.begin() as s:
        return s.require_volunteer(actor.identity).id


@pytest.fixture
def team(uow: UnitOfWork) -> UnitOfWork:
    """Lena leads research; Alice and Bob are members (they hold roles); Olga is no member."""
    for actor in (LEAD, ALICE, BOB, OUTSIDER):
        join(uow, actor)
    appoint_lead(uow, "research", vid(uow, LEAD))
    claim_role(uow, ALICE, "research/interviewer")
    claim_role(uow, BOB, "research/tea-house-host")
    with uow.begin() as s:
        research = s.circles.require("research")
        research.chats = [CHAT]
        s.circles.save(research)
        s.commit()
    return uow


def status(uow: UnitOfWork, circle: str, role: str) -> str:
    with uow.begin() as s:
        return s.circles.require(circle).role(role).status


def propose(uow: UnitOfWork, actor: Actor = ALICE, slug: str = "translator") -> er.Proposal:
    return er.propose_role(
        uow, actor, "research", slug, "Translator: turns interviews into English", "en"
    )


def test_a_member_proposes_a_role_that_is_proposed_and_announced(team: UnitOfWork) -> None:
    made = propose(team)
    assert made.role.status == PROPOSED
    assert made.role.name == {"en": "Translator"}
    assert made.role.purpose == {"en": "turns interviews into English"}
    assert made.role.proposed_by == vid(team, ALICE)
    assert made.role.proposed_at == team.clock.now()
    with team.begin() as s:
        (news,) = pending(s)
    assert news.chats == (CHAT,)
    assert news.params["role"] == "research/translator"
    assert ("Object", "object research/translator") in news.buttons


def test_name_and_purpose_split_at_a_colon_or_a_dash_and_a_bare_name_has_no_purpose() -> None:
    assert er.split_name_purpose("翻译：把访谈翻成英文") == ("翻译", "把访谈翻成英文")
    assert er.split_name_purpose("Scout - finds empty lots") == ("Scout", "finds empty lots")
    assert er.split_name_purpose("Night-owl helper") == ("Night-owl helper", "")


def test_who_may_propose(team: UnitOfWork) -> None:
    with pytest.raises(PermissionDenied):
        propose(team, OUTSIDER)
    propose(team, LEAD, "lead-idea")  # leads may, though they hold no role there
    join(team, Actor(ADMIN, "Admin"))
    propose(team, Actor(ADMIN, "Admin"), "admin-idea")
    with pytest.raises(Conflict):
        propose(team, BOB, "interviewer")  # a role slug the circle already has
    with pytest.raises(Invalid):
        propose(team, BOB, "Bad Slug")
    with pytest.raises(NotFound):
        er.propose_role(team, BOB, "nowhere", "x", "X", "en")


def test_a_proposed_role_cannot_be_claimed_or_assigned_until_accepted(team: UnitOfWork) -> None:
    propose(team)
    with pytest.raises(Conflict, match="only proposed"):
        claim_role(team, BOB, "research/translator")
    with pytest.raises(Conflict, match="only proposed"):
        assign_role(team, LEAD, "research/translator", "Bob")
    er.accept_role(team, LEAD, "research/translator")
    assert claim_role(team, BOB, "research/translator").role.holders == [vid(team, BOB)]


def test_only_leads_accept_and_a_role_is_accepted_once(team: UnitOfWork) -> None:
    propose(team)
    with pytest.raises(PermissionDenied):
        er.accept_role(team, BOB, "research/translator")
    er.accept_role(team, LEAD, "research/translator")
    assert status(team, "research", "translator") == ACTIVE
    with pytest.raises(Conflict, match="already active"):
        er.accept_role(team, LEAD, "research/translator")


def test_a_lead_of_a_circle_above_may_accept(team: UnitOfWork) -> None:
    top = Actor("console:nina", "Nina")
    join(team, top)
    appoint_lead(team, "network", vid(team, top))
    propose(team)
    er.accept_role(team, top, "research/translator")
    assert status(team, "research", "translator") == ACTIVE


def test_the_proposal_stands_after_exactly_48_hours(team: UnitOfWork, clock: FixedClock) -> None:
    propose(team)
    clock.advance(timedelta(hours=47, minutes=59))
    assert er.settle_proposals(team) == []
    assert status(team, "research", "translator") == PROPOSED
    clock.advance(timedelta(minutes=1))
    assert er.settle_proposals(team) == ["research/translator"]
    assert status(team, "research", "translator") == ACTIVE
    assert er.settle_proposals(team) == []  # once
    with team.begin() as s:
        last = pending(s)[-1]
    assert "48 hours" in last.message and last.chats == (CHAT,)


def test_an_objection_blocks_the_48_hour_rule_until_a_lead_accepts(
    team: UnitOfWork, clock: FixedClock
) -> None:
    propose(team)
    er.object_to_role(team, BOB, "research/translator")
    clock.advance(timedelta(days=30))
    assert er.settle_proposals(team) == []
    assert status(team, "research", "translator") == PROPOSED
    er.accept_role(team, LEAD, "research/translator")
    assert status(team, "research", "translator") == ACTIVE


def test_objection_rules(team: UnitOfWork) -> None:
    propose(team)
    with pytest.raises(Conflict, match="yourself"):
        er.object_to_role(team, ALICE, "research/translator")
    with pytest.raises(PermissionDenied):
        er.object_to_role(team, OUTSIDER, "research/translator")
    er.object_to_role(team, BOB, "research/translator")
    with pytest.raises(Conflict, match="already object"):
        er.object_to_role(team, BOB, "research/translator")
    with pytest.raises(Conflict, match="already active"):
        er.object_to_role(team, BOB, "research/interviewer")


def test_a_lead_rejects_and_the_proposer_withdraws(team: UnitOfWork) -> None:
    propose(team)
    with pytest.raises(PermissionDenied):
        er.reject_role(team, BOB, "research/translator")
    er.reject_role(team, LEAD, "research/translator")
    with team.begin() as s:
        assert not s.circles.require("research").has_role("translator")
    propose(team)
    er.reject_role(team, ALICE, "research/translator")  # the proposer withdraws
    with team.begin() as s:
        assert not s.circles.require("research").has_role("translator")
    with pytest.raises(Conflict):
        er.reject_role(team, LEAD, "research/interviewer")  # active roles are not rejected


def test_pending_proposals_say_when_they_stand(team: UnitOfWork, clock: FixedClock) -> None:
    propose(team)
    propose(team, BOB, "archivist")
    er.object_to_role(team, ALICE, "research/archivist")
    first, second = er.pending_proposals(team, "research")
    assert first.stands_at == clock.now() + timedelta(hours=48)
    assert second.stands_at is None and second.names[vid(team, ALICE)] == "Alice"
    assert er.pending_proposals(team, "practice") == []


def test_the_48_hour_rule_survives_a_restart(tmp_path: Path, clock: FixedClock) -> None:
    config = Config(
        network=Network(language="en", admins=frozenset({ADMIN})),
        storage=StorageConfig(url=f"tinydb://{tmp_path / 'can.json'}"),
    )
    first = build_runtime(config, clock=clock)
    try:
        for actor in (ALICE, BOB):
            join(first.uow, actor)
        claim_role(first.uow, ALICE, "research/interviewer")
        claim_role(first.uow, BOB, "research/tea-house-host")
        propose(first.uow)
        propose(first.uow, BOB, "archivist")
        er.object_to_role(first.uow, ALICE, "research/archivist")
        clock.advance(timedelta(hours=47, minutes=59))
        assert er.settle_proposals(first.uow) == []
    finally:
        first.close()
    clock.advance(timedelta(minutes=1))
    second = build_runtime(config, clock=clock)  # a new process: only the store remembers
    try:
        assert er.settle_proposals(second.uow) == ["research/translator"]
        assert status(second.uow, "research", "translator") == ACTIVE
        assert status(second.uow, "research", "archivist") == PROPOSED  # the objection held
    finally:
        second.close()


def test_forgetting_anonymises_proposals_and_drops_objections(team: UnitOfWork) -> None:
    propose(team)
    propose(team, BOB, "archivist")
    er.object_to_role(team, ALICE, "research/archivist")
    alice = vid(team, ALICE)
    with team.begin() as s:
        assert len(er.data_of(s, alice)) == 2
        er.forget_volunteer(s, alice)
        s.commit()
    with team.begin() as s:
        research = s.circles.require("research")
        assert research.role("translator").proposed_by == ""
        assert research.role("archivist").objections == []
        assert er.data_of(s, alice) == []


def test_forgetting_masks_the_proposer_in_the_roles_they_proposed(team: UnitOfWork) -> None:
    er.propose_role(team, ALICE, "research", "helper", "Helper for Alice: console:alice", "en")
    er.accept_role(team, LEAD, "research/helper")  # active roles keep their proposer too
    er.propose_role(team, BOB, "research", "scribe", "Scribe: notes for Alice", "en")
    with team.begin() as s:
        er.forget_volunteer(s, vid(team, ALICE))
        s.commit()
    with team.begin() as s:
        research = s.circles.require("research")
    helper, scribe = research.role("helper"), research.role("scribe")
    assert (helper.name, helper.purpose) == ({"en": "Helper for ***"}, {"en": "***"})
    assert helper.status == ACTIVE and helper.proposed_by == ""
    assert scribe.purpose == {"en": "notes for Alice"}  # Bob's words stay as he wrote them


def test_forgetting_masks_a_circle_split_off_with_the_roles_they_proposed(
    team: UnitOfWork,
) -> None:
    er.propose_role(team, ALICE, "research", "helper", "Helper for Alice: helps", "en")
    er.accept_role(team, LEAD, "research/helper")
    split_circle(team, LEAD, "research", "helpers", ["helper"])
    with team.begin() as s:
        assert s.circles.require("helpers").name["en"] == "Helper for Alice circle"
        er.forget_volunteer(s, vid(team, ALICE))
        s.commit()
    with team.begin() as s:
        helpers, research = s.circles.require("helpers"), s.circles.require("research")
    assert helpers.name["en"] == "Helper for *** circle"
    assert "Alice" not in helpers.purpose["en"]
    assert "***" not in research.name["en"]  # the parent holds none of her roles now


def test_merging_moves_proposals_and_objections_without_doubles(team: UnitOfWork) -> None:
    propose(team)  # by Alice
    propose(team, LEAD, "archivist")
    er.object_to_role(team, ALICE, "research/archivist")
    er.object_to_role(team, BOB, "research/archivist")
    er.object_to_role(team, BOB, "research/translator")
    alice, bob = vid(team, ALICE), vid(team, BOB)
    with team.begin() as s:
        er.merge_volunteers(s, alice, bob)  # Alice and Bob turn out to be one person
        s.commit()
    with team.begin() as s:
        research = s.circles.require("research")
        assert research.role("archivist").objections == [bob]  # one person, one objection
        translator = research.role("translator")
        assert translator.proposed_by == bob and translator.objections == []  # not their own
        (record,) = [d for d in er.data_of(s, bob) if d["role"] == "translator"]
        assert record["proposed"] is True and record["objected"] is False
        assert er.data_of(s, alice) == []
