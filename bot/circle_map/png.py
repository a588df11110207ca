"""The map as a PNG, for chat platforms that show images but not SVG."""

from __future__ import annotations

import re

from circles.errors import N_, CanError
from toolkits.fonts import register_for_cairo

MAX_SIDE = 2048  # pixels; chat apps downscale bigger images anyway, and time grows with area
_WIDTH = re.compile(r'<svg[^>]*\swidth="([0-9.]+)"')


class MapImageUnavailable(CanError):
    """This server cannot rasterise the map (the Cairo library is missing)."""


def svg_to_png(svg: str, *, scale: float = 2.0, max_side: int = MAX_SIDE) -> bytes:
    """Rasterise at ``scale`` times the SVG's size (sharp on phones), at most ``max_side`` wide.

    The map is square-ish, so bounding the width bounds the area.
    """
    try:
        # Imported here: cairosvg needs the system's libcairo2 (scripts/setup-system), and the
        # bot, the portal and the SVG map all work without it.
        import cairosvg  # no type information shipped: see the mypy overrides in pyproject.toml
    except (ImportError, OSError) as error:
        raise MapImageUnavailable(
            N_("The map image is not available on this server: {detail}. The live map is."),
            detail=" ".join(str(error).split())[:200],
        ) from error
    # Chinese labels need the CJK font that comes with the Python install (toolkits/fonts.py).
    register_for_cairo()
    found = _WIDTH.search(svg)
    if found:
        scale = min(scale, max_side / float(found.group(1)))
    data: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)
    return data
