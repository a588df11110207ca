"""Emergent roles: a member proposes a role, a lead accepts or rejects it, members may object.

The 48-hour rule: a proposal nobody objected to stands (becomes active) 48 hours after it was
made; ``settle_proposals`` applies it and is run by the scheduler, so the only state is the
role's own ``status``, ``proposed_at`` and ``objections`` in the store, and a restart changes
nothing. A proposal with an objection waits for a lead's ``accept`` (or ``reject``). Until it is
active a role cannot be claimed or assigned (``Circle.take_role`` refuses it).
Who may do what: members of the circle (and its leads, leads above it, admins) propose and
object; leads of the circle or of a circle above it, and admins, accept and reject; the proposer
may also withdraw their own proposal with ``reject``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from circles.actor import Actor
from circles.decision import BLOCK, NO_OBJECTION, PASSED, ROLE, WITHDRAWN, Position
from circles.errors import N_, Conflict, PermissionDenied
from circles.masking import mask_localized, traces_of
from circles.model import ACTIVE, PROPOSED, Circle, Role, Volunteer
from circles.services import decisions, quotas
from circles.services.announcements import announce
from circles.services.lookup import find_circle
from circles.services.roles import find_role
from circles.text import clean
from circles.text import slug as check_slug
from circles.unit_of_work import Session, UnitOfWork

STANDS_AFTER = timedelta(hours=48)
MAX_NAME = 60
MAX_PURPOSE = 300
# "Name: purpose" (ASCII or full-width colon) or "Name - purpose" splits the free text.
SEPARATOR = re.compile(r"\s*[:：]\s*|\s+[-–—]\s+")


@dataclass(frozen=True)
class Proposal:
    """A role proposal after a change, in its circle, and the volunteer who made the change."""

    circle: Circle
    role: Role
    volunteer: Volunteer


def split_name_purpose(text: str) -> tuple[str, str]:
    """``Translator: turns interviews into English`` -> (name, purpose); no separator: name only."""
    text = clean(text, field="text", max_length=MAX_NAME + MAX_PURPOSE)
    parts = SEPARATOR.split(text, maxsplit=1)
    name = clean(parts[0], field="name", max_length=MAX_NAME)
    purpose = clean(parts[1], field="text", max_length=MAX_PURPOSE) if len(parts) > 1 else ""
    return name, purpose


def stands_at(role: Role) -> datetime | None:
    """When a proposal stands by itself; None once active or while an objection holds it."""
    if role.status != PROPOSED or role.objections or role.proposed_at is None:
        return None
    return role.proposed_at + STANDS_AFTER


def _require_member(s: Session, volunteer: Volunteer, circle: Circle) -> None:
    if volunteer.id in circle.members or decisions.may_lead(s, volunteer, circle):
        return
    raise PermissionDenied(
        N_("Only members of {circle} may do that: claim one of its roles first."),
        circle=circle.slug,
    )


def _proposed(circle: Circle, role: Role) -> Role:
    if role.status != PROPOSED:
        raise Conflict(
            N_("{circle}/{role} is not a proposal: it is already active."),
            circle=circle.slug,
            role=role.slug,
        )
    return role


def propose_role(
    uow: UnitOfWork, actor: Actor, circle_slug: str, role_slug: str, text: str, language: str
) -> Proposal:
    """A member proposes a role; it is announced in the circle's chats."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle = find_circle(s, circle_slug)
        slug = check_slug(role_slug, field="role")
        name, purpose = split_name_purpose(text)
        _require_member(s, volunteer, circle)
        if circle.has_role(slug):
            raise Conflict(
                N_("Circle {circle} already has a role '{role}'."), circle=circle.slug, role=slug
            )
        waiting = sum(
            1
            for c in s.circles.all()
            for r in c.roles
            if r.status == PROPOSED and r.proposed_by == volunteer.id
        )
        quotas.check_proposed_roles(s, volunteer, waiting)
        quotas.check_announcement_rate(s, volunteer)
        role = Role(
            slug=slug,
            name={language: name},
            purpose={language: purpose} if purpose else {},
            status=PROPOSED,
            proposed_by=volunteer.id,
            proposed_at=s.now,
        )
        circle.roles.append(role)
        s.circles.save(circle)
        # The proposal is a decision of kind role under the no-objection rule: the decisions'
        # own closing (``settle_proposals`` and the governance job) makes it stand.
        decisions.open_in(
            s,
            circle,
            volunteer.id,
            name,
            kind=ROLE,
            description=purpose,
            closes_in=STANDS_AFTER,
            rule=NO_OBJECTION,
            role=slug,
            announced=False,
        )
        ref = f"{circle.slug}/{slug}"
        announce(
            s,
            circle.chats,
            N_(
                "🌱 {name} proposes a new role in {circle}: {role} ({title}). It stands in 48 "
                "hours unless a member objects (object {role}); a lead may accept it sooner."
            ),
            buttons=[(N_("Object"), f"object {ref}"), (N_("Accept"), f"accept {ref}")],
            name=volunteer.name,
            circle=circle.slug,
            role=ref,
            title=name,
        )
        s.commit()
        return Proposal(circle, role, volunteer)


