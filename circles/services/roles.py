"""Claiming, releasing, assigning and unassigning roles, and the views of who holds what."""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Conflict, Invalid, NotFound
from circles.model import Circle, Role, Volunteer
from circles.services import lookup
from circles.unit_of_work import Session, UnitOfWork


@dataclass(frozen=True)
class RoleChange:
    """A role after a change, with the circle it belongs to and the volunteer it concerned."""

    circle: Circle
    role: Role
    volunteer: Volunteer


def find_role(s: Session, ref: str) -> tuple[Circle, Role]:
    """Resolve ``circle/role`` or a bare role, each part a slug, a name or a prefix."""
    return lookup.find_role(s, ref)


def find_volunteer(s: Session, ref: str) -> Volunteer:
    """A volunteer by id, identity, or a display name that only one volunteer has."""
    ref = ref.strip().lstrip("@")
    volunteer = s.volunteers.get(ref) or s.volunteers.by_identity(ref)
    if volunteer is not None:
        return volunteer
    named = [v for v in s.volunteers.all() if v.name.casefold() == ref.casefold()]
    if len(named) == 1:
        return named[0]
    if not named:
        raise NotFound(N_("No volunteer is called '{name}'."), name=ref[:40])
    raise Invalid(
        N_("Several volunteers are called '{name}': use one of their ids: {ids}."),
        name=ref[:40],
        ids=", ".join(sorted(v.id for v in named)),
    )


def claim_role(uow: UnitOfWork, actor: Actor, ref: str) -> RoleChange:
    """Take a role yourself; capacity and status are enforced, and you join its circle."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        role = circle.take_role(role.slug, volunteer.id)
        s.circles.save(circle)
        s.commit()
        return RoleChange(circle, role, volunteer)


def release_role(uow: UnitOfWork, actor: Actor, ref: str) -> RoleChange:
    """Give up a role you hold."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        if volunteer.id not in role.holders:
            raise Conflict(
                N_("You do not hold {circle}/{role}."), circle=circle.slug, role=role.slug
            )
        role = circle.drop_role(role.slug, volunteer.id)
        s.circles.save(circle)
        s.commit()
        return RoleChange(circle, role, volunteer)


def assign_role(uow: UnitOfWork, actor: Actor, ref: str, who: str) -> RoleChange:
    """A lead gives a role to a volunteer (capacity still holds)."""
    return _change_holder(uow, actor, ref, who, give=True)


def unassign_role(uow: UnitOfWork, actor: Actor, ref: str, who: str) -> RoleChange:
    """A lead removes a holder from a role."""
    return _change_holder(uow, actor, ref, who, give=False)


def _change_holder(uow: UnitOfWork, actor: Actor, ref: str, who: str, *, give: bool) -> RoleChange:
    with uow.begin() as s:
        lead = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        s.require_lead(lead, circle)
        volunteer = find_volunteer(s, who)
        if give:
            role = circle.take_role(role.slug, volunteer.id)
        else:
            role = circle.drop_role(role.slug, volunteer.id)
        s.circles.save(circle)
        s.commit()
        return RoleChange(circle, role, volunteer)


@dataclass(frozen=True)
class HeldRole:
    circle: Circle
    role: Role


def roles_of(uow: UnitOfWork, actor: Actor) -> tuple[Volunteer, list[HeldRole]]:
    """The asking volunteer and every role they hold."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
    held = [
        HeldRole(circle, role)
        for circle in uow.circles_view().circles
        for role in circle.roles_held_by(volunteer.id)
    ]
    return volunteer, held


def open_roles(uow: UnitOfWork, actor: Actor, skill: str = "") -> list[HeldRole]:
    """Roles with room, those matching the skill asked for (or your skills) first."""
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(actor.identity)
        wanted = [skill.lower()] if skill else (volunteer.skills if volunteer else [])
    found = [HeldRole(c, r) for c in uow.circles_view().circles for r in c.roles if r.is_open]

    def matches(item: HeldRole) -> int:
        text = " ".join(
            [item.role.slug, *item.role.name.values(), *item.role.purpose.values()]
        ).lower()
        return sum(1 for tag in wanted if tag and tag in text)

    if skill:
        found = [item for item in found if matches(item)]
    return sorted(found, key=lambda item: (-matches(item), item.circle.slug, item.role.slug))


def circle_tree(uow: UnitOfWork) -> list[tuple[int, Circle]]:
    """Every circle with its depth, parents before children, siblings by slug (read-only)."""
    return list(uow.circles_view().tree)


def appoint_lead(uow: UnitOfWork, circle_slug: str, volunteer_id: str) -> Circle:
    """Make a volunteer a lead of a circle (and so a member); used by setup and admins."""
    with uow.begin() as s:
        circle = s.circles.require(circle_slug)
        if s.volunteers.get(volunteer_id) is None:
            raise NotFound(N_("No volunteer is called '{name}'."), name=volunteer_id)
        if volunteer_id not in circle.leads:
            circle.leads.append(volunteer_id)
        circle.add_member(volunteer_id)
        s.circles.save(circle)
        s.commit()
        return circle
