"""The lead's view of role load in a circle: its people who carry too many roles, and roles
held for more terms in a row than the network allows."""

from __future__ import annotations

from bot.i18n import Translator
from circles.services.circle_page import Oversight
from circles.services.role_terms import LongHolding


def role_load_lines(
    t: Translator, oversight: Oversight | None, max_terms: int, limit: int
) -> list[str]:
    """Lines for leads (and admins) reading ``circle <slug>`` in a private chat; none otherwise.

    Not in groups: who carries too much is for a lead to take up with them, not to post in a
    shared chat, and a group's circle board must read the same for everyone who refreshes it
    (the caller asks for no oversight there).
    """
    if oversight is None:
        return []
    lines = long_holding_lines(t, oversight.long_holdings, max_terms)
    if not oversight.loads:
        return lines
    lines.append(
        t.plural(
            "For leads: holding more than {count} role across the network:",
            "For leads: holding more than {count} roles across the network:",
            limit,
        )
    )
    lines.extend(
        "• " + t.plural("{name}: {count} role", "{name}: {count} roles", load.roles, name=load.name)
        for load in oversight.loads
    )
    return lines


def long_holding_lines(t: Translator, found: list[LongHolding], limit: int) -> list[str]:
    """Roles one person has held for more terms in a row than ``governance.max_terms``: time to
    ask whether someone else could take it on (the same audience as the role load)."""
    if not found:
        return []
    lines = [
        t.plural(
            "For leads: held for more than {count} term in a row:",
            "For leads: held for more than {count} terms in a row:",
            limit,
        )
    ]
    lines.extend(
        "• " + t("{name}: {role}, term {count}", name=item.name, role=item.role, count=item.terms)
        for item in found
    )
    return lines
