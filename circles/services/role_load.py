"""Role load: who holds more roles network-wide than one person should carry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import PermissionDenied
from circles.model import Circle
from circles.services.lookup import find_circle_in
from circles.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Load:
    """A volunteer and how many roles they hold across every circle."""

    volunteer_id: str
    name: str
    roles: int


def roles_held(circles: Iterable[Circle]) -> Counter[str]:
    """Roles held per volunteer id, over every circle."""
    return Counter(holder for c in circles for r in c.roles for holder in r.holders)


def overloaded_in(uow: UnitOfWork, actor: Actor, slug: str) -> list[Load] | None:
    """People of circle ``slug`` holding more than the warning threshold of roles network-wide,
    most loaded first; None when the actor may not see it (only its leads, leads above it and
    admins may)."""
    view = uow.circles_view()  # the counts come from the revision's read model: no decoding
    with uow.begin() as s:
        circle = find_circle_in(view, slug)
        viewer = s.volunteers.by_identity(actor.identity)
        if not s.is_admin(viewer, actor.identity):
            if viewer is None:
                return None
            try:
                s.require_lead(viewer, circle)
            except PermissionDenied:
                return None
        people = {*circle.leads, *circle.members, *(h for r in circle.roles for h in r.holders)}
        held = roles_held(view.circles)
        limit = s.network.role_load_warning
        names = s.volunteers.names_of(who for who in people if held[who] > limit)
        loads = [Load(who, name, held[who]) for who, name in names.items()]
    return sorted(loads, key=lambda load: (-load.roles, load.name, load.volunteer_id))
