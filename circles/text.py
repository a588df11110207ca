"""Localized text and the checks every piece of user-supplied text goes through."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from circles.errors import N_, Invalid, plural

LANGUAGES = ("zh", "en")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")

Localized = dict[str, str]

# Field names appear inside error messages; listed here so their translations are extracted.
FIELD_NAMES = (
    N_("name"),
    N_("neighborhood"),
    N_("mission"),
    N_("skill"),
    N_("slug"),
    N_("circle"),
    N_("role"),
    N_("text"),
    N_("title"),
)


def pick(text: Mapping[str, str], language: str) -> str:
    """The text in ``language``, else English, else Chinese, else any language it has."""
    for lang in (language, "en", "zh", *text):
        if text.get(lang):
            return text[lang]
    return ""


# Format characters a person sees as part of a name: the joiners inside emoji sequences
# (👩‍💻, families), and the tag characters of subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
VISIBLE_FORMAT = frozenset({"\u200c", "\u200d"}) | frozenset(map(chr, range(0xE0020, 0xE0080)))
# Letters that draw nothing (Hangul fillers, braille blank) let two names look alike.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# What is left of a name made only of these is nothing a person can read.
MARKS_ONLY = VISIBLE_FORMAT | frozenset({"\ufe0e", "\ufe0f"})


def visible(value: str) -> str:
    """``value`` without what is invisible and harmful, keeping what a person sees.

    One rule for every platform: control characters (but whitespace, which the caller
    collapses), bidi overrides, isolates and marks, soft hyphens, zero-width spaces and other
    format characters go; emoji sequences (ZWJ, flags, variation selectors), combining marks
    and every visible letter stay. Lone surrogates cannot be stored and go too.
    """
    kept = []
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc" and not ch.isspace():
            continue
        if category == "Cf" and ch not in VISIBLE_FORMAT:
            continue
        if category == "Cs" or ch in BLANK_LETTERS:
            continue
        kept.append(ch)
    return "".join(kept)


def clean(value: str, *, field: str, max_length: int, allow_empty: bool = False) -> str:
    """Normalise user text: NFC, invisible characters dropped, collapsed whitespace, bounded."""
    value = unicodedata.normalize("NFC", visible(value))
    value = " ".join(value.split())
    if all(ch in MARKS_ONLY or ch.isspace() for ch in value):
        value = ""
    if not value and not allow_empty:
        raise Invalid(N_("The {field} must not be empty."), field=field)
    if len(value) > max_length:
        raise Invalid(
            plural(
                "The {field} is too long (at most {limit} character).",
                "The {field} is too long (at most {limit} characters).",
                by="limit",
            ),
            field=field,
            limit=max_length,
        )
    return value


def slug(value: str, *, field: str = "slug") -> str:
    """A lowercase slug: letters, digits and dashes, 1-32 characters."""
    value = value.strip().lower()
    if not SLUG.match(value):
        raise Invalid(
            N_("'{value}' is not a valid {field}: use 1-32 lowercase letters, digits or dashes."),
            value=value[:40],
            field=field,
        )
    return value
