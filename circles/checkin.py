"""A check-in: a short record of an action taken, maybe tied to a kit and a neighborhood."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    kit: str  # the first kit named, as the export's ``kit`` has always meant
    neighborhood: str
    at: datetime
    kits: list[str] = field(default_factory=list)  # every kit named, the first included

    def __post_init__(self) -> None:
        if self.kit and not self.kits:
            self.kits = [self.kit]

    def to_doc(self) -> Doc:
        return {
            "id": self.id,
            "volunteer": self.volunteer,
            "text": self.text,
            "kit": self.kit,
            "kits": list(self.kits),
            "neighborhood": self.neighborhood,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Checkin:
        # Documents (and exports) from before ``kits`` have only ``kit``: __post_init__ fills it.
        return cls(
            id=str(doc["id"]),
            volunteer=str(doc.get("volunteer") or ""),
            text=str(doc.get("text") or ""),
            kit=str(doc.get("kit") or ""),
            neighborhood=str(doc.get("neighborhood") or ""),
            at=datetime.fromisoformat(str(doc["at"])),
            kits=[str(k) for k in doc.get("kits") or []],
        )
