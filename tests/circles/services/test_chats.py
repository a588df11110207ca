"""Linking chats to circles: the rules of the use case, below any command parsing."""

from __future__ import annotations

import pytest

from circles.actor import Actor
from circles.errors import Conflict, Invalid, NotFound, PermissionDenied
from circles.services.chats import link_chat, move_chat, unlink_chat
from circles.services.membership import join
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

GROUP = "slack:C0123"


def admin_in(chat: str, in_group: bool = True) -> Actor:
    return Actor(identity=ADMIN, name="admin", chat=chat, in_group=in_group)


def test_link_is_idempotent_and_unlink_undoes_it(uow: UnitOfWork) -> None:
    actor = admin_in(GROUP)
    join(uow, actor)
    assert link_chat(uow, actor, "Content").changed
    assert not link_chat(uow, actor, "content").changed
    with uow.begin() as s:
        assert s.circles.require("content").chats == [GROUP]
    assert unlink_chat(uow, actor, "content").changed
    with pytest.raises(Conflict):
        unlink_chat(uow, actor, "content")
    with uow.begin() as s:
        assert s.circles.require("content").chats == []


def test_only_group_chats_may_be_linked(uow: UnitOfWork) -> None:
    join(uow, admin_in("telegram:5", in_group=False))
    with pytest.raises(Invalid):
        link_chat(uow, admin_in("telegram:5", in_group=False), "content")
    with pytest.raises(Invalid):
        link_chat(uow, admin_in("", in_group=True), "content")


def test_strangers_and_unknown_circles_are_refused(uow: UnitOfWork) -> None:
    stranger = Actor(identity="telegram:99", name="x", chat=GROUP, in_group=True)
    with pytest.raises(PermissionDenied):
        link_chat(uow, stranger, "content")  # not even a volunteer
    join(uow, stranger)
    with pytest.raises(PermissionDenied):
        link_chat(uow, stranger, "content")
    join(uow, admin_in(GROUP))
    with pytest.raises(NotFound):
        link_chat(uow, admin_in(GROUP), "nowhere")
    with pytest.raises(NotFound):
        link_chat(uow, admin_in(GROUP), "Not A Slug!")


def test_a_moved_chat_is_followed_by_every_circle_linked_to_it(uow: UnitOfWork) -> None:
    actor = admin_in("telegram:-5")
    join(uow, actor)
    link_chat(uow, actor, "research")
    link_chat(uow, actor, "content")
    link_chat(uow, admin_in("telegram:-1005"), "content")
    assert sorted(move_chat(uow, "telegram:-5", "telegram:-1005")) == ["content", "research"]
    with uow.begin() as s:
        assert s.circles.require("research").chats == ["telegram:-1005"]
        assert s.circles.require("content").chats == ["telegram:-1005"]  # no duplicate
    assert move_chat(uow, "telegram:-5", "telegram:-1005") == []
