"""The split command: a lead moves some roles of a circle into a new sub-circle."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.reply import Button, Reply
from circles.errors import N_
from circles.separator import list_words
from circles.services.split import split_circle


def split(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = split_circle(
        ctx.uow, ctx.actor, args["circle"], args["new-slug"], list_words(args["roles"])
    )
    child = done.child
    text = t(
        "{circle} split: the new circle {child} ({name}) carries {roles}. Holders who moved "
        "with their roles: {count}. Leads of {circle} lead it too.",
        circle=done.parent.slug,
        child=child.slug,
        name=child.display_name(t.language),
        roles=", ".join(r.slug for r in child.roles),
        count=len(done.moved_holders),
    )
    return Reply(text, buttons=((Button(t("See the new circle"), f"circle {child.slug}"),),))


def commands() -> list[Command]:
    return [
        Command(
            "split",
            "split <circle> <new-slug> <roles...>",
            N_(
                "New sub-circle from some roles of a circle; holders move with their roles "
                "(at least one role stays)"
            ),
            Who.LEAD,
            split,
        ),
    ]
