"""The lead's view of role load in a circle: its people who carry too many roles."""

from __future__ import annotations

from bot.commands.context import CommandContext
from circles.services.role_load import overloaded_in
from circles.services.role_terms import long_holdings


def role_load_lines(ctx: CommandContext, slug: str) -> list[str]:
    """Lines for leads (and admins) reading ``circle <slug>`` in a private chat; none otherwise.

    Not in groups: who carries too much is for a lead to take up with them, not to post in a
    shared chat, and a group's circle board must read the same for everyone who refreshes it.
    """
    if ctx.actor.in_group:
        return []
    t = ctx.t
    lines = long_holding_lines(ctx, slug)
    loads = overloaded_in(ctx.uow, ctx.actor, slug)
    if not loads:
        return lines
    limit = ctx.uow.network.role_load_warning
    lines.append(
        t.plural(
            "For leads: holding more than {count} role across the network:",
            "For leads: holding more than {count} roles across the network:",
            limit,
        )
    )
    lines.extend(
        "• " + t.plural("{name}: {count} role", "{name}: {count} roles", load.roles, name=load.name)
        for load in loads
    )
    return lines


def long_holding_lines(ctx: CommandContext, slug: str) -> list[str]:
    """Roles one person has held for more terms in a row than ``governance.max_terms``: time to
    ask whether someone else could take it on (the same audience as the role load)."""
    found = long_holdings(ctx.uow, ctx.actor, slug)
    if not found:
        return []
    t = ctx.t
    limit = ctx.uow.network.governance.max_terms
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
