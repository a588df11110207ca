"""Where everything goes: each circle encloses its roles and sub-circles, packed like cells.

Sizes are in SVG user units. Every role takes the same room, so a circle grows with its roles;
a circle with sub-circles grows to hold them. Inside a circle, ordering is fixed (size, then
slug), so the same network always gives the same layout.

The root circles are not packed but placed in fixed wedges around the network's centre, in the
SPEC order: on a projector the audience keeps its bearings when a role is claimed or a circle
splits. A root sits as close to the centre as its wedge allows, so a root that grows moves out
along its own ray and no other root moves at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bot.circle_map.pack import Disc, pack
from bot.circle_map.snapshot import CircleMap, MapCircle, MapRole

ROLE_RADIUS = 54.0  # a role's disc plus the role name under it
GAP = 10.0  # between neighbours inside a circle
TAB_ROOM = 24.0  # more around sub-circles: their name tabs stand out above the membrane
PADDING = 24.0  # between a circle's membrane and what it holds (room for the title tab)
EMPTY_RADIUS = 60.0  # a circle with no roles yet
# The seeded root circles clockwise from the top, as SPEC lists them; a network's own roots follow
# by slug.
ROOT_ORDER = ("connect", "research", "practice", "product", "content")


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
    if depth == 0 and spot.children:
        spot.r = _place_in_wedges(spot)
        return spot
    items: list[CircleSpot | RoleSpot] = [*spot.children, *spot.roles]
    # Big things first packs tightest; sub-circles before roles of the same size.
    items.sort(key=lambda item: (-item.r, isinstance(item, RoleSpot), _slug(item)))
    discs = [Disc(item.r + GAP / 2 + _room(item)) for item in items]
    inner = pack(discs)
    for item, disc in zip(items, discs, strict=True):
        item.x, item.y = disc.x, disc.y
    spot.r = inner + PADDING if items else EMPTY_RADIUS
    return spot


def _place_in_wedges(spot: CircleSpot) -> float:
    """Place the root circles each in its own wedge, the network's roles in the middle; return
    the network circle's radius.

    A disc of radius r whose centre is r / sin(pi / n) from the centre stays inside its wedge of
    2 pi / n, so no two roots can overlap whatever their sizes: each is placed knowing only its
    own size.
    """
    roots = sorted(spot.children, key=_root_rank)
    middle = [Disc(ROLE_RADIUS + GAP / 2) for _ in spot.roles]
    hole = pack(middle) if middle else 0.0
    for role, disc in zip(spot.roles, middle, strict=True):
        role.x, role.y = disc.x, disc.y
    count = max(len(roots), 3)  # one or two roots still keep their places as a third arrives
    half = math.pi / count
    reach = 0.0
    for index, root in enumerate(roots):
        room = root.r + GAP / 2 + TAB_ROOM
        distance = max(room / math.sin(half), hole + room)
        angle = -math.pi / 2 + 2 * half * index
        root.x, root.y = distance * math.cos(angle), distance * math.sin(angle)
        reach = max(reach, distance + room)
    return max(reach, hole) + PADDING


def _root_rank(spot: CircleSpot) -> tuple[int, str]:
    slug = spot.circle.slug
    return (ROOT_ORDER.index(slug) if slug in ROOT_ORDER else len(ROOT_ORDER), slug)


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
