"""Commands about circles and roles: circles, circle, roles, claim, release, myroles, assign,
unassign."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.governance import holder_since_lines, no_lead_line
from bot.commands.meetups import my_sessions, next_session_line
from bot.commands.registry import Args, Command, Who
from bot.commands.role_load import role_load_lines
from bot.i18n import Translator
from bot.reply import Button, Reply
from circles.errors import N_
from circles.model import PROPOSED, Circle, Role
from circles.services import roles as role_services
from circles.services.circle_page import circle_page
from circles.text import pick

MAX_BUTTONS = 12


def role_line(t: Translator, circle: Circle, role: Role, names: dict[str, str]) -> str:
    """``research/interviewer Interviewer (1/1): alice``"""
    lang = t.language
    capacity = "∞" if role.capacity == 0 else str(role.capacity)
    holders = t(", ").join(names.get(h, "?") for h in role.holders) or t("open")
    state = f" [{t('proposed')}]" if role.status == PROPOSED else ""
    return "• " + t(
        "{ref} {name} ({held}/{capacity}){state}: {holders}",
        ref=f"{circle.slug}/{role.slug}",
        name=pick(role.name, lang),
        held=len(role.holders),
        capacity=capacity,
        state=state,
        holders=holders,
    )


def claim_button(t: Translator, circle: Circle, role: Role) -> Button:
    return Button(
        t("Claim {role}", role=pick(role.name, t.language)), f"claim {circle.slug}/{role.slug}"
    )


def circles_(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    lines = [t("Circles of {network}:", network=ctx.config.network.name)]
    for depth, circle in role_services.circle_tree(ctx.uow):
        open_count = sum(1 for r in circle.roles if r.is_open)
        proposed = sum(1 for r in circle.roles if r.status == PROPOSED)
        indent = "  " * depth
        # Each count its own plural form ("1 member"), joined the language's way ("，" in Chinese).
        counts = [
            t.plural("{count} member", "{count} members", len(circle.members)),
            t.plural("{count} open role", "{count} open roles", open_count),
        ]
        if proposed:
            counts.append(t.plural("{count} proposed role", "{count} proposed roles", proposed))
        lines.append(
            f"{indent}• "
            + t("{name} ({slug})", name=circle.display_name(t.language), slug=circle.slug)
            + " — "
            + t(", ").join(counts)
        )
        purpose = pick(circle.purpose, t.language)
        if purpose:
            lines.append(f"{indent}  {purpose}")
    lines.append(t("Send circle <slug> for one circle."))
    return Reply("\n".join(lines))


def circle(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    page = circle_page(ctx.uow, ctx.actor, args["slug"], oversight=not ctx.actor.in_group)
    c = page.circle
    lines = [
        t("{name} ({slug})", name=c.display_name(t.language), slug=c.slug),
        pick(c.purpose, t.language),
    ]
    leads = t(", ").join(page.names.get(i, "?") for i in c.leads) or t("none yet")
    lines.append(t("Leads: {leads}", leads=leads))
    if not c.leads:
        lines.append(no_lead_line(t, c.slug, page.appointers))
    lines.append(t("Members: {count}", count=len(c.members)))
    if c.roles:
        lines.append(t("Roles:"))
        lines.extend(role_line(t, c, r, page.names) for r in c.roles)
        lines.extend(holder_since_lines(ctx, c, page.names, page.holdings))
    # Named in the reader's language (an English slug in a Chinese answer reads as noise).
    unheld = [
        pick(r.name, t.language) or r.slug
        for r in c.roles
        if r.status != PROPOSED and not r.holders
    ]
    if unheld:
        lines.append(t("Nobody holds: {roles}", roles=t(", ").join(unheld)))
    if page.children:
        lines.append(
            t("Sub-circles: {circles}", circles=t(", ").join(ch.slug for ch in page.children))
        )
    if c.chats:
        lines.append(t("Linked chats: {count}", count=len(c.chats)))
    next_meetup = next_session_line(t, page.next_session, page.timezone)
    if next_meetup:
        lines.append(next_meetup)
    network = ctx.uow.network
    lines.extend(
        role_load_lines(t, page.oversight, network.governance.max_terms, network.role_load_warning)
    )
    buttons = [claim_button(t, c, r) for r in c.roles if r.is_open][:MAX_BUTTONS]
    return Reply("\n".join(lines), buttons=tuple((b,) for b in buttons), refresh=f"circle {c.slug}")


def roles(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    skill = args.get("skill", "")
    found = role_services.open_roles(ctx.uow, ctx.actor, skill)
    if not found:
        if skill:
            return Reply(t("No open role matches '{skill}'. Send roles for all.", skill=skill[:40]))
        return Reply(t("Every role is taken right now. Propose a new one with newrole."))
    lines = [t("Open roles matching {skill}:", skill=skill) if skill else t("Open roles:")]
    for item in found:
        lines.append(role_line(t, item.circle, item.role, {}))
        purpose = pick(item.role.purpose, t.language)
        if purpose:
            lines.append(f"  {purpose}")
    buttons = [claim_button(t, i.circle, i.role) for i in found[:MAX_BUTTONS]]
    refresh = f"roles {skill}" if skill else "roles"
    return Reply("\n".join(lines), buttons=tuple((b,) for b in buttons), refresh=refresh)


def claim(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    change = role_services.claim_role(ctx.uow, ctx.actor, args["role"])
    lines = [
        t(
            "You now hold {circle}/{role} ({name}).",
            circle=change.circle.slug,
            role=change.role.slug,
            name=pick(change.role.name, t.language),
        )
    ]
    duties = [pick(a, t.language) for a in change.role.accountabilities]
    if duties:
        lines.append(t("What this role does:"))
        lines.extend(f"• {d}" for d in duties)
    release = Button(t("Release"), f"release {change.circle.slug}/{change.role.slug}")
    return Reply("\n".join(lines), buttons=((release,),))


def release(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    change = role_services.release_role(ctx.uow, ctx.actor, args["role"])
    return Reply(
        t("You released {circle}/{role}.", circle=change.circle.slug, role=change.role.slug)
    )


def myroles(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    volunteer, held = role_services.roles_of(ctx.uow, ctx.actor)
    sessions = my_sessions(ctx)
    if not held:
        return Reply(
            "\n".join([t("You hold no role yet. Send roles to find one."), *sessions]),
            buttons=((Button(t("Open roles"), "roles"),),),
        )
    lines = [t("Your roles, {name}:", name=volunteer.name)]
    for item in held:
        lines.append(f"• {item.circle.slug}/{item.role.slug} {pick(item.role.name, t.language)}")
    limit = ctx.config.network.role_load_warning
    if len(held) > limit:
        lines.append(
            t.plural(
                "You hold {count} role, more than {limit}: consider releasing one so others "
                "can step in.",
                "You hold {count} roles, more than {limit}: consider releasing one so others "
                "can step in.",
                len(held),
                limit=limit,
            )
        )
    lines.extend(sessions)
    return Reply("\n".join(lines))


def assign(ctx: CommandContext, args: Args) -> Reply:
    change = role_services.assign_role(ctx.uow, ctx.actor, args["role"], args["volunteer"])
    return _holder_changed(ctx.t, N_("{name} now holds {circle}/{role}."), change)


def unassign(ctx: CommandContext, args: Args) -> Reply:
    change = role_services.unassign_role(ctx.uow, ctx.actor, args["role"], args["volunteer"])
    return _holder_changed(ctx.t, N_("{name} no longer holds {circle}/{role}."), change)


def _holder_changed(t: Translator, message: str, change: role_services.RoleChange) -> Reply:
    return Reply(
        t(message, name=change.volunteer.name, circle=change.circle.slug, role=change.role.slug)
    )


def commands() -> list[Command]:
    return [
        Command("circles", "circles", N_("The circle tree with open roles"), Who.ANYONE, circles_),
        Command(
            "circle",
            "circle <slug>",
            N_("One circle: purpose, roles and holders, open roles"),
            Who.ANYONE,
            circle,
        ),
        Command(
            "roles",
            "roles [skill]",
            N_("Open roles, matched to your skills first"),
            Who.ANYONE,
            roles,
        ),
        # The Chinese names are the words of the claim and release buttons.
        Command(
            "claim",
            "claim <role>",
            N_("Take a role (circle/role)"),
            Who.VOLUNTEER,
            claim,
            aliases=("认领",),
        ),
        Command(
            "release",
            "release <role>",
            N_("Give up a role"),
            Who.VOLUNTEER,
            release,
            aliases=("放弃",),
        ),
        Command(
            "myroles", "myroles", N_("Your roles and upcoming meetups"), Who.VOLUNTEER, myroles
        ),
        Command(
            "assign",
            "assign <role> <volunteer>",
            N_("Give a role to a volunteer"),
            Who.LEAD,
            assign,
        ),
        Command(
            "unassign",
            "unassign <role> <volunteer>",
            N_("Remove a volunteer from a role"),
            Who.LEAD,
            unassign,
        ),
    ]
