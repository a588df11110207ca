"""The lead's view of role load in a circle: its people who carry too many roles."""

from __future__ import annotations

from bot.commands.context import CommandContext
from circles.services.role_load import overloaded_in


def role_load_lines(ctx: CommandContext, slug: str) -> list[str]:
    """Lines for leads (and admins) reading ``circle <slug>`` in a private chat; none otherwise.

    Not in groups: who carries too much is for a lead to take up with them, not to post in a
    shared chat, and a group's circle board must read the same for everyone who refreshes it.
    """
    if ctx.actor.in_group:
        return []
    loads = overloaded_in(ctx.uow, ctx.actor, slug)
    if not loads:
        return []
    t = ctx.t
    limit = ctx.uow.network.role_load_warning
    lines = [t("For leads: holding more than {limit} roles across the network:", limit=limit)]
    lines.extend(
        "• " + t.plural("{name}: {count} role", "{name}: {count} roles", load.roles, name=load.name)
        for load in loads
    )
    return lines
