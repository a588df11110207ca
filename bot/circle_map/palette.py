"""The map's colours: one hue per root circle, tints for the circles nested inside it.

This module is the only place colours are defined: the portal's stylesheet reads them as CSS
custom properties from ``css_properties()`` (served as /palette.css).
"""

from __future__ import annotations

# Five hues of equal weight around the wheel, each at least 4.5:1 against white (WCAG AA), so
# white names on them and their colour as text on white read at 12 px.
ROOT_HUES = {
    "connect": "#0f7d70",  # teal: finding and linking resources
    "research": "#6b4fc4",  # violet: listening and thinking
    "practice": "#c04b28",  # vermilion: action in the neighbourhood
    "product": "#936500",  # ochre: making kits
    "content": "#2d72bb",  # blue: telling the story
}
# Circles a network adds beside the five get these, by slug order.
EXTRA_HUES = ("#357a35", "#a8407a", "#7a5a3c", "#4c6275", "#5f6b1c")
NETWORK_FILL = "#f4efe4"
NETWORK_STROKE = "#d6cbb5"
NETWORK_TAB = "#5b5140"
INK = "#2e2a24"
QUIET = "#4f483e"  # secondary text ("no roles yet") on any circle's fill
PAPER = "#fbf9f4"
WHITE = "#ffffff"
DEEPEST_TINT = 0.62  # the least white a circle's fill ever has


def hue_of(root: str, extra_roots: list[str]) -> str:
    if root in ROOT_HUES:
        return ROOT_HUES[root]
    if root in extra_roots:
        return EXTRA_HUES[extra_roots.index(root) % len(EXTRA_HUES)]
    return NETWORK_TAB


def tint(color: str, depth: int) -> str:
    """A pale fill of ``color``; deeper circles a little stronger, so nesting reads at a glance."""
    white_share = max(DEEPEST_TINT, 0.9 - 0.09 * (depth - 1))
    return mix(color, WHITE, white_share)


def mix(color: str, other: str, share: float) -> str:
    """``share`` of ``other`` blended into ``color``."""
    a, b = rgb(color), rgb(other)
    channels = (round(x * (1 - share) + y * share) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


def rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(color: str) -> float:
    def linear(channel: int) -> float:
        v = channel / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def css_properties() -> str:
    """The colours as CSS custom properties, for the portal's stylesheet."""
    named = {
        **ROOT_HUES,
        **{f"extra-{i}": hue for i, hue in enumerate(EXTRA_HUES)},
        "paper": PAPER,
        "ink": INK,
        "accent": NETWORK_TAB,
    }
    lines = "".join(f"  --{name}: {value};\n" for name, value in named.items())
    return (
        f"/* Generated from bot/circle_map/palette.py: the map's colours. */\n:root {{\n{lines}}}\n"
    )
