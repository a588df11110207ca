"""Claiming, releasing, assigning: capacity, permissions, membership, and concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from circles.actor import Actor
from circles.clock import FixedClock
from circles.errors import Conflict, Invalid, NotFound, PermissionDenied
from circles.network import Network
from circles.services import membership
from circles.services import roles as svc
from circles.services.network_setup import ensure_seeded
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

ALICE = Actor("console:alice", "alice")
BOB = Actor("console:bob", "bob")


def joined(uow: UnitOfWork, *actors: Actor) -> None:
    for actor in actors:
        membership.join(uow, actor)


def holders(uow: UnitOfWork, circle: str, role: str) -> list[str]:
    with uow.begin() as s:
        return s.circles.require(circle).role(role).holders


def test_the_five_root_circles_are_seeded_once_with_bilingual_roles(uow: UnitOfWork) -> None:
    assert ensure_seeded(uow) is False
    tree = svc.circle_tree(uow)
    slugs = [c.slug for depth, c in tree if depth == 1]
    assert sorted(slugs) == ["connect", "content", "practice", "product", "research"]
    for _, circle in tree[1:]:
        assert 2 <= len(circle.roles) <= 4
        for role in circle.roles:
            assert role.name["zh"] and role.name["en"] and role.purpose["zh"]
            assert role.accountabilities and all(a["zh"] and a["en"] for a in role.accountabilities)
        assert circle.leads == []


def test_claiming_makes_you_holder_and_member(uow: UnitOfWork) -> None:
    joined(uow, ALICE)
    change = svc.claim_role(uow, ALICE, "research/interviewer")
    assert change.role.holders == [change.volunteer.id]
    with uow.begin() as s:
        assert change.volunteer.id in s.circles.require("research").members


def test_a_bare_role_name_resolves_when_unique(uow: UnitOfWork) -> None:
    joined(uow, ALICE)
    assert svc.claim_role(uow, ALICE, "interviewer").circle.slug == "research"


def test_capacity_is_enforced_and_nothing_changes(uow: UnitOfWork) -> None:
    joined(uow, ALICE, BOB)
    svc.claim_role(uow, ALICE, "research/interviewer")
    before = holders(uow, "research", "interviewer")
    with pytest.raises(Conflict, match="full"):
        svc.claim_role(uow, BOB, "research/interviewer")
    assert holders(uow, "research", "interviewer") == before


def test_unlimited_capacity_takes_everyone(uow: UnitOfWork) -> None:
    people = [Actor(f"console:p{i}", f"p{i}") for i in range(10)]
    joined(uow, *people)
    for person in people:
        svc.claim_role(uow, person, "practice/neighborhood-captain")
    assert len(holders(uow, "practice", "neighborhood-captain")) == 10


def test_claiming_needs_joining_first(uow: UnitOfWork) -> None:
    with pytest.raises(PermissionDenied, match="join"):
        svc.claim_role(uow, ALICE, "research/interviewer")


@pytest.mark.parametrize(
    ("ref", "error"),
    [
        ("nope/interviewer", NotFound),
        ("research/nope", NotFound),
        ("nope", NotFound),
        ("a/b/c", Invalid),
        ("", Invalid),
    ],
)
def test_bad_role_references_are_refused(uow: UnitOfWork, ref: str, error: type) -> None:
    joined(uow, ALICE)
    with pytest.raises(error):
        svc.claim_role(uow, ALICE, ref)


def test_release_gives_the_role_back(uow: UnitOfWork) -> None:
    joined(uow, ALICE, BOB)
    svc.claim_role(uow, ALICE, "research/interviewer")
    svc.release_role(uow, ALICE, "research/interviewer")
    svc.claim_role(uow, BOB, "research/interviewer")
    with pytest.raises(Conflict):
        svc.release_role(uow, ALICE, "research/interviewer")


def test_only_leads_and_admins_assign(uow: UnitOfWork) -> None:
    admin = Actor(ADMIN, "admin")
    joined(uow, ALICE, BOB, admin)
    with pytest.raises(PermissionDenied):
        svc.assign_role(uow, ALICE, "research/interviewer", "bob")
    svc.assign_role(uow, admin, "research/interviewer", "bob")
    with uow.begin() as s:
        alice = s.volunteers.by_identity(ALICE.identity)
    assert alice is not None
    svc.appoint_lead(uow, "research", alice.id)
    change = svc.unassign_role(uow, ALICE, "research/interviewer", "bob")
    assert change.role.holders == []


def test_a_lead_of_a_parent_circle_may_lead_its_children(uow: UnitOfWork) -> None:
    joined(uow, ALICE, BOB)
    with uow.begin() as s:
        alice = s.volunteers.by_identity(ALICE.identity)
    assert alice is not None
    svc.appoint_lead(uow, "network", alice.id)
    assert svc.assign_role(uow, ALICE, "content/storyteller", "bob").volunteer.name == "bob"


def test_assigning_to_an_unknown_or_ambiguous_name_is_refused(uow: UnitOfWork) -> None:
    admin = Actor(ADMIN, "admin")
    joined(uow, admin, Actor("console:b1", "Sam"), Actor("console:b2", "sam"))
    with pytest.raises(NotFound):
        svc.assign_role(uow, admin, "research/interviewer", "nobody")
    with pytest.raises(Invalid, match="Several volunteers"):
        svc.assign_role(uow, admin, "research/interviewer", "Sam")
    assert svc.assign_role(uow, admin, "research/interviewer", "console:b2").volunteer.name == "sam"


def test_open_roles_put_matching_skills_first(uow: UnitOfWork) -> None:
    joined(uow, ALICE)
    membership.update_profile(uow, ALICE, "skills", "design")
    found = svc.open_roles(uow, ALICE)
    assert found[0].role.slug == "kit-designer"
    matched = [i.role.slug for i in svc.open_roles(uow, ALICE, "interview")]
    assert matched[0] == "interviewer" and "scenario-mapper" in matched  # "turn interviews..."
    assert "kit-designer" not in matched


def test_a_hundred_concurrent_claims_leave_one_holder(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "can.json")
    uow = UnitOfWork(store, FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), Network())
    ensure_seeded(uow)
    people = [Actor(f"console:p{i}", f"p{i}") for i in range(100)]
    joined(uow, *people)
    outcomes: list[str] = []
    start = threading.Barrier(len(people))

    def claim(actor: Actor) -> None:
        start.wait()
        try:
            svc.claim_role(uow, actor, "research/interviewer")
            outcomes.append("held")
        except Conflict as error:
            assert "full" in str(error)
            outcomes.append("refused")

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("held") == 1
    assert outcomes.count("refused") == 99
    store.close()
    reopened = TinyDBStore(tmp_path / "can.json")
    uow2 = UnitOfWork(reopened, FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), Network())
    assert len(holders(uow2, "research", "interviewer")) == 1
    reopened.close()
