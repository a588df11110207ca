"""Packing: discs never overlap and always lie inside the enclosing circle; no randomness."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from bot.circle_map.pack import Disc, enclose, pack

radii = st.lists(st.floats(min_value=1, max_value=200), min_size=1, max_size=60)


@given(radii)
def test_packed_discs_do_not_overlap_and_are_enclosed(sizes: list[float]) -> None:
    discs = [Disc(r) for r in sizes]
    radius = pack(discs)
    for index, a in enumerate(discs):
        assert math.hypot(a.x, a.y) + a.r <= radius * (1 + 1e-6) + 1e-6
        for b in discs[index + 1 :]:
            assert math.hypot(a.x - b.x, a.y - b.y) >= (a.r + b.r) * (1 - 1e-6) - 1e-6


@given(radii)
def test_packing_is_deterministic(sizes: list[float]) -> None:
    first, second = [Disc(r) for r in sizes], [Disc(r) for r in sizes]
    assert pack(first) == pack(second)
    assert [(d.x, d.y) for d in first] == [(d.x, d.y) for d in second]


def test_five_equal_cells_form_a_ring() -> None:
    discs = [Disc(10) for _ in range(5)]
    radius = pack(discs)
    # The best packing of five equal circles: 1 + 1/sin(36°) ≈ 2.70 radii.
    assert radius < 10 * 2.71
    assert enclose(discs).r <= radius * (1 + 1e-9)
