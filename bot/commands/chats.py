"""Commands about a circle's chats: link, unlink."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.reply import Reply
from circles.errors import N_
from circles.services import chats, neighborhood_chats

NEIGHBORHOOD_MARKS = ("@", "＠")


def link(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    if args["circle"].startswith(NEIGHBORHOOD_MARKS):
        place = neighborhood_chats.link_neighborhood(ctx.uow, ctx.actor, args["circle"][1:])
        if not place.changed:
            return Reply(t("This chat is already linked to {place}.", place=place.name))
        return Reply(
            t(
                "This chat is now linked to {place}: new asks there will be announced here.",
                place=place.name,
            )
        )
    result = chats.link_chat(ctx.uow, ctx.actor, args["circle"])
    name = result.circle.display_name(t.language)
    if not result.changed:
        return Reply(t("This chat is already linked to {circle}.", circle=name))
    return Reply(
        t(
            "This chat is now linked to {circle}: its reminders and announcements will come here.",
            circle=name,
        )
    )


def unlink(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    if args["circle"].startswith(NEIGHBORHOOD_MARKS):
        place = neighborhood_chats.unlink_neighborhood(ctx.uow, ctx.actor, args["circle"][1:])
        return Reply(t("This chat is no longer linked to {place}.", place=place.name))
    result = chats.unlink_chat(ctx.uow, ctx.actor, args["circle"])
    name = result.circle.display_name(t.language)
    return Reply(t("This chat is no longer linked to {circle}.", circle=name))


def commands() -> list[Command]:
    return [
        Command(
            "link",
            "link <circle>",
            N_("In a group chat: make it the circle's chat for reminders and announcements"),
            Who.LEAD,
            link,
        ),
        Command(
            "unlink",
            "unlink <circle>",
            N_("In a group chat: stop it being the circle's chat"),
            Who.LEAD,
            unlink,
        ),
    ]
