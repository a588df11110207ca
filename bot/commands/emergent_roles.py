"""Commands for emergent roles: newrole, accept, object, reject, proposals."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.local_time import when
from bot.reply import Button, Reply
from circles.errors import N_
from circles.services import emergent_roles
from circles.text import pick

MAX_BUTTONS = 12


def newrole(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    made = emergent_roles.propose_role(
        ctx.uow, ctx.actor, args["circle"], args["slug"], args["name-and-purpose"], t.language
    )
    ref = f"{made.circle.slug}/{made.role.slug}"
    stands = emergent_roles.stands_at(made.role) or ctx.uow.clock.now()
    text = t(
        "You proposed the role {role} ({name}). It stands on {when} unless a member objects; "
        "a lead may accept it sooner.",
        role=ref,
        name=pick(made.role.name, t.language),
        when=when(t, stands, ctx.config.network.timezone),
    )
    return Reply(text, buttons=((Button(t("Proposals"), f"proposals {made.circle.slug}"),),))


def accept(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = emergent_roles.accept_role(ctx.uow, ctx.actor, args["role"])
    ref = f"{done.circle.slug}/{done.role.slug}"
    return Reply(
        t("{role} is active now: it can be claimed.", role=ref),
        buttons=(
            (Button(t("Claim {role}", role=pick(done.role.name, t.language)), f"claim {ref}"),),
        ),
    )


def object_(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = emergent_roles.object_to_role(ctx.uow, ctx.actor, args["role"])
    return Reply(
        t(
            "You object to {role}: it will not stand by itself and waits for a lead to accept "
            "or reject it.",
            role=f"{done.circle.slug}/{done.role.slug}",
        )
    )


def reject(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = emergent_roles.reject_role(ctx.uow, ctx.actor, args["role"])
    return Reply(
        t(
            "The proposed role {role} is removed.",
            role=f"{done.circle.slug}/{done.role.slug}",
        )
    )


def proposals(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    circle = args.get("circle", "")
    found = emergent_roles.pending_proposals(ctx.uow, circle, ctx.actor)
    if not found:
        return Reply(t("No role is waiting to be accepted. Propose one with newrole."))
    lines = [t("Proposed roles:")]
    buttons: list[tuple[Button, ...]] = []
    zone = ctx.config.network.timezone
    for item in found:
        ref = f"{item.circle.slug}/{item.role.slug}"
        by = item.names.get(item.role.proposed_by, "—")
        proposer = t("by {name}", name=by)
        lines.append(f"• {ref} {pick(item.role.name, t.language)} — {proposer}")
        purpose = pick(item.role.purpose, t.language)
        if purpose:
            lines.append(f"  {purpose}")
        if item.stands_at is None:
            objectors = t(", ").join(item.names.get(i, "?") for i in item.role.objections)
            lines.append("  " + t("Objections from {names}: waits for a lead.", names=objectors))
        else:
            lines.append(
                "  " + t("Stands on {when} if nobody objects.", when=when(t, item.stands_at, zone))
            )
        # Only what this reader may do: a button that is then refused teaches nothing.
        row = [Button(t("Object"), f"object {ref}")] if item.may_object else []
        if item.may_accept:
            row.append(Button(t("Accept"), f"accept {ref}"))
        if row and len(buttons) < MAX_BUTTONS:
            buttons.append(tuple(row))
    return Reply("\n".join(lines), buttons=tuple(buttons))


def commands() -> list[Command]:
    return [
        Command(
            "newrole",
            "newrole <circle> <slug> <name-and-purpose...>",
            N_(
                "Propose a new role in your circle: newrole research translator Translator: "
                "turns interviews into English"
            ),
            Who.MEMBER,
            newrole,
        ),
        Command(
            "accept",
            "accept <role>",
            N_("Accept a proposed role (circle/role)"),
            Who.LEAD,
            accept,
        ),
        Command(
            "object",
            "object <role>",
            N_("Object to a proposed role: it then waits for a lead"),
            Who.MEMBER,
            object_,
        ),
        Command(
            "reject",
            "reject <role>",
            N_("Reject a proposed role (leads), or withdraw your own proposal"),
            Who.LEAD,
            reject,
        ),
        Command(
            "proposals",
            "proposals [circle]",
            N_("Proposed roles waiting to stand, with who objects"),
            Who.ANYONE,
            proposals,
        ),
    ]