def accept_role(uow: UnitOfWork, actor: Actor, ref: str) -> Proposal:
    """A lead makes a proposed role active, objections or not."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        s.require_lead(volunteer, circle)
        _proposed(circle, role).status = ACTIVE
        s.circles.save(circle)
        decisions.settle_linked(s, circle.slug, role.slug, PASSED, volunteer.id, "accepted")
        announce(
            s,
            circle.chats,
            N_("✅ {name} accepted the role {role} ({title}): it can be claimed now."),
            buttons=[(N_("Claim"), f"claim {circle.slug}/{role.slug}")],
            name=volunteer.name,
            role=f"{circle.slug}/{role.slug}",
            title=role.name,
        )
        s.commit()
        return Proposal(circle, role, volunteer)


def object_to_role(uow: UnitOfWork, actor: Actor, ref: str) -> Proposal:
    """A member objects: the proposal no longer stands by itself and waits for a lead."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        _require_member(s, volunteer, circle)
        _proposed(circle, role)
        where = f"{circle.slug}/{role.slug}"
        if volunteer.id == role.proposed_by:
            raise Conflict(
                N_("You proposed {role} yourself: withdraw it with reject {role}."), role=where
            )
        if volunteer.id in role.objections:
            raise Conflict(N_("You already object to {role}."), role=where)
        role.objections.append(volunteer.id)
        s.circles.save(circle)
        linked = decisions.linked_decision(s, circle.slug, role.slug)
        if linked is not None:
            linked.positions[volunteer.id] = Position(BLOCK, "", s.now)
            decisions.save(s, linked)
        announce(
            s,
            circle.chats,
            N_("✋ {name} objects to the proposed role {role}: it now waits for a lead."),
            name=volunteer.name,
            role=where,
        )
        s.commit()
        return Proposal(circle, role, volunteer)


