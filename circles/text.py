"""Localized text and the checks every piece of user-supplied text goes through."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from circles.errors import N_, Invalid

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


def clean(value: str, *, field: str, max_length: int, allow_empty: bool = False) -> str:
    """Normalise user text: NFC, collapsed whitespace, no control characters, bounded length."""
    value = unicodedata.normalize("NFC", value)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in value):
        raise Invalid(N_("The {field} contains control characters."), field=field)
    value = " ".join(value.split())
    if not value and not allow_empty:
        raise Invalid(N_("The {field} must not be empty."), field=field)
    if len(value) > max_length:
        raise Invalid(
            N_("The {field} is too long (at most {limit} characters)."),
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
