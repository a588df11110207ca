"""A request the portal refuses: an HTTP status and an English message template to translate."""

from __future__ import annotations


class PageError(Exception):
    """Raised by a handler; the guard shows it as a page in the reader's language."""

    def __init__(self, status: int, message: str, **params: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params
        self.back = ""  # a page of ours to go back to and try again (a kit's form), if any
        # The reader's language when the address's ?lang= means something else (a kit's).
        self.lang = ""
