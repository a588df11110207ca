"""Splitting a circle: roles and holders move to a new sub-circle; every refusal changes nothing."""

from __future__ import annotations

import pytest

from circles.actor import Actor
from circles.errors import CanError, Conflict, Invalid, NotFound, PermissionDenied
from circles.holding import holdings_of
from circles.services import emergent_roles
from circles.services.announcements import pending
from circles.services.export import export_network
from circles.services.membership import join
from circles.services.roles import appoint_lead, claim_role
from circles.services.split import split_circle
from circles.unit_of_work import UnitOfWork

LEAD = Actor("console:lena", "Lena")
ALICE = Actor("console:alice", "Alice")
BOB = Actor("console:bob", "Bob")
CHAT = "slack:C1"


def vid(uow: UnitOfWork, actor: Actor) -> str:
    with uow.begin() as s:
        return s.require_volunteer(actor.identity).id


@pytest.fixture
def team(uow: UnitOfWork) -> UnitOfWork:
    for actor in (LEAD, ALICE, BOB):
        join(uow, actor)
    appoint_lead(uow, "research", vid(uow, LEAD))
    claim_role(uow, ALICE, "research/interviewer")
    claim_role(uow, BOB, "research/scenario-mapper")
    with uow.begin() as s:
        research = s.circles.require("research")
        research.chats = [CHAT]
        s.circles.save(research)
        s.commit()
    return uow


def test_a_split_moves_roles_and_holders_into_a_new_sub_circle(team: UnitOfWork) -> None:
    done = split_circle(
        team, LEAD, "research", "listening", ["interviewer", "research/scenario-mapper"]
    )
    with team.begin() as s:
        research = s.circles.require("research")
        child = s.circles.require("listening")
    assert child.parent == "research"
    assert [r.slug for r in child.roles] == ["interviewer", "scenario-mapper"]
    assert child.role("interviewer").holders == [vid(team, ALICE)]
    assert child.members == [vid(team, ALICE), vid(team, BOB)] == done.moved_holders
    assert [r.slug for r in research.roles] == ["tea-house-host"]
    assert research.members == [vid(team, LEAD)]  # holders moved with their roles
    assert child.leads == []  # Lena leads it through research
    assert child.name == {"zh": "访谈员、场景梳理员圈", "en": "Interviewer, Scenario mapper circle"}
    assert child.purpose["en"].startswith("Split from Research circle")
    with team.begin() as s:
        (news,) = pending(s)
        s.require_lead(s.require_volunteer(LEAD.identity), child)
    assert news.chats == (CHAT,) and news.params["child"] == "listening"


def test_a_moved_holder_stays_in_the_parent_while_holding_a_role_or_leading_it(
    team: UnitOfWork,
) -> None:
    claim_role(team, ALICE, "research/tea-house-host")  # Alice keeps a role in research
    with team.begin() as s:
        research = s.circles.require("research")
        research.role("scenario-mapper").capacity = 0
        s.circles.save(research)
        s.commit()
    claim_role(team, LEAD, "research/scenario-mapper")  # Lena leads research
    split_circle(team, LEAD, "research", "listening", ["interviewer", "scenario-mapper"])
    with team.begin() as s:
        research = s.circles.require("research")
        listening = s.circles.require("listening")
    alice, bob, lena = (vid(team, a) for a in (ALICE, BOB, LEAD))
    assert set(listening.members) == {alice, bob, lena}
    assert set(research.members) == {alice, lena}  # Bob held only what moved


def test_a_proposed_role_moves_with_its_proposal_state(team: UnitOfWork) -> None:
    emergent_roles.propose_role(team, ALICE, "research", "translator", "Translator", "en")
    emergent_roles.object_to_role(team, BOB, "research/translator")
    split_circle(team, LEAD, "research", "listening", ["translator"])
    with team.begin() as s:
        moved = s.circles.require("listening").role("translator")
    assert moved.status == "proposed" and moved.objections == [vid(team, BOB)]


@pytest.mark.parametrize(
    ("actor", "circle", "slug", "roles", "error"),
    [
        (LEAD, "nowhere", "listening", ["interviewer"], NotFound),
        (LEAD, "research", "practice", ["interviewer"], Conflict),  # a slug in use
        (LEAD, "research", "research", ["interviewer"], Conflict),
        (LEAD, "research", "Bad Slug", ["interviewer"], Invalid),
        (LEAD, "research", "listening", ["practice/kit-tester"], Invalid),  # another circle's
        (LEAD, "research", "listening", ["kit-tester"], NotFound),  # not a role of research
        (LEAD, "research", "listening", ["interviewer", "research/interviewer"], Invalid),
        (LEAD, "research", "listening", [], Invalid),
        (
            LEAD,
            "research",
            "listening",
            ["interviewer", "scenario-mapper", "tea-house-host"],
            Conflict,
        ),
        (ALICE, "research", "listening", ["interviewer"], PermissionDenied),  # not a lead
        (
            Actor("console:ghost", "Ghost"),
            "research",
            "listening",
            ["interviewer"],
            PermissionDenied,
        ),
    ],
)
def test_refusals_change_nothing(
    team: UnitOfWork,
    actor: Actor,
    circle: str,
    slug: str,
    roles: list[str],
    error: type[CanError],
) -> None:
    before = export_network(team)
    with pytest.raises(error):
        split_circle(team, actor, circle, slug, roles)
    assert export_network(team) == before
    with team.begin() as s:
        assert pending(s) == []


def test_a_lead_above_may_split_and_so_may_an_admin(team: UnitOfWork) -> None:
    top = Actor("console:nina", "Nina")
    join(team, top)
    appoint_lead(team, "network", vid(team, top))
    split_circle(team, top, "research", "listening", ["interviewer"])
    admin = Actor("console:admin", "Admin")
    join(team, admin)
    with pytest.raises(Conflict, match="at least one role"):
        split_circle(team, admin, "listening", "deep-listening", ["interviewer"])
    split_circle(team, admin, "research", "mapping", ["scenario-mapper"])
    with team.begin() as s:
        assert s.circles.require("mapping").parent == "research"


def test_a_split_keeps_each_holder_s_holding_open_under_the_new_circle(
    team: UnitOfWork,
) -> None:
    """The holding closed as a role leaves research is the one reopened as it joins the new
    circle: the same id and ``since``, never a second record, never a gap."""
    alice = vid(team, ALICE)
    with team.begin() as s:
        (before,) = holdings_of(s.tx, alice)
    split_circle(team, LEAD, "research", "listening", ["interviewer"])
    with team.begin() as s:
        (after,) = holdings_of(s.tx, alice)
    assert (after.id, after.since, after.until) == (before.id, before.since, None)
    assert (after.circle, after.role) == ("listening", "interviewer")
