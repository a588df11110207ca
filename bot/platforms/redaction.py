"""Secrets out of logs: a filter that blanks tokens in every record a handler writes.

Quieting the HTTP client's loggers keeps the usual leak (request URLs carry the Telegram token)
out; this catches the rest, such as an exception text that quotes a URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

MASK = "[secret]"


class SecretRedactor(logging.Filter):
    """Replaces each secret in a record's message and exception text with ``[secret]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Short strings would mask ordinary words; real tokens are long.
        self._secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record with bad %-args still must not leak or vanish
            message = str(record.msg)
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def redact_logs(secrets: Iterable[str], logger: logging.Logger | None = None) -> SecretRedactor:
    """Install a redactor on every handler of ``logger`` (the root logger by default)."""
    redactor = SecretRedactor(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redactor)
    return redactor


def remove_redactor(redactor: SecretRedactor, logger: logging.Logger | None = None) -> None:
    for handler in (logger or logging.getLogger()).handlers:
        handler.removeFilter(redactor)
