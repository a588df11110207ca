"""What the front page shows, gathered from the services: circles, meetups, check-ins, kit use."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from circles.model import Circle
from circles.services.checkins import CheckinView, kit_usage, recent_checkins
from circles.services.meetups import Upcoming, upcoming
from circles.services.roles import circle_tree
from circles.unit_of_work import UnitOfWork

MEETUP_HORIZON = timedelta(days=14)
MEETUPS_SHOWN = 6
PER_SERIES = 2  # a daily meetup must not fill the list: its next two sessions say enough
CHECKINS_SHOWN = 8


@dataclass(frozen=True)
class Overview:
    tree: list[tuple[int, Circle]]
    meetups: list[Upcoming]
    checkins: list[CheckinView]
    usage: Counter[str]
    volunteers: int
    names: dict[str, str]  # volunteer id -> display name, for role holders

    @property
    def roles(self) -> int:
        return sum(1 for _, c in self.tree for r in c.roles if r.status == "active")

    @property
    def held(self) -> int:
        return sum(1 for _, c in self.tree for r in c.roles if r.status == "active" and r.holders)


def read_overview(uow: UnitOfWork) -> Overview:
    tree = circle_tree(uow)
    meetups = next_of_each(upcoming(uow, horizon=MEETUP_HORIZON, limit=10_000))
    with uow.begin() as s:
        checkins = recent_checkins(s, CHECKINS_SHOWN)
        usage = kit_usage(s)
        volunteers = s.volunteers.count()
        holders = sorted({h for _, c in tree for r in c.roles for h in r.holders})
        names = s.volunteers.names_of(holders)
    return Overview(tree, meetups, checkins, usage, volunteers, names)


def next_of_each(sessions: list[Upcoming]) -> list[Upcoming]:
    """The soonest sessions, at most PER_SERIES of any one meetup, MEETUPS_SHOWN in all."""
    shown: Counter[str] = Counter()
    kept: list[Upcoming] = []
    for item in sessions:
        if shown[item.meetup.id] < PER_SERIES and len(kept) < MEETUPS_SHOWN:
            shown[item.meetup.id] += 1
            kept.append(item)
    return kept


def kit_usage_counts(uow: UnitOfWork) -> Counter[str]:
    with uow.begin() as s:
        return kit_usage(s)
