"""A one-time code: a short secret a volunteer types once, within minutes, to prove it is them.

Only an HMAC of the code is stored, keyed by a secret that lives outside the store (for the
TinyDB store a 0600 file beside it, never exported). A code has 31^8 (about 8.5e11) values, few
enough that a plain hash could be reversed on one GPU within the code's ten minutes; without the
key, the store, its journal, its backups and its exports give nothing to test a guess against.
The code itself exists only in the reply that showed it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from circles.ports import Doc

# No 0/O, 1/I/L: a code is read on one screen and typed on another.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    """A fresh code shown as ``ABCD-EFGH`` (31^8, about 8.5e11 possibilities)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize(text: str) -> str:
    """What the volunteer typed, in the canonical form: upper case, no dashes or spaces."""
    return "".join(ch for ch in text.upper() if ch not in "- ")


def digest(key: bytes, purpose: str, code: str) -> str:
    """The stored key of a code: an HMAC under the store's secret ``key``. The purpose is part
    of it, so a code only works for its use."""
    message = f"{purpose}:{normalize(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def well_formed(code: str) -> bool:
    raw = normalize(code)
    return len(raw) == LENGTH and all(ch in ALPHABET for ch in raw)


@dataclass(frozen=True)
class OneTimeCode:
    """A stored code: its digest, what it is for, whose it is, where and until when it works.

    ``platform`` is the prefix of the identity that asked for it (``telegram``, ``console``):
    a link code must be redeemed from another platform.
    """

    digest: str
    purpose: str
    volunteer: str
    platform: str
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def to_doc(self) -> Doc:
        return {
            "id": self.digest,
            "purpose": self.purpose,
            "volunteer": self.volunteer,
            "platform": self.platform,
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> OneTimeCode:
        return cls(
            digest=str(doc["id"]),
            purpose=str(doc["purpose"]),
            volunteer=str(doc["volunteer"]),
            platform=str(doc.get("platform", "")),
            expires_at=datetime.fromisoformat(str(doc["expires_at"])),
        )
