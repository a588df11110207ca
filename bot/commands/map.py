"""The ``map`` command: the circle map as an image, with the link to the live map."""

from __future__ import annotations

from bot.circle_map.snapshot import read_circle_map
from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.reply import Attachment, Reply
from circles.errors import N_


def show_map(ctx: CommandContext, args: Args) -> Reply:
    png = ctx.map_drawings.png(read_circle_map(ctx.uow), ctx.language)
    url = f"{ctx.config.web.public_url.rstrip('/')}/map"
    return Reply(
        ctx.t("The circle map. It changes as roles are claimed: {url}", url=url),
        attachments=(Attachment("circle-map.png", "image/png", png),),
    )


def commands() -> list[Command]:
    return [
        Command(
            "map",
            "map",
            N_("The circle map as an image, with a link to the live map"),
            Who.ANYONE,
            show_map,
            slow=True,  # rasterising a new map's PNG takes 0.5-1.5 s (bench/portal.py)
        )
    ]
