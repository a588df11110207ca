"""The one error hierarchy: every message is safe to show a volunteer.

CanError
├── NotFound            an unknown volunteer, circle, role, ...
├── Invalid             malformed input (bad slug, too long, bad value)
│   └── Ambiguous       a typed name fits several things; carries them as choices
├── Conflict            the request contradicts the current state (role full, already a member)
├── PermissionDenied    the actor may not do this
└── StoreError          the store cannot be opened or written (never shown with internals)
    └── StoreUnavailable  the database does not answer for now: try again in a moment

A message is an English template with ``{placeholders}``; the bot layer translates the template
through its catalogs and fills in ``params`` (a tuple parameter is a list, joined in the reader's
language). The domain never formats for a language itself.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (gettext convention)."""
    return message


class Counted(str):
    """A counted message: the English singular (the text itself), its plural, and the name of the
    parameter that counts. The bot picks the form its language needs for that number."""

    plural: str
    by: str

    def __new__(cls, singular: str, plural: str = "", by: str = "count") -> Counted:
        counted = super().__new__(cls, singular)
        counted.plural, counted.by = plural or singular, by
        return counted

    def english(self, count: object) -> str:
        return str(self) if count == 1 else self.plural


def plural(singular: str, plural: str, by: str = "count") -> Counted:
    """Mark a counted message for translation (``pybabel -k plural:1,2`` finds both forms):
    ``plural("At most {count} skill.", "At most {count} skills.")``."""
    return Counted(singular, plural, by)


class CanError(Exception):
    """Base of every error a volunteer may see."""

    def __init__(self, message: str, **params: object) -> None:
        # A tuple parameter is a list the bot joins in the reader's language (a list of choices);
        # the English text kept for logs and the command line joins it with commas.
        shown = {
            k: ", ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in params.items()
        }
        english = (
            message.english(params.get(message.by)) if isinstance(message, Counted) else message
        )
        super().__init__(english.format(**shown) if params else english)
        self.message = message
        self.params = params


class NotFound(CanError):
    """Something named in a request does not exist."""


class Invalid(CanError):
    """The request is malformed."""


class Ambiguous(Invalid):
    """A typed name fits several circles, roles, kits or meetups.

    ``typed`` is the text as the volunteer wrote it and ``candidates`` what each candidate is
    typed as (its slug or id) with its names by language, so the bot can offer one button each.
    """

    def __init__(
        self,
        message: str,
        typed: str,
        candidates: tuple[tuple[str, dict[str, str]], ...],
        **params: object,
    ) -> None:
        super().__init__(message, **params)
        self.typed = typed
        self.candidates = candidates


class Conflict(CanError):
    """The request contradicts the current state."""


class PermissionDenied(CanError):
    """The actor may not do this."""


class StoreError(CanError):
    """The store cannot be opened, locked or written."""


class StoreUnavailable(StoreError):
    """The database does not answer right now; the request changed nothing."""

    def __init__(self) -> None:
        super().__init__(N_("The database is not answering; please try again in a moment."))
