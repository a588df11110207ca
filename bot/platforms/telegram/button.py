"""Callback data of inline buttons: the command a press runs and the view it refreshes, in 64 bytes.

Telegram gives a button at most 64 bytes of callback data, and a modified client can send any
bytes it likes. So the data carries a short signature (HMAC with a key derived from the bot
token, so buttons survive a restart) over what it holds:

``1<sig8><command>|<refresh>``  when it fits, which is almost always;
``2<sig8><key8>``                a key into a bounded in-memory map otherwise.

A bad signature is a forged press; a good one whose key was forgotten is a stale press. Both
raise ButtonError with a message for the presser, and neither runs anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from circles.errors import N_

MAX_BYTES = 64
INLINE = "1"
STORED = "2"
SIG_LENGTH = 8
KEY_LENGTH = 8
SEPARATOR = "|"
REMEMBERED = 10_000


class ButtonError(Exception):
    """A press that cannot run: ``message`` is an English template for the presser."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Press:
    """What a button asks for: run ``command``, then re-render ``refresh`` in its message."""

    command: str
    refresh: str = ""


class ButtonCodec:
    """Encodes presses into callback data and back, refusing forged and forgotten ones."""

    def __init__(self, secret: str, remembered: int = REMEMBERED) -> None:
        self._key = hashlib.sha256(b"canbot telegram buttons\x00" + secret.encode()).digest()
        self._remembered = remembered
        self._stored: OrderedDict[str, Press] = OrderedDict()

    def encode(self, press: Press) -> str:
        body = press.command + SEPARATOR + press.refresh
        if SEPARATOR not in press.command:
            data = INLINE + self._sign(INLINE + body) + body
            if len(data.encode()) <= MAX_BYTES:
                return data
        key = secrets.token_urlsafe(6)[:KEY_LENGTH]
        self._stored[key] = press
        while len(self._stored) > self._remembered:
            self._stored.popitem(last=False)
        return STORED + self._sign(STORED + key) + key

    def decode(self, data: str | None) -> Press:
        if not data or data[0] not in (INLINE, STORED) or len(data) < 1 + SIG_LENGTH:
            raise ButtonError(N_("That button is not one of mine."))
        kind, signature, body = data[0], data[1 : 1 + SIG_LENGTH], data[1 + SIG_LENGTH :]
        if not hmac.compare_digest(signature.encode(), self._sign(kind + body).encode()):
            raise ButtonError(N_("That button is not one of mine."))
        if kind == STORED:
            press = self._stored.get(body)
            if press is None:
                raise ButtonError(
                    N_("That button has expired. Send the command again, for example: help")
                )
            self._stored.move_to_end(body)
            return press
        command, _, refresh = body.partition(SEPARATOR)
        return Press(command, refresh)

    def _sign(self, text: str) -> str:
        digest = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:SIG_LENGTH]
