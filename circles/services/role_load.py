"""Role load: who holds more roles network-wide than one person should carry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import PermissionDenied
from circles.model import Circle
from circles.unit_of_work import Session


@dataclass(frozen=True)
class Load:
    """A volunteer and how many roles they hold across every circle."""

    volunteer_id: str
    name: str
    roles: int


def roles_held(circles: Iterable[Circle]) -> Counter[str]:
    """Roles held per volunteer id, over every circle."""
    return Counter(holder for c in circles for r in c.roles for holder in r.holders)


def may_oversee(s: Session, actor: Actor, circle: Circle) -> bool:
    """Whether the actor may see who in the circle carries too much: its leads, leads of a
    circle above it, and admins."""
    viewer = s.volunteers.by_identity(actor.identity)
    if s.is_admin(viewer, actor.identity):
        return True
    if viewer is None:
        return False
    try:
        s.require_lead(viewer, circle)
    except PermissionDenied:
        return False
    return True


def loads_in(s: Session, circle: Circle, circles: Iterable[Circle]) -> list[Load]:
    """People of ``circle`` holding more roles across ``circles`` than the warning threshold,
    most loaded first."""
    people = {*circle.leads, *circle.members, *(h for r in circle.roles for h in r.holders)}
    held = roles_held(circles)
    limit = s.network.role_load_warning
    names = s.volunteers.names_of(who for who in people if held[who] > limit)
    loads = [Load(who, name, held[who]) for who, name in names.items()]
    return sorted(loads, key=lambda load: (-load.roles, load.name, load.volunteer_id))
