"""Sign sizes: the largest type at which a ``::: sign`` label fits its A4 page.

A sign's box hides what overflows (one sign per page, nothing spills onto the next), so a label
too wide for its size is silently cut: "100-102" at 150 pt printed as "100-10". The size is
therefore chosen from the label's measured width, not its length: each character's advance in
Noto Sans CJK SC Bold (the first font of print.css; DejaVu Sans Bold is no wider for digits),
lines broken only where the browser may break them (at the space after a comma; never inside
"1001-1003", where a hyphen before a digit is no break opportunity), and the lines' height
against the page.
"""

from __future__ import annotations

from dataclasses import dataclass

# The printable box of a sign page (print.css: A4, @page sign margin 12 mm; .sign height 265 mm),
# in points, less a margin for the estimate: real line breaking and kerning differ a little.
_MM = 72 / 25.4
WIDTH_PT = (210 - 2 * 12) * _MM * 0.94
# 265 mm less the two lines under the heading (44 pt "Buildings", 15 pt footer up to two lines,
# with their margins).
HEIGHT_PT = 265 * _MM - 135
LETTER_SPACING_EM = -0.03
BOTTOM_GAP_EM = 0.1

# Advances in em (Noto Sans CJK SC Bold); anything not listed counts as a full-width character.
_ADVANCE_EM: dict[str, float] = {
    **dict.fromkeys("0123456789", 0.59),
    "-": 0.37,
    "–": 0.544,
    "~": 0.6,
    ",": 0.325,
    " ": 0.227,
    ".": 0.3,
}
_LATIN_EM = 0.62


@dataclass(frozen=True)
class SignSize:
    """A size class of print.css: ``.sign.<name> h1`` is ``points`` tall; ``wraps`` at spaces."""

    name: str
    points: float
    line_height: float
    wraps: bool


# Largest first. n1-n5 are the classes kit authors have always written; the s-classes between and
# below them (named for their size in points) let a label drop only as far as it must.
SIGN_SIZES: tuple[SignSize, ...] = (
    SignSize("n1", 360, 1.0, wraps=False),
    SignSize("n2", 230, 1.0, wraps=False),
    SignSize("n3", 160, 1.0, wraps=False),
    SignSize("n4", 150, 1.05, wraps=True),
    SignSize("s130", 130, 1.05, wraps=True),
    SignSize("s115", 115, 1.05, wraps=True),
    SignSize("s100", 100, 1.1, wraps=True),
    SignSize("s90", 90, 1.1, wraps=True),
    SignSize("n5", 80, 1.1, wraps=True),
    SignSize("s70", 70, 1.1, wraps=True),
    SignSize("s60", 60, 1.1, wraps=True),
    SignSize("s50", 50, 1.1, wraps=True),
)


def text_width_em(text: str) -> float:
    """The printed width of ``text`` on a sign, in em of its font size."""
    advance = sum(_ADVANCE_EM.get(char, _LATIN_EM if char.isascii() else 1.0) for char in text)
    return advance + LETTER_SPACING_EM * len(text)


def sign_lines(label: str, size: SignSize) -> list[str] | None:
    """``label`` broken into lines as the page would break it at ``size``; None if it cannot fit."""
    width = WIDTH_PT / size.points
    words = label.split(" ")
    if not size.wraps:
        return [label] if text_width_em(label) <= width else None
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_em(candidate) <= width:
            lines[-1] = candidate
        elif text_width_em(word) <= width:
            lines.append(word)
        else:
            return None
    height = (len(lines) * size.line_height + BOTTOM_GAP_EM) * size.points
    return lines if height <= HEIGHT_PT else None


def fitting_size(label: str) -> SignSize:
    """The largest size at which ``label`` fits its sign (the smallest size if none does)."""
    text = " ".join(label.split())
    for size in SIGN_SIZES:
        if sign_lines(text, size) is not None:
            return size
    return SIGN_SIZES[-1]


def sign_size(label: object) -> str:
    """The ``::: sign`` size class for ``label`` (the ``sign_size`` template filter)."""
    return fitting_size(str(label)).name
