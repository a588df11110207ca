"""The layout: root circles keep their places when the network changes, and never overlap."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.circle_map.layout import GAP, TAB_ROOM, CircleSpot, Layout, lay_out
from bot.circle_map.snapshot import MapCircle, MapRole, circle_map_of, read_circle_map
from circles.actor import Actor
from circles.services import membership
from circles.services.roles import claim_role
from circles.services.split import split_circle
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

ROOTS = ("connect", "research", "practice", "product", "content")  # clockwise, as SPEC lists them


def places(layout: Layout) -> dict[str, tuple[float, float]]:
    """Each root circle's centre, relative to the network circle's centre."""
    (network,) = layout.tops
    return {c.circle.slug: (c.x - network.x, c.y - network.y) for c in network.children}


def spot(layout: Layout, slug: str) -> CircleSpot:
    return next(c for c in layout.circles() if c.circle.slug == slug)


def test_untouched_root_circles_stay_put_across_a_claim_and_a_split_elsewhere(
    uow: UnitOfWork,
) -> None:
    before = places(lay_out(read_circle_map(uow)))
    admin = Actor(ADMIN, "Admin")
    membership.join(uow, admin)
    claim_role(uow, admin, "research/interviewer")
    claimed = places(lay_out(read_circle_map(uow)))
    assert claimed == before
    split_circle(uow, admin, "research", "interviews", ["interviewer", "scenario-mapper"])
    after = lay_out(read_circle_map(uow))
    moved = places(after)
    for slug in ROOTS:
        if slug != "research":
            assert math.dist(moved[slug], before[slug]) < 0.5, slug
    # The circle that split grew, and moved out along its own ray, no sideways.
    angle = math.atan2(*reversed(before["research"]))
    assert math.atan2(*reversed(moved["research"])) == pytest.approx(angle)
    assert math.hypot(*moved["research"]) > math.hypot(*before["research"])
    assert spot(after, "interviews").depth == 2


def test_root_circles_go_clockwise_from_the_top_in_spec_order(uow: UnitOfWork) -> None:
    found = places(lay_out(read_circle_map(uow)))
    # Clockwise on screen (y grows downwards), starting straight above the centre.
    angles = [math.degrees(math.atan2(found[s][1], found[s][0])) % 360 for s in ROOTS]
    assert [round(a) for a in angles] == [270, 342, 54, 126, 198]


def role(slug: str) -> MapRole:
    return MapRole(slug, {"en": slug}, {}, "active", 1, ())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=9))
def test_root_circles_of_any_sizes_never_overlap_or_leave_the_network(counts: list[int]) -> None:
    circles = [MapCircle("network", {"en": "Network"}, {}, None, ())]
    for index, count in enumerate(counts):
        roles = tuple(role(f"r{k}") for k in range(count))
        circles.append(MapCircle(f"c{index}", {"en": f"C{index}"}, {}, "network", roles))
    (network,) = lay_out(circle_map_of(circles)).tops
    roots = network.children
    for a in roots:
        assert math.dist((a.x, a.y), (network.x, network.y)) + a.r <= network.r
        for b in roots:
            if a is not b:
                # Room for the name tabs between neighbours, not just no overlap.
                assert math.dist((a.x, a.y), (b.x, b.y)) >= a.r + b.r + GAP + TAB_ROOM
