"""Where everything goes: each circle encloses its roles and sub-circles, packed like cells.

Sizes are in SVG user units. Every role takes the same room, so a circle grows with its roles;
a circle with sub-circles grows to hold them. Ordering is fixed (size, then slug), so the same
network always gives the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.circle_map.pack import Disc, pack
from bot.circle_map.snapshot import CircleMap, MapCircle, MapRole

ROLE_RADIUS = 50.0  # a role's disc plus the role name under it
GAP = 8.0  # between neighbours inside a circle
TAB_ROOM = 18.0  # more around sub-circles: their name tabs stand out above the membrane
PADDING = 24.0  # between a circle's membrane and what it holds (room for the title tab)
EMPTY_RADIUS = 60.0  # a circle with no roles yet


@dataclass
class RoleSpot:
    role: MapRole
    circle: MapCircle
    x: float = 0.0
    y: float = 0.0
    r: float = ROLE_RADIUS


@dataclass
class CircleSpot:
    circle: MapCircle
    depth: int  # 0 for the network circle, 1 for the five root circles, ...
    root: str  # slug of the depth-1 ancestor (its colour), "" for the network itself
    r: float = 0.0
    x: float = 0.0
    y: float = 0.0
    roles: list[RoleSpot] = field(default_factory=list)
    children: list[CircleSpot] = field(default_factory=list)

    def walk(self) -> list[CircleSpot]:
        """This circle and every circle inside it, parents first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass
class Layout:
    tops: list[CircleSpot]  # usually just the network circle
    width: float
    height: float

    def circles(self) -> list[CircleSpot]:
        return [spot for top in self.tops for spot in top.walk()]


def lay_out(circle_map: CircleMap, margin: float = 24.0) -> Layout:
    by_parent: dict[str | None, list[MapCircle]] = {}
    known = {c.slug for c in circle_map.circles}
    for circle in circle_map.circles:
        parent = circle.parent if circle.parent in known else None
        by_parent.setdefault(parent, []).append(circle)
    tops = [_build(c, by_parent, 0, "", set()) for c in by_parent.get(None, [])]
    discs = [Disc(spot.r + GAP / 2 + _room(spot)) for spot in tops]
    radius = pack(discs)
    for spot, disc in zip(tops, discs, strict=True):
        _move(spot, disc.x + radius + margin, disc.y + radius + margin + PADDING / 2)
    size = 2 * (radius + margin)
    return Layout(tops, size, size + PADDING / 2)


def _build(
    circle: MapCircle,
    by_parent: dict[str | None, list[MapCircle]],
    depth: int,
    root: str,
    seen: set[str],
) -> CircleSpot:
    seen = seen | {circle.slug}
    root = root or (circle.slug if depth == 1 else "")
    spot = CircleSpot(circle, depth, root)
    spot.children = [
        _build(child, by_parent, depth + 1, root, seen)
        for child in by_parent.get(circle.slug, [])
        if child.slug not in seen  # a parent loop in bad data must not recurse forever
    ]
    spot.roles = [RoleSpot(role, circle) for role in circle.roles]
    items: list[CircleSpot | RoleSpot] = [*spot.children, *spot.roles]
    # Big things first packs tightest; sub-circles before roles of the same size.
    items.sort(key=lambda item: (-item.r, isinstance(item, RoleSpot), _slug(item)))
    discs = [Disc(item.r + GAP / 2 + _room(item)) for item in items]
    inner = pack(discs)
    for item, disc in zip(items, discs, strict=True):
        item.x, item.y = disc.x, disc.y
    spot.r = inner + PADDING if items else EMPTY_RADIUS
    return spot


def _room(item: CircleSpot | RoleSpot) -> float:
    return TAB_ROOM if isinstance(item, CircleSpot) else 0.0


def _slug(item: CircleSpot | RoleSpot) -> str:
    return item.circle.slug if isinstance(item, CircleSpot) else item.role.slug


def _move(spot: CircleSpot, x: float, y: float) -> None:
    """Turn positions relative to the parent's centre into absolute ones."""
    spot.x, spot.y = x, y
    for role in spot.roles:
        role.x += x
        role.y += y
    for child in spot.children:
        _move(child, child.x + x, child.y + y)
