"""One circle as the `circle` command shows it, read in one transaction.

The page has parts that are use cases of their own elsewhere: who may appoint a missing lead,
since when each holder holds their role, the next session, and for those who may oversee the
circle its role load and long holdings. Read one by one they cost a transaction each, which on
PostgreSQL is a pooled connection, the transaction lock and a few round trips; here they share
the revision's read model and one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.holding import Holding
from circles.model import Circle
from circles.services.leadership import appointer_ids
from circles.services.lookup import find_circle_in
from circles.services.meetups import Upcoming, next_session_in, timezone_of
from circles.services.role_load import Load, loads_in, may_oversee
from circles.services.role_terms import LongHolding, long_holdings_in, open_holdings
from circles.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Oversight:
    """What only the circle's leads (and leads above, and admins) are shown."""

    loads: list[Load]  # its people holding too many roles network-wide
    long_holdings: list[LongHolding]  # roles held for more terms in a row than allowed


@dataclass(frozen=True)
class CirclePage:
    circle: Circle
    children: list[Circle]
    names: dict[str, str]  # volunteer id -> display name, for its leads and holders
    appointers: list[str]  # names of who may appoint a lead; empty when it has leads
    holdings: dict[tuple[str, str], Holding]  # (role, volunteer) -> the open holding
    next_session: Upcoming | None
    timezone: str  # the reader's, for the next session
    oversight: Oversight | None  # None: not asked for, or the reader may not see it


def circle_page(uow: UnitOfWork, actor: Actor, typed: str, *, oversight: bool) -> CirclePage:
    """The circle ``typed`` names (slug, name or prefix) with every part of its page.

    ``oversight``: whether to include the leads' part at all (the bot leaves it out of group
    chats, where a circle board must read the same for everyone).
    """
    view = uow.circles_view()
    circle = find_circle_in(view, typed)
    with uow.begin() as s:
        appointing = [] if circle.leads else appointer_ids(s, view, circle)
        shown = {*circle.leads, *(h for r in circle.roles for h in r.holders), *appointing}
        names = s.volunteers.names_of(shown)
        held = open_holdings(s, circle)
        overseen = None
        if oversight and may_oversee(s, actor, circle):
            overseen = Oversight(loads_in(s, circle, view.circles), long_holdings_in(s, held))
        return CirclePage(
            circle=circle,
            children=view.children_of(circle.slug),
            names=names,
            appointers=[names[i] for i in appointing],
            holdings=held,
            next_session=next_session_in(s, circle.slug),
            timezone=timezone_of(s, actor.identity),
            oversight=overseen,
        )