def reject_role(uow: UnitOfWork, actor: Actor, ref: str) -> Proposal:
    """A lead (or the proposer, withdrawing) removes a proposed role."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        _proposed(circle, role)
        if volunteer.id != role.proposed_by:
            s.require_lead(volunteer, circle)
        circle.roles.remove(role)
        s.circles.save(circle)
        decisions.settle_linked(s, circle.slug, role.slug, WITHDRAWN, volunteer.id, "rejected")
        announce(
            s,
            circle.chats,
            N_("❌ {name} rejected the proposed role {role} ({title})."),
            name=volunteer.name,
            role=f"{circle.slug}/{role.slug}",
            title=role.name,
        )
        s.commit()
        return Proposal(circle, role, volunteer)


@dataclass(frozen=True)
class PendingProposal:
    """A proposed role as a reader sees it: when it would stand, who objects."""

    circle: Circle
    role: Role
    stands_at: datetime | None  # None while objections hold it for a lead
    names: dict[str, str]
    # What the reader may do with it, so a button offers only that (set when a reader is named).
    may_accept: bool = False
    may_object: bool = False


def pending_proposals(
    uow: UnitOfWork, circle_slug: str = "", reader: Actor | None = None
) -> list[PendingProposal]:
    """Proposed roles (of one circle, or all), oldest first; what ``reader`` may do with each."""
    with uow.begin() as s:
        viewer = s.volunteers.by_identity(reader.identity) if reader is not None else None
        circles = [find_circle(s, circle_slug)] if circle_slug else s.circles.all()
        found = []
        for circle in circles:
            for role in circle.roles:
                if role.status != PROPOSED:
                    continue
                ids = [role.proposed_by, *role.objections]
                names = s.volunteers.names_of(i for i in ids if i)
                lead = viewer is not None and decisions.may_lead(s, viewer, circle)
                member = viewer is not None and (lead or viewer.id in circle.members)
                may_object = (
                    member
                    and viewer is not None
                    and viewer.id != role.proposed_by
                    and viewer.id not in role.objections
                )
                found.append(
                    PendingProposal(circle, role, stands_at(role), names, lead, may_object)
                )
    return sorted(found, key=lambda p: p.role.proposed_at.isoformat() if p.role.proposed_at else "")


def settle_proposals(uow: UnitOfWork) -> list[str]:
    """Make active every proposal 48 hours old with no objection; returns ``circle/role``s.

    Proposals are decisions of kind role: closing the due decisions settles them. A proposal
    stored before decisions existed has none and follows the same rule here.
    """
    settled = [
        f"{c.decision.circle}/{c.decision.role}"
        for c in decisions.close_due(uow)
        if c.decision.kind == ROLE and c.passed
    ]
    with uow.begin() as s:
        legacy: list[str] = []
        for circle in s.circles.all():
            due = [
                role
                for role in circle.roles
                if role.status == PROPOSED
                and not role.objections
                and role.proposed_at is not None
                and s.now - role.proposed_at >= STANDS_AFTER
                and not decisions.has_decision(s, circle.slug, role.slug)
            ]
            for role in due:
                role.status = ACTIVE
                ref = f"{circle.slug}/{role.slug}"
                legacy.append(ref)
                announce(
                    s,
                    circle.chats,
                    N_(
                        "✅ The role {role} ({title}) stands: 48 hours passed with no objection. "
                        "It can be claimed now."
                    ),
                    buttons=[(N_("Claim"), f"claim {ref}")],
                    role=ref,
                    title=role.name,
                )
            if due:
                s.circles.save(circle)
        if legacy:
            s.commit()
    return settled + legacy


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    """Anonymise a volunteer's proposals and drop their objections.

    A role they proposed stays (others may hold it) but no longer names them: the proposer
    becomes "" and their name and identities are masked in the role's name and purpose. The
    role's slug stays, as circle slugs do (see ``topics``): commands and buttons name it.
    The circle holding such a role is masked too: a split names the new circle after the roles
    it carries ("Helper for Ann circle"), and a split moves a role with its proposer.
    """
    terms = traces_of(s, volunteer_id)
    for circle in s.circles.all():
        changed = False
        for role in circle.roles:
            if role.proposed_by == volunteer_id:
                role.proposed_by, changed = "", True
                role.name = mask_localized(role.name, terms)
                role.purpose = mask_localized(role.purpose, terms)
                circle.name = mask_localized(circle.name, terms)
                circle.purpose = mask_localized(circle.purpose, terms)
            if volunteer_id in role.objections:
                role.objections.remove(volunteer_id)
                changed = True
        if changed:
            s.circles.save(circle)


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Two identities became one volunteer: their proposals and objections follow."""
    for circle in s.circles.all():
        changed = False
        for role in circle.roles:
            if role.proposed_by != from_id and from_id not in role.objections:
                continue
            if role.proposed_by == from_id:
                role.proposed_by = into_id
            merged = [into_id if v == from_id else v for v in role.objections]
            # One person, one objection; and nobody objects to their own proposal.
            role.objections = [v for v in dict.fromkeys(merged) if v != role.proposed_by]
            changed = True
        if changed:
            s.circles.save(circle)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, object]]:
    """The role proposals a volunteer made or objected to."""
    found: list[dict[str, object]] = []
    for circle in sorted(s.circles.all(), key=lambda c: c.slug):
        for role in circle.roles:
            proposed = role.proposed_by == volunteer_id
            objected = volunteer_id in role.objections
            if not (proposed or objected):
                continue
            found.append(
                {
                    "circle": circle.slug,
                    "role": role.slug,
                    "name": dict(role.name),
                    "status": role.status,
                    "proposed_at": role.proposed_at.isoformat() if role.proposed_at else None,
                    "proposed": proposed,
                    "objected": objected,
                }
            )
    return found
