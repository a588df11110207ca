"""Linking identities across platforms: one volunteer asks for a code on one platform and
types it on another, and the two identities become one volunteer."""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Conflict
from circles.model import Volunteer
from circles.services import one_time_codes
from circles.services.one_time_codes import IssuedCode
from circles.services.personal_data import merge_volunteers
from circles.unit_of_work import PREFERENCES, Session, UnitOfWork

LINK = "link"


def platform_of(identity: str) -> str:
    return identity.partition(":")[0]


def request_link_code(uow: UnitOfWork, actor: Actor) -> IssuedCode:
    """A one-time code that links another platform's identity to the asking volunteer."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        issued = one_time_codes.issue(s, volunteer.id, actor.identity, LINK)
        s.commit()
    return issued


@dataclass(frozen=True)
class Linked:
    """The volunteer after linking, and whether two volunteers became one (else: attached)."""

    volunteer: Volunteer
    merged: bool


@dataclass(frozen=True)
class LinkPreview:
    """Which account a code would join, shown before anything is joined: a code someone else
    made (and talked you into typing) would make your account part of theirs."""

    owner: Volunteer
    current: Volunteer | None  # this account's own volunteer, merged into the owner's

    @property
    def platforms(self) -> list[str]:
        return sorted({platform_of(i) for i in self.owner.identities})


def _redeemable(s: Session, actor: Actor, code: str) -> tuple[Volunteer, Volunteer | None]:
    """The owner of a live link code and the actor's own volunteer; the code is deleted in the
    session (so only a commit uses it up)."""
    stored = one_time_codes.redeem(s, code, LINK)
    owner = s.volunteers.get(stored.volunteer)
    if owner is None:  # the volunteer asked to be forgotten since; their codes went too
        raise Conflict(N_("That code is unknown or has been used already."))
    if stored.platform == platform_of(actor.identity):
        raise Conflict(
            N_(
                "That code was made on {platform}: send it from your account on another "
                "platform, not from {platform} again."
            ),
            platform=stored.platform,
        )
    current = s.volunteers.by_identity(actor.identity)
    if current is not None and current.id == owner.id:
        raise Conflict(N_("This account is already linked to you."))
    return owner, current


def preview_link(uow: UnitOfWork, actor: Actor, code: str) -> LinkPreview:
    """What redeeming ``code`` would do; nothing is changed and the code stays usable."""
    with uow.begin() as s:
        owner, current = _redeemable(s, actor, code)
        return LinkPreview(owner, current)


def link_identity(uow: UnitOfWork, actor: Actor, code: str) -> Linked:
    """Redeem a link code from another platform: merge with, or attach to, its volunteer."""
    with uow.begin() as s:
        owner, current = _redeemable(s, actor, code)
        linked = _attach(s, owner, actor.identity) if current is None else _merge(s, owner, current)
        s.commit()
        return linked


def _attach(s: Session, owner: Volunteer, identity: str) -> Linked:
    """An identity that never joined simply becomes one more way to reach ``owner``."""
    preference = s.tx.get(PREFERENCES, identity)
    if preference is not None:
        owner.language = owner.language or str(preference.get("language", ""))
        s.tx.delete(PREFERENCES, identity)
    owner.identities.append(identity)
    s.volunteers.save(owner)
    return Linked(owner, merged=False)


def _merge(s: Session, first: Volunteer, second: Volunteer) -> Linked:
    """Two volunteers become one: the one who joined first keeps its id, the other is rewritten
    into it everywhere and deleted."""
    keep, drop = sorted((first, second), key=lambda v: (v.joined_at, v.id))
    merge_volunteers(s, drop.id, keep.id)
    return Linked(s.volunteers.get(keep.id) or keep, merged=True)
