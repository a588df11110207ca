"""Commands for getting started: start, help, join, profile, lang."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.reply import Button, Reply
from circles.errors import N_
from circles.services import membership


def start(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    text = "\n".join(
        [
            t(
                "Welcome to {network}, a mutual-aid network that organizes itself in circles.",
                network=ctx.config.network.name,
            ),
            t("Each person claims a role by their mission and best skill; nobody is in charge."),
            "",
            t("1. join [your neighborhood] to become a volunteer"),
            t("2. circles to see the circles, roles to find an open role"),
            t("3. claim <circle/role> to take one"),
            "",
            t("Send help for every command."),
        ]
    )
    return Reply(
        text,
        buttons=((Button(t("Join"), "join"), Button(t("Open roles"), "roles")),),
    )


def help_(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    name = args.get("command", "").lstrip("/").lower()
    if name:
        command = ctx.registry.get(name)
        if command is None:
            return Reply(
                t("Unknown command '{name}'. Send help for the list.", name=name[:30]),
                error=True,
            )
        who = t("Who may use it: {who}", who=t(command.who_label))
        lines = [command.usage, t(command.summary), who]
        if command.aliases:
            lines.append(t("Also: {names}", names=" ".join(command.aliases)))
        return Reply("\n".join(lines))
    lines = [t("Commands (send help <command> for one):")]
    for command in ctx.registry:
        names = f" ({' '.join(command.aliases)})" if command.aliases else ""
        lines.append(f"{command.usage}{names} — {t(command.summary)}")
    return Reply("\n".join(lines))


def join(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    joined = membership.join(ctx.uow, ctx.actor, args.get("neighborhood", ""))
    v = joined.volunteer
    if joined.created:
        text = t("Welcome, {name}! You are now a volunteer.", name=v.name)
        text += "\n" + t("Next: profile skills a,b to say what you are good at, then roles.")
        buttons = ((Button(t("Open roles"), "roles"), Button(t("Circles"), "circles")),)
        return Reply(text, buttons=buttons)
    text = t("You are already a volunteer, {name}.", name=v.name)
    if v.neighborhood:
        text += "\n" + t("Neighborhood: {place}", place=v.neighborhood)
    return Reply(text)


def profile(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    field = args.get("field")
    if field is not None:
        value = args.get("value", "")
        if not value:
            return Reply(
                t(
                    "Write the new value after {field}, for example: profile {field} ...",
                    field=field[:20],
                ),
                error=True,
            )
        volunteer = membership.update_profile(ctx.uow, ctx.actor, field, value)
        prefix = t("Saved.") + "\n"
    else:
        with ctx.uow.begin() as s:
            volunteer = s.require_volunteer(ctx.actor.identity)
        prefix = ""
    none = t("(not set)")
    lines = [
        t("Name: {value}", value=volunteer.name),
        t("Neighborhood: {place}", place=volunteer.neighborhood or none),
        t("Skills: {value}", value=t(", ").join(volunteer.skills) or none),
        t("Mission: {value}", value=volunteer.mission or none),
        t("Linked accounts: {value}", value=", ".join(volunteer.identities)),
    ]
    return Reply(prefix + "\n".join(lines))


def lang(ctx: CommandContext, args: Args) -> Reply:
    language = membership.set_language(ctx.uow, ctx.actor, args["language"])
    # The confirmation speaks the language just chosen, not the one the command came in.
    t = ctx.catalogs.translator(language)
    return Reply(t("OK, I will reply in English from now on."))


def commands() -> list[Command]:
    return [
        Command("start", "start", N_("Welcome and first steps"), Who.ANYONE, start),
        Command(
            "help", "help [command]", N_("Every command, or how to use one"), Who.ANYONE, help_
        ),
        Command("join", "join [neighborhood...]", N_("Become a volunteer"), Who.ANYONE, join),
        Command(
            "profile",
            "profile [field] [value...]",
            N_("Show your profile, or change skills, neighborhood, mission or name"),
            Who.VOLUNTEER,
            profile,
        ),
        Command("lang", "lang <language>", N_("Reply language: zh or en"), Who.ANYONE, lang),
    ]
