"""Splitting a circle like a cell: some of its roles move into a new sub-circle.

The new circle's parent is the split circle; the roles keep their holders, status and proposal
state, and every holder becomes a member of the new circle. Holders move with their roles: one
left holding no role in the parent, and not one of its leads, is no longer its member (the
new circle is where their work now is); one still holding a role there stays. Nobody is made
lead: leads of the parent lead the new circle through the hierarchy until it has its own.
Name and purpose are derived from the roles, in every language they have.
A split must leave at least one role behind: a split makes two working circles, and a circle
emptied of every role would only be a shell (to move a whole circle, propose roles there first).
Refused with nothing changed: an unknown circle, a slug any circle already has, a role of
another circle or an unknown one, a role named twice, moving every role, and anyone who is
not a lead of the circle (or above it) or an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Conflict, Invalid, plural
from circles.model import Circle, Role
from circles.services.announcements import announce
from circles.services.lookup import find_circle, find_role, find_role_of
from circles.text import Localized, pick
from circles.text import slug as check_slug
from circles.unit_of_work import Session, UnitOfWork

MAX_ROLES = 20
# How a circle made of roles is named and described, per language.
NAME = {"zh": "{roles}圈", "en": "{roles} circle"}
JOIN = {"zh": "、", "en": ", "}
PURPOSE = {"zh": "从{parent}分出，承担：{roles}", "en": "Split from {parent} to carry: {roles}"}


@dataclass(frozen=True)
class Split:
    """The parent after the split, the new circle, and who moved with the roles."""

    parent: Circle
    child: Circle
    moved_holders: list[str]


def _role_slugs(s: Session, parent: Circle, refs: list[str]) -> list[str]:
    if not refs:
        raise Invalid(N_("Name at least one role of {circle} to move."), circle=parent.slug)
    if len(refs) > MAX_ROLES:
        raise Invalid(
            plural(
                "At most {limit} role can move in one split.",
                "At most {limit} roles can move in one split.",
                by="limit",
            ),
            limit=MAX_ROLES,
        )
    slugs: list[str] = []
    for ref in refs:
        if "/" in ref.replace("／", "/"):
            circle, role = find_role(s, ref)
            if circle.slug != parent.slug:
                raise Invalid(
                    N_("{ref} is not a role of {circle}: a split moves roles of one circle only."),
                    ref=ref[:40],
                    circle=parent.slug,
                )
        else:
            role = find_role_of(parent, ref)  # unknown roles are refused by name
        role_slug = role.slug
        if role_slug in slugs:
            raise Invalid(N_("The role {role} is named twice."), role=role_slug)
        slugs.append(role_slug)
    if len(slugs) == len(parent.roles):
        raise Conflict(
            N_(
                "A split must leave at least one role in {circle}; move fewer roles, or "
                "propose a new role there first."
            ),
            circle=parent.slug,
        )
    return slugs


def _derived(parent: Circle, roles: list[Role]) -> tuple[Localized, Localized]:
    name: Localized = {}
    purpose: Localized = {}
    for lang in NAME:
        titles = JOIN[lang].join(pick(r.name, lang) or r.slug for r in roles)
        name[lang] = NAME[lang].format(roles=titles)
        purpose[lang] = PURPOSE[lang].format(parent=pick(parent.name, lang), roles=titles)
    return name, purpose


def split_circle(
    uow: UnitOfWork, actor: Actor, circle_slug: str, new_slug: str, role_refs: list[str]
) -> Split:
    """A lead moves the named roles of a circle into a new sub-circle ``new_slug``."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        parent = find_circle(s, circle_slug)
        s.require_lead(volunteer, parent)
        split = split_in(s, parent, new_slug, role_refs)
        s.commit()
        return split


def check_split(s: Session, parent: Circle, new_slug: str, role_refs: list[str]) -> str:
    """Refuse a split that could not be made; returns the new circle's slug."""
    slug = check_slug(new_slug, field="slug")
    if s.circles.get(slug) is not None:
        raise Conflict(N_("There is already a circle '{circle}'."), circle=slug)
    _role_slugs(s, parent, role_refs)
    return slug


def split_in(s: Session, parent: Circle, new_slug: str, role_refs: list[str]) -> Split:
    """The split inside an open session (a lead's command, or a decision that passed)."""
    slug = check_split(s, parent, new_slug, role_refs)
    moving = [parent.role(r) for r in _role_slugs(s, parent, role_refs)]
    name, purpose = _derived(parent, moving)
    child = Circle(slug=slug, name=name, purpose=purpose, parent=parent.slug)
    for role in moving:
        parent.roles.remove(role)
        child.roles.append(role)
        for holder in role.holders:
            child.add_member(holder)
    parent.members = [
        m
        for m in parent.members
        if m not in child.members or m in parent.leads or parent.roles_held_by(m)
    ]
    s.circles.save(parent)
    s.circles.save(child)
    announce(
        s,
        parent.chats,
        N_(
            "🧬 {circle} split: the new circle {child} ({name}) now carries {roles}; their "
            "holders moved with them."
        ),
        buttons=[(N_("See the new circle"), f"circle {slug}")],
        circle=parent.slug,
        child=slug,
        name=name,
        roles=", ".join(r.slug for r in moving),
    )
    return Split(parent, child, list(child.members))
