"""Masking a forgotten volunteer's name and identities in text they wrote for others to read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from circles.unit_of_work import Session

MASK = "***"


def traces_of(s: Session, volunteer_id: str) -> list[str]:
    """What would name or locate the volunteer in a text they wrote: every name they ever had,
    every identity, and every neighborhood they gave (where they live points to them too)."""
    volunteer = s.volunteers.get(volunteer_id)
    if volunteer is None:
        return []
    return [
        volunteer.name,
        *volunteer.former_names,
        *volunteer.identities,
        volunteer.neighborhood,
        *volunteer.former_neighborhoods,
    ]


def mask(text: str, terms: Iterable[str]) -> str:
    """``text`` with each term replaced by ``***``.

    Terms of 2+ characters match in any case. Latin words match only whole (``Park`` spares
    "parking"); Chinese has no spaces between words, so a Chinese name matches wherever it
    appears. A one-character name (``K``, ``王``) matches only standing alone and as written
    (``K`` spares "k" and "Kiosk", ``王`` spares 王府井): anywhere else it would erase other words.
    """
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        if len(term) == 1:
            pattern, flags = r"(?<!\w)" + re.escape(term) + r"(?!\w)", 0
        else:
            before = r"(?<!\w)" if term[0].isascii() and term[0].isalnum() else ""
            after = r"(?!\w)" if term[-1].isascii() and term[-1].isalnum() else ""
            pattern, flags = before + re.escape(term) + after, re.IGNORECASE
        text = re.sub(pattern, MASK, text, flags=flags)
    return text


def mask_localized(text: Mapping[str, str], terms: Iterable[str]) -> dict[str, str]:
    """``mask`` in every language of a localized text (a circle's or a role's name, purpose)."""
    found = list(terms)
    return {lang: mask(value, found) for lang, value in text.items()}
