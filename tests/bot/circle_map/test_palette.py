"""The palette: every text the map draws meets WCAG AA, the hues stay apart, one definition."""

from __future__ import annotations

import colorsys
import itertools
import re
from pathlib import Path

import pytest

from bot.circle_map import palette
from bot.portal import routes

AA = 4.5
HUES = [*palette.ROOT_HUES.values(), *palette.EXTRA_HUES, palette.NETWORK_TAB]
DEPTHS = range(1, 8)  # tints stop getting stronger at depth 4


def test_the_contrast_ratio_is_wcags() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("hue", HUES)
def test_text_on_and_in_each_hue_meets_aa(hue: str) -> None:
    # White circle names on tabs and holder names on held roles; the hue as "open" on white.
    assert palette.contrast(palette.WHITE, hue) >= AA
    for depth in DEPTHS:
        fill = palette.tint(hue, depth)
        # Role names and "no roles yet" on the circle's fill.
        assert palette.contrast(palette.INK, fill) >= AA, depth
        assert palette.contrast(palette.QUIET, fill) >= AA, depth


def test_text_on_the_network_and_the_paper_meets_aa() -> None:
    for background in (palette.NETWORK_FILL, palette.PAPER):
        assert palette.contrast(palette.INK, background) >= AA
        assert palette.contrast(palette.QUIET, background) >= AA


def hue_angle(color: str) -> float:
    return colorsys.rgb_to_hls(*(c / 255 for c in palette.rgb(color)))[0] * 360


def test_the_five_root_hues_stay_distinct() -> None:
    """At least 25 degrees apart on the colour wheel (vermilion and ochre are the closest)."""
    for a, b in itertools.combinations(palette.ROOT_HUES.values(), 2):
        apart = abs(hue_angle(a) - hue_angle(b))
        assert min(apart, 360 - apart) >= 25, (a, b)


def test_the_portal_defines_no_colour_of_the_map_a_second_time() -> None:
    static = routes.STATIC
    css = (static / "portal.css").read_text()
    mine = {c.lower() for c in [*HUES, palette.PAPER, palette.INK]}
    assert not mine & {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}", css)}
    properties = palette.css_properties()
    for used in set(re.findall(r"var\(--([a-z0-9-]+)\)", css)):
        assert f"--{used}:" in properties or f"--{used}:" in css, used
    for slug in palette.ROOT_HUES:
        assert f".hue-{slug} " in css  # the overview colours each root circle's card
    # The favicon draws the five roots in the map's colours.
    icon = Path(static / "favicon.svg").read_text()
    assert set(palette.ROOT_HUES.values()) <= set(re.findall(r"#[0-9a-f]{6}", icon))
