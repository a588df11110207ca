"""QR codes that point a printed kit back at its page."""

from __future__ import annotations

import segno


def qr_svg(url: str, *, title: str) -> str:
    """An inline SVG QR code for ``url``, sized by CSS (no width or height attributes)."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(
        scale=1, border=2, omitsize=True, title=title, svgclass="qr", lineclass=None
    )
    return svg
