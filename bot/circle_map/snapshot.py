"""What the map shows, read in one transaction: circles, their roles and holders' names."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from circles.model import Circle
from circles.text import Localized
from circles.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class MapRole:
    slug: str
    name: Localized
    purpose: Localized
    status: str
    capacity: int
    holders: tuple[str, ...]  # display names, in the order the role was taken


@dataclass(frozen=True)
class MapCircle:
    slug: str
    name: Localized
    purpose: Localized
    parent: str | None
    roles: tuple[MapRole, ...]


@dataclass(frozen=True)
class CircleMap:
    """Every circle, sorted by slug; ``revision`` changes exactly when the picture would."""

    circles: tuple[MapCircle, ...]
    revision: str


def read_circle_map(uow: UnitOfWork) -> CircleMap:
    with uow.begin() as s:
        circles = sorted(s.circles.all(), key=lambda c: c.slug)
        holder_ids = {h for c in circles for r in c.roles for h in r.holders}
        names = s.volunteers.names_of(sorted(holder_ids))
    return circle_map_of([_map_circle(c, names) for c in circles])


def circle_map_of(circles: list[MapCircle]) -> CircleMap:
    ordered = tuple(sorted(circles, key=lambda c: c.slug))
    canonical = json.dumps([asdict(c) for c in ordered], sort_keys=True, ensure_ascii=False)
    revision = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return CircleMap(ordered, revision)


def _map_circle(circle: Circle, names: dict[str, str]) -> MapCircle:
    return MapCircle(
        slug=circle.slug,
        name=dict(circle.name),
        purpose=dict(circle.purpose),
        parent=circle.parent,
        roles=tuple(
            MapRole(
                slug=role.slug,
                name=dict(role.name),
                purpose=dict(role.purpose),
                status=role.status,
                capacity=role.capacity,
                holders=tuple(names.get(h, "?") for h in role.holders),
            )
            for role in circle.roles
        ),
    )
