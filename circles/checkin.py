"""A check-in: a short record of an action taken, maybe tied to a kit and a neighborhood."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from circles.ports import Doc

# A kit is named in the text as ``#kit-id`` (kit ids are slugs: lowercase, digits, dashes).
KIT_TAG = re.compile(r"(?<![\w#])#([a-z0-9][a-z0-9-]{0,39})\b")


def kit_tags(text: str) -> list[str]:
    """Kit ids named as ``#kit-id`` in ``text``, in order, without repeats."""
    found: list[str] = []
    for match in KIT_TAG.finditer(text.lower()):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


@dataclass
class Checkin:
    """One action taken. ``volunteer`` is empty once its author asked to be forgotten."""

    id: str
    volunteer: str
    text: str
    kit: str
    neighborhood: str
    at: datetime

    def to_doc(self) -> Doc:
        return {
            "id": self.id,
            "volunteer": self.volunteer,
            "text": self.text,
            "kit": self.kit,
            "neighborhood": self.neighborhood,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Checkin:
        return cls(
            id=str(doc["id"]),
            volunteer=str(doc.get("volunteer") or ""),
            text=str(doc.get("text") or ""),
            kit=str(doc.get("kit") or ""),
            neighborhood=str(doc.get("neighborhood") or ""),
            at=datetime.fromisoformat(str(doc["at"])),
        )
