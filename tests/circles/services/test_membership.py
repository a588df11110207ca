"""Joining, profiles and languages."""

from __future__ import annotations

import pytest

from circles.actor import Actor
from circles.errors import Invalid, PermissionDenied
from circles.services import membership
from circles.unit_of_work import UnitOfWork

ALICE = Actor("console:alice", "alice", language_hint="en-GB")


def test_joining_twice_is_idempotent_and_updates_the_neighborhood(uow: UnitOfWork) -> None:
    first = membership.join(uow, ALICE)
    again = membership.join(uow, ALICE, "新华路")
    assert first.created and not again.created
    assert again.volunteer.id == first.volunteer.id
    assert again.volunteer.neighborhood == "新华路"
    with uow.begin() as s:
        assert s.volunteers.count() == 1


def test_profile_fields_are_cleaned_and_bounded(uow: UnitOfWork) -> None:
    membership.join(uow, ALICE)
    v = membership.update_profile(uow, ALICE, "skills", " Design， print ,design ")
    assert v.skills == ["design", "print"]
    with pytest.raises(Invalid, match="too long"):
        membership.update_profile(uow, ALICE, "mission", "x" * 201)
    with pytest.raises(Invalid, match="must not be empty"):
        membership.update_profile(uow, ALICE, "name", "\x00\u202e")
    with pytest.raises(Invalid, match="Unknown profile field"):
        membership.update_profile(uow, ALICE, "age", "3")
    with uow.begin() as s:
        stored = s.volunteers.by_identity(ALICE.identity)
    assert stored is not None and stored.mission == "" and stored.name == "alice"


def test_profile_needs_a_volunteer(uow: UnitOfWork) -> None:
    with pytest.raises(PermissionDenied):
        membership.update_profile(uow, ALICE, "mission", "help")


def test_language_follows_choice_then_platform_then_network(uow: UnitOfWork) -> None:
    assert membership.reader_of(uow, ALICE).language == "en"
    assert membership.reader_of(uow, Actor("console:x", "x")).language == uow.network.language
    membership.set_language(uow, ALICE, "zh")
    assert membership.reader_of(uow, ALICE).language == "zh"
    membership.join(uow, ALICE)  # a preference set before joining carries over
    assert membership.reader_of(uow, ALICE).language == "zh"
    with pytest.raises(Invalid):
        membership.set_language(uow, ALICE, "fr")
