"""A consent decision: a proposal in a circle, the positions its members take, and its outcome."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from circles.errors import N_, Invalid, plural

PLAIN, ROLE, LEAD, SPLIT = "plain", "role", "lead", "split"
KINDS = (PLAIN, ROLE, LEAD, SPLIT)
AGREE, ABSTAIN, DISAGREE, BLOCK = "agree", "abstain", "disagree", "block"
ANSWERS = (AGREE, ABSTAIN, DISAGREE, BLOCK)
NEEDS_REASON = (DISAGREE, BLOCK)
OPEN, PASSED, FAILED, WITHDRAWN = "open", "passed", "failed", "withdrawn"
# How it closes: by consent (no block and a quorum of positions), or the emergent-role rule
# (it stands when nobody objected, however few took a position).
CONSENT, NO_OBJECTION = "consent", "no-objection"

SPAN = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
SPAN_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
# Labels of the answers, for translation where they are shown.
ANSWER_LABELS = {
    AGREE: N_("agree"),
    ABSTAIN: N_("abstain"),
    DISAGREE: N_("disagree"),
    BLOCK: N_("block"),
}


def parse_span(text: str, *, longest: timedelta) -> timedelta:
    """``30m``, ``48h``, ``7d``, ``2w``: at least one minute, at most ``longest``."""
    match = SPAN.match(text.strip().lower())
    if not match:
        raise Invalid(N_("'{value}' is not a duration like 30m, 48h or 90d."), value=text[:20])
    span = timedelta(seconds=int(match.group(1)) * SPAN_UNITS[match.group(2)])
    if span < timedelta(minutes=1) or span > longest:
        raise Invalid(
            plural(
                "{value} is out of range: from 1 minute to {days} day.",
                "{value} is out of range: from 1 minute to {days} days.",
                by="days",
            ),
            value=text[:20],
            days=longest.days,
        )
    return span


@dataclass
class Position:
    answer: str
    reason: str
    at: datetime


@dataclass
class Decision:
    id: str
    circle: str
    title: str
    description: str
    kind: str
    proposer: str
    opened_at: datetime
    closes_at: datetime
    rule: str = CONSENT
    status: str = OPEN
    lead: str = ""  # kind lead: the volunteer to appoint
    role: str = ""  # kind role: the proposed role's slug
    split: dict[str, Any] = field(default_factory=dict)  # kind split: {"child", "roles"}
    positions: dict[str, Position] = field(default_factory=dict)
    anonymous: dict[str, int] = field(default_factory=dict)  # positions of forgotten people
    reminded: bool = False
    amended: int = 0
    closed_at: datetime | None = None
    outcome: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def counts(self) -> dict[str, int]:
        counted = Counter(p.answer for p in self.positions.values())
        counted.update(self.anonymous)
        return {answer: counted.get(answer, 0) for answer in ANSWERS}

    def block_reasons(self) -> list[str]:
        return [p.reason for p in self.positions.values() if p.answer == BLOCK and p.reason]

    def evaluate(self, quorum: int) -> tuple[bool, str]:
        """Whether it passes now, and why not: ``blocked`` or ``no-quorum``."""
        counts = self.counts()
        if counts[BLOCK]:
            return False, "blocked"
        if self.rule == CONSENT and sum(counts.values()) < quorum:
            return False, "no-quorum"
        return True, ""

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "circle": self.circle,
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "rule": self.rule,
            "proposer": self.proposer,
            "opened_at": self.opened_at.isoformat(),
            "closes_at": self.closes_at.isoformat(),
            "status": self.status,
            "lead": self.lead,
            "role": self.role,
            "split": dict(self.split),
            "positions": {
                who: {"answer": p.answer, "reason": p.reason, "at": p.at.isoformat()}
                for who, p in self.positions.items()
            },
            "anonymous": dict(self.anonymous),
            "reminded": self.reminded,
            "amended": self.amended,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "outcome": dict(self.outcome),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Decision:
        return cls(
            id=doc["id"],
            circle=doc["circle"],
            title=doc["title"],
            description=doc.get("description", ""),
            kind=doc.get("kind", PLAIN),
            rule=doc.get("rule", CONSENT),
            proposer=doc.get("proposer", ""),
            opened_at=datetime.fromisoformat(doc["opened_at"]),
            closes_at=datetime.fromisoformat(doc["closes_at"]),
            status=doc.get("status", OPEN),
            lead=doc.get("lead", ""),
            role=doc.get("role", ""),
            split=dict(doc.get("split", {})),
            positions={
                who: Position(p["answer"], p.get("reason", ""), datetime.fromisoformat(p["at"]))
                for who, p in doc.get("positions", {}).items()
            },
            anonymous={k: int(v) for k, v in doc.get("anonymous", {}).items()},
            reminded=bool(doc.get("reminded", False)),
            amended=int(doc.get("amended", 0)),
            closed_at=datetime.fromisoformat(doc["closed_at"]) if doc.get("closed_at") else None,
            outcome=dict(doc.get("outcome", {})),
        )
