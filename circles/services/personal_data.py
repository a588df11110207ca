"""A volunteer's personal data across every table: shown (``mydata``), moved (``linkme``) and
erased (``forgetme``) through one list of per-table hooks.

A feature that stores volunteer ids adds one ``Hook`` line to ``hooks()``; then a merge rewrites
its references, ``forgetme`` erases them and ``mydata`` shows them, with no other change.
A new table is either named by a hook or listed in ``WITHOUT_PERSONAL_DATA`` with the reason;
a test fails on a table that is neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from circles.actor import Actor
from circles.errors import N_, NotFound, PermissionDenied
from circles.holding import HOLDINGS, ROLE_TERMS
from circles.services import (
    announcements,
    ask_data,
    asks,
    checkins,
    circle_people,
    decisions,
    direct,
    emergent_roles,
    governance_log,
    leadership,
    meetups,
    neighborhood_chats,
    one_time_codes,
    profiles,
    relays,
    role_terms,
    topics,
)
from circles.services.export import FORMAT
from circles.services.neighbors import person_of
from circles.services.one_time_codes import IssuedCode
from circles.services.reminders import DELIVERIES
from circles.unit_of_work import ADMINS, CIRCLES, PREFERENCES, VOLUNTEERS, Session, UnitOfWork

FORGET = "forget"
# Store tables no hook needs to visit, and why. (A storage adapter's own bookkeeping, such as
# TinyDB's ``_meta``, is not a table of the store: no transaction can read or write it.)
WITHOUT_PERSONAL_DATA: Mapping[str, str] = {
    DELIVERIES: "keyed by occurrence, offset and group chat; it never names a volunteer",
    asks.SEQUENCES: "the next ask and offer numbers; no person in it",
    asks.BLOCKS: "digests of blocked accounts, kept after forgetme so a block outlives its "
    "subject's erasure; no name, no identity in clear",
    neighborhood_chats.NEIGHBORHOODS: "neighborhood names and their linked group chats",
}


@dataclass(frozen=True)
class Hook:
    """How one table holds volunteers' data.

    ``forget(s, volunteer_id)`` erases or anonymises it; ``merge(s, from_id, into_id)`` makes
    ``into_id`` own what ``from_id`` owned; ``data_of(s, volunteer_id)`` lists it for ``mydata``
    under the key ``name``. All three work inside an open session and never commit.
    ``tables`` are the store tables the hook looks after.
    """

    name: str
    forget: Callable[[Session, str], object]
    merge: Callable[[Session, str, str], object]
    data_of: Callable[[Session, str], list[dict[str, Any]]]
    tables: tuple[str, ...]


def hooks() -> tuple[Hook, ...]:
    """Every table with volunteer data, in the order they are handled.

    The volunteer record comes last: the hooks before it may read it (preferences are kept by
    identity), and a merge deletes the merged-away record only once nothing points to it.
    """
    return (
        Hook("circles", circle_people.forget_volunteer, circle_people.merge_volunteers,
             circle_people.data_of, (CIRCLES,)),
        Hook("meetups", meetups.forget_volunteer, meetups.merge_volunteers, meetups.data_of,
             (meetups.MEETUPS,)),
        Hook("relays", relays.forget_volunteer, relays.merge_volunteers, relays.data_of,
             (relays.RELAYS,)),
        Hook("checkins", checkins.forget_volunteer, checkins.merge_volunteers, checkins.data_of,
             (checkins.CHECKINS,)),
        Hook("topics", topics.forget_volunteer, topics.merge_volunteers, topics.data_of,
             (topics.TOPICS,)),
        Hook("proposals", emergent_roles.forget_volunteer, emergent_roles.merge_volunteers,
             emergent_roles.data_of, (CIRCLES,)),
        Hook("decisions", decisions.forget_volunteer, decisions.merge_volunteers,
             decisions.data_of, (decisions.DECISIONS,)),
        Hook("role_holdings", role_terms.forget_volunteer, role_terms.merge_volunteers,
             role_terms.data_of, (HOLDINGS, ROLE_TERMS)),
        Hook("governance_log", governance_log.forget_volunteer, governance_log.merge_volunteers,
             governance_log.data_of, (governance_log.LOG,)),
        Hook("admin", leadership.forget_admin, leadership.merge_admin, leadership.admin_data_of,
             (ADMINS,)),
        Hook("private_messages", direct.forget_volunteer, direct.merge_volunteers,
             direct.data_of, (announcements.ANNOUNCEMENTS,)),
        Hook("announcements", announcements.forget_volunteer, announcements.merge_volunteers,
             announcements.data_of, (announcements.ANNOUNCEMENTS,)),
        Hook("codes", one_time_codes.forget_volunteer, one_time_codes.merge_volunteers,
             one_time_codes.data_of, (one_time_codes.CODES,)),
        Hook("asks", ask_data.forget_person, ask_data.merge_person, ask_data.data_of,
             ask_data.TABLES),
        Hook("preferences", profiles.forget_preferences, profiles.merge_preferences,
             profiles.preferences_of, (PREFERENCES,)),
        Hook("volunteers", profiles.forget_volunteer, profiles.merge_volunteers, profiles.data_of,
             (VOLUNTEERS,)),
    )  # fmt: skip


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    for hook in hooks():
        hook.forget(s, volunteer_id)


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    for hook in hooks():
        hook.merge(s, from_id, into_id)


def data_of(s: Session, volunteer_id: str) -> dict[str, list[dict[str, Any]]]:
    return {hook.name: hook.data_of(s, volunteer_id) for hook in hooks()}


def _person_id(s: Session, identity: str) -> str:
    """The volunteer's id, or the light record's of a neighbor who only asked or offered."""
    person = person_of(s, identity)
    if person is None:
        raise PermissionDenied(N_("You have not joined yet: send join first."))
    return person.id


def my_data(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    """Everything stored about the asking volunteer, shaped like the export (``can-bot/1``)."""
    with uow.begin() as s:
        person_id = _person_id(s, actor.identity)
        return {
            "format": FORMAT,
            "exported_at": s.now.isoformat().replace("+00:00", "Z"),
            "network": {"name": s.network.name},
            **data_of(s, person_id),
        }


@dataclass(frozen=True)
class ForgetRequest:
    """The confirmation code for ``forgetme``, and what confirming it will erase."""

    issued: IssuedCode
    roles: int
    checkins: int


def request_forget(uow: UnitOfWork, actor: Actor) -> ForgetRequest:
    """A one-time code that confirms ``forgetme``; nothing is erased yet."""
    with uow.begin() as s:
        person_id = _person_id(s, actor.identity)
        data = data_of(s, person_id)
        issued = one_time_codes.issue(s, person_id, actor.identity, FORGET)
        s.commit()
    roles = sum(len(c["roles"]) for c in data["circles"])
    return ForgetRequest(issued, roles, len(data["checkins"]))


def forget_me(uow: UnitOfWork, actor: Actor, code: str) -> None:
    """Erase the asking volunteer everywhere, if ``code`` is their live confirmation code."""
    with uow.begin() as s:
        person_id = _person_id(s, actor.identity)
        confirmation = one_time_codes.redeem(s, code, FORGET)
        if confirmation.volunteer != person_id:
            # Someone else's code: say no more than for a code that never existed.
            raise NotFound(N_("That code is unknown or has been used already."))
        forget_volunteer(s, person_id)
        s.commit()
    # Past versions of the erased documents may still sit in the store's journal.
    uow.store.compact()
