"""The map's colours: one hue per root circle, tints for the circles nested inside it."""

from __future__ import annotations

# Five hues of equal weight around the wheel, dark enough for white text on them.
ROOT_HUES = {
    "connect": "#138a7b",  # teal: finding and linking resources
    "research": "#6b4fc4",  # violet: listening and thinking
    "practice": "#d2542f",  # vermilion: action in the neighbourhood
    "product": "#b9800f",  # ochre: making kits
    "content": "#2d72bb",  # blue: telling the story
}
# Circles a network adds beside the five get these, by slug order.
EXTRA_HUES = ("#3d8b3d", "#a8407a", "#7a5a3c", "#4c6275", "#8a6d1b")
NETWORK_FILL = "#f4efe4"
NETWORK_STROKE = "#d6cbb5"
NETWORK_TAB = "#5b5140"
INK = "#2e2a24"
PAPER = "#fbf9f4"


def hue_of(root: str, extra_roots: list[str]) -> str:
    if root in ROOT_HUES:
        return ROOT_HUES[root]
    if root in extra_roots:
        return EXTRA_HUES[extra_roots.index(root) % len(EXTRA_HUES)]
    return NETWORK_TAB


def tint(color: str, depth: int) -> str:
    """A pale fill of ``color``; deeper circles a little stronger, so nesting reads at a glance."""
    white_share = max(0.62, 0.9 - 0.09 * (depth - 1))
    return mix(color, "#ffffff", white_share)


def mix(color: str, other: str, share: float) -> str:
    """``share`` of ``other`` blended into ``color``."""
    a, b = _rgb(color), _rgb(other)
    channels = (round(x * (1 - share) + y * share) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
