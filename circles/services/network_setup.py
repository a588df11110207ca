"""Seeding the network on first start."""

from __future__ import annotations

from circles.model import NETWORK
from circles.seed import root_circles
from circles.unit_of_work import UnitOfWork


def ensure_seeded(uow: UnitOfWork) -> bool:
    """Create the network circle and the five root circles if the store has none; True if it did."""
    with uow.begin() as s:
        if s.circles.get(NETWORK) is not None:
            return False
        for circle in root_circles():
            s.circles.save(circle)
        s.commit()
        return True
