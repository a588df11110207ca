"""The map as a PNG, for chat platforms that show images but not SVG."""

from __future__ import annotations

import cairosvg  # no type information shipped: see the mypy overrides in pyproject.toml


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """Rasterise at ``scale`` times the SVG's size, sharp on phones and projectors."""
    data: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)
    return data
