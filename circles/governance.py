"""The network's governance rules: how decisions close and how long role terms run."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

NAMES = "names"
COUNTS = "counts"


@dataclass(frozen=True)
class Governance:
    """Defaults for consent decisions and role terms (config ``governance:``)."""

    close_after: timedelta = timedelta(hours=48)
    quorum: Fraction = Fraction(1, 3)  # of the circle's members who must take a position
    quorum_min: int = 2
    remind_before: timedelta = timedelta(hours=12)
    term_notice: timedelta = timedelta(days=7)
    term_grace: timedelta = timedelta(days=7)
    max_terms: int = 2  # terms in a row before the leads are told
    positions: str = NAMES  # who took which position: public names, or counts only

    def quorum_for(self, members: int) -> int:
        """Positions needed in a circle of ``members``: the fraction, at least ``quorum_min``,
        never more than there are members (a circle of one can still decide)."""
        needed = max(math.ceil(self.quorum * members), self.quorum_min)
        return max(min(needed, members), 1)
