"""A topic: someone's "I want to work on X", its backers, and the action group it may become."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from circles.errors import N_, Conflict

OPEN = "open"
FORMED = "formed"
CLOSED = "closed"  # by a lead (or its proposer): spam, a duplicate, no longer wanted
MAX_SLUG = 32
# Shorter ASCII than this says nothing about the topic (a Chinese title with one stray letter).
MIN_SLUG = 3


@dataclass
class Topic:
    """A proposal anyone can make; the proposer is its first backer."""

    id: str
    title: str
    proposer: str
    created_at: datetime
    parent: str = "practice"  # where its action group forms
    backers: list[str] = field(default_factory=list)
    status: str = OPEN
    circle: str = ""  # the action group's slug, once formed
    formed_at: datetime | None = None
    reason: str = ""  # why it was closed

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def back(self, volunteer_id: str) -> None:
        if self.status == CLOSED:
            raise Conflict(N_("Topic {topic} is closed."), topic=self.id)
        if not self.is_open:
            raise Conflict(
                N_("Topic {topic} is already the action group {circle}: join it there."),
                topic=self.id,
                circle=self.circle,
            )
        if volunteer_id in self.backers:
            raise Conflict(N_("You already back topic {topic}."), topic=self.id)
        self.backers.append(volunteer_id)

    def to_doc(self) -> dict[str, Any]:
        doc = {
            "id": self.id,
            "title": self.title,
            "proposer": self.proposer,
            "backers": list(self.backers),
            "status": self.status,
            "circle": self.circle or None,
            "parent": self.parent,
            "created_at": self.created_at.isoformat(),
            "formed_at": self.formed_at.isoformat() if self.formed_at else None,
        }
        if self.status == CLOSED:
            doc["reason"] = (
                self.reason
            )  # only closed topics have one: older documents stay as they were
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Topic:
        formed_at = doc.get("formed_at")
        return cls(
            id=str(doc["id"]),
            title=str(doc["title"]),
            proposer=str(doc.get("proposer") or ""),
            created_at=datetime.fromisoformat(doc["created_at"]),
            parent=str(doc.get("parent") or "practice"),
            backers=[str(b) for b in doc.get("backers", [])],
            status=str(doc.get("status", OPEN)),
            circle=str(doc.get("circle") or ""),
            formed_at=datetime.fromisoformat(formed_at) if formed_at else None,
            reason=str(doc.get("reason") or ""),
        )


def ascii_slug(title: str) -> str:
    """``Parcel sorting at Xinhua Road!`` -> ``parcel-sorting-at-xinhua-road`` (may be empty)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > MAX_SLUG:
        cut = text[:MAX_SLUG]
        # Cut at a word boundary when one is not too far back, so the slug stays readable.
        text = cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG // 2 :] else cut
    return text.strip("-")


def group_slug(title: str, topic_id: str, taken: Callable[[str], bool]) -> str:
    """A free circle slug from the title; ``group-<id>`` when the title gives no usable ASCII."""
    base = ascii_slug(title)
    if len(base) < MIN_SLUG:
        base = f"group-{topic_id}"[:MAX_SLUG]
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
    return candidate
