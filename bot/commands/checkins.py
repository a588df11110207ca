"""Commands about actions taken: checkin, feed."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.local_time import when
from bot.reply import Reply
from circles.errors import N_
from circles.services.checkins import kit_usage, recent_checkins, record_checkin
from circles.services.meetups import viewer_timezone


def checkin(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    # The domain cannot see the kit catalog; it gets the ids the bot knows.
    known = {kit.id for kit in ctx.kits}
    recorded = record_checkin(ctx.uow, ctx.actor, args["text"], known)
    lines = [t("Recorded, thank you: {text}", text=recorded.text)]
    if recorded.kits:
        with ctx.uow.begin() as s:
            usage = kit_usage(s)
        for kit in recorded.kits:
            lines.append(
                t.plural(
                    "Kit {kit} has now been used once.",
                    "Kit {kit} has now been used {count} times.",
                    usage[kit],
                    kit=kit,
                )
            )
    if recorded.neighborhood:
        lines.append(t("Neighborhood: {place}", place=recorded.neighborhood))
    else:
        lines.append(t("Tip: profile neighborhood <name> tags your check-ins with your place."))
    return Reply("\n".join(lines))


def feed(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    with ctx.uow.begin() as s:
        views = recent_checkins(s)
    if not views:
        return Reply(t("No check-ins yet. Be the first: checkin <what you did>"))
    zone = viewer_timezone(ctx.uow, ctx.actor.identity)
    lines = [t("Recent actions, newest first:")]
    for view in views:
        author = view.author or t("a neighbor")
        place = f" ({view.checkin.neighborhood})" if view.checkin.neighborhood else ""
        lines.append(f"• {when(t, view.checkin.at, zone)} {author}{place}: {view.checkin.text}")
    return Reply("\n".join(lines))


def commands() -> list[Command]:
    return [
        Command(
            "checkin",
            "checkin <text...>",
            N_("Record an action you took; name a kit as #kit-id"),
            Who.VOLUNTEER,
            checkin,
        ),
        Command("feed", "feed", N_("Recent actions of the network"), Who.ANYONE, feed),
    ]
