"""Masking a forgotten volunteer's name and identities in text they wrote for others to read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from circles.unit_of_work import Session

MASK = "***"


def traces_of(s: Session, volunteer_id: str) -> list[str]:
    """What would name the volunteer in a text: their display name and every identity."""
    volunteer = s.volunteers.get(volunteer_id)
    return [volunteer.name, *volunteer.identities] if volunteer else []


def mask(text: str, terms: Iterable[str]) -> str:
    """``text`` with each term (2+ characters, any case) replaced by ``***``.

    Latin words match only whole (``Park`` spares "parking"); Chinese has no spaces between
    words, so a Chinese name matches wherever it appears. One-letter names are left alone: they
    would mask ordinary words.
    """
    for term in sorted({t for t in terms if len(t) >= 2}, key=len, reverse=True):
        before = r"(?<!\w)" if term[0].isascii() and term[0].isalnum() else ""
        after = r"(?!\w)" if term[-1].isascii() and term[-1].isalnum() else ""
        text = re.sub(before + re.escape(term) + after, MASK, text, flags=re.IGNORECASE)
    return text


def mask_localized(text: Mapping[str, str], terms: Iterable[str]) -> dict[str, str]:
    """``mask`` in every language of a localized text (a circle's or a role's name, purpose)."""
    found = list(terms)
    return {lang: mask(value, found) for lang, value in text.items()}
