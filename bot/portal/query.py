"""Checks on every portal address before a handler reads it: size, repeats, control characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from multidict import MultiMapping

from bot.portal.page_error import PageError
from circles.errors import N_, plural

MAX_QUERY = 2000  # characters of the raw query string
MAX_FIELDS = 20


def checked_query(raw: str, query: MultiMapping[str]) -> Mapping[str, str]:
    """The query as a plain mapping, or a PageError that says what is wrong with it."""
    if len(raw) > MAX_QUERY:
        raise PageError(
            414,
            plural(
                "That address is too long (at most {limit} character).",
                "That address is too long (at most {limit} characters).",
                by="limit",
            ),
            limit=MAX_QUERY,
        )
    if len(query) > MAX_FIELDS:
        raise PageError(
            400, N_("That address has too many fields (at most {limit})."), limit=MAX_FIELDS
        )
    plain: dict[str, str] = {}
    for key, value in query.items():
        if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in key + value):
            raise PageError(400, N_("That address contains control characters."))
        if key in plain:
            raise PageError(
                400, N_("The field {name} appears more than once in the address."), name=key[:40]
            )
        plain[key] = value
    return plain
