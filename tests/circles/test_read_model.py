"""The circles read model: decoded once per store revision, never stale after a commit."""

from __future__ import annotations

from circles.actor import Actor
from circles.model import Circle
from circles.read_model import CirclesView
from circles.services import membership, roles
from circles.unit_of_work import UnitOfWork


def test_the_view_is_reused_while_nothing_is_committed(uow: UnitOfWork) -> None:
    first = uow.circles_view()
    assert uow.circles_view() is first
    with uow.begin() as s:
        s.circles.require("research")  # a read-only transaction changes no revision
    assert uow.circles_view() is first


def test_a_commit_through_any_path_is_seen_by_the_next_read(uow: UnitOfWork) -> None:
    before = uow.circles_view()
    alice = Actor("console:alice", "Alice")
    membership.join(uow, alice)
    roles.claim_role(uow, alice, "research/interviewer")
    after = uow.circles_view()
    assert after.revision > before.revision
    holders = after.by_slug["research"].role("interviewer").holders
    assert len(holders) == 1
    assert before.by_slug["research"].role("interviewer").holders == []  # the old view stands


def test_a_write_made_directly_in_the_store_is_seen_too(uow: UnitOfWork) -> None:
    uow.circles_view()
    with uow.begin() as s:
        s.circles.save(Circle("listening", {"en": "Listening"}, {}, "research"))
        s.commit()
    view = uow.circles_view()
    assert view.get("listening") is not None
    assert [c.slug for c in view.children_of("research")] == ["listening"]


def test_tree_order_puts_parents_first_and_keeps_orphans() -> None:
    view = CirclesView(
        1,
        (
            Circle("b", {}, {}, "network"),
            Circle("network", {}, {}, None),
            Circle("a", {}, {}, "network"),
            Circle("lost", {}, {}, "gone"),
        ),
    )
    assert [(depth, c.slug) for depth, c in view.tree] == [
        (0, "network"),
        (1, "a"),
        (1, "b"),
        (0, "lost"),
    ]
