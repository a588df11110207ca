"""Text width estimates for the map's labels, and truncation with an ellipsis to fit.

The SVG is drawn on the server without font metrics, so widths are estimated: a CJK character
is one em, Latin letters about 0.55 em. Estimates err wide so labels stay inside their shapes.
"""

from __future__ import annotations

import itertools
import unicodedata

ELLIPSIS = "…"


def char_width(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.3
    if char.isupper() or char.isdigit():
        return 0.66
    if char in "ijlt.,:;'|!":
        return 0.32
    return 0.58


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(char_width(c) for c in text) * size * (1.06 if bold else 1.0)


def fit(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text``, or as much of it as fits in ``width`` followed by an ellipsis."""
    text = " ".join(text.split())
    if text_width(text, size, bold=bold) <= width:
        return text
    room = width - text_width(ELLIPSIS, size, bold=bold)
    kept = ""
    for char in text:
        if text_width(kept + char, size, bold=bold) > room:
            break
        kept += char
    return kept.rstrip() + ELLIPSIS


def wrap(text: str, width: float, size: float, *, lines: int = 2, bold: bool = False) -> list[str]:
    """``text`` broken into at most ``lines`` lines that fit ``width``; the last may be cut short.

    Latin text breaks between words where it can; CJK text (no spaces) between characters, into
    lines of even length (行动小组 / 协调人, not 行动小组协调 / 人), never starting a line with a
    closing mark such as ， or ）.
    """
    rest = " ".join(text.split())
    if lines > 1 and " " not in rest and text_width(rest, size, bold=bold) > width:
        balanced = _balanced(rest, width, size, lines, bold)
        if balanced is not None:
            return balanced
    out: list[str] = []
    while rest and len(out) < lines - 1:
        if text_width(rest, size, bold=bold) <= width:
            break
        cut = 0
        while cut < len(rest) and text_width(rest[: cut + 1], size, bold=bold) <= width:
            cut += 1
        space = rest.rfind(" ", 0, cut + 1)
        cut = space if space > 0 else max(cut, 1)
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(fit(rest, width, size, bold=bold))
    return out


# Chinese marks that may not start a line, and those that may not end one.
NO_LINE_START = "，。、：；！？）」』”’…%"
NO_LINE_END = "（「『“‘"


def _balanced(text: str, width: float, size: float, lines: int, bold: bool) -> list[str] | None:
    """``text`` in the fewest lines (2 to ``lines``) of even width that each fit, or None."""
    widths = [text_width(char, size, bold=bold) for char in text]
    total = sum(widths)
    for count in range(2, lines + 1):
        cuts, ends, running = [], [], 0.0
        for width_of_char in widths:
            running += width_of_char
            ends.append(running)
        for part in range(1, count):
            target = total * part / count
            # The break nearest the even share; on a tie the earlier line takes the extra char.
            cut = min(range(1, len(text)), key=lambda i: (abs(ends[i - 1] - target), -i))
            while cut < len(text) - 1 and (
                text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END
            ):
                cut += 1
            cuts.append(cut)
        bounds = [0, *sorted(set(cuts)), len(text)]
        found = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
        if all(text_width(line, size, bold=bold) <= width for line in found):
            return found
    return None


def fit_lines(
    text: str, width: float, size: float, floor: float, *, lines: int = 1, bold: bool = False
) -> tuple[list[str], float]:
    """``text`` whole in ``width``: on one line at ``size`` or smaller down to ``floor``, else on
    up to ``lines`` lines likewise; only text too long even then is cut, on its last line."""
    sizes = [size]
    while sizes[-1] - 1 >= floor:
        sizes.append(sizes[-1] - 1)
    for count in range(1, lines + 1):
        for candidate in sizes:
            found = wrap(text, width, candidate, lines=count, bold=bold)
            if _whole(found, text):
                return found, candidate
    return wrap(text, width, floor, lines=lines, bold=bold), floor


def _whole(lines: list[str], text: str) -> bool:
    return "".join(lines).replace(" ", "") == text.replace(" ", "")
