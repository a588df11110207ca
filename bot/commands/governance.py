"""Governance commands: lead, unlead, admin, decide, position, decisions, history, term."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.i18n import Translator
from bot.local_time import when
from bot.reply import Button, Reply
from circles.decision import ANSWER_LABELS, ANSWERS, NEEDS_REASON, OPEN, Decision, parse_span
from circles.errors import N_, Invalid
from circles.holding import Holding
from circles.model import Circle
from circles.services import decisions, leadership, role_terms
from circles.services import governance_log as glog
from circles.services.decisions import LONGEST
from circles.text import pick

# Roles of a split, as a Chinese keyboard types a list too: 访谈员，场景梳理员、小茶馆主持.
ROLE_LIST = re.compile(r"[,，、]")
FLAG = re.compile(r"(?:^|\s)--(by|lead|role|split|why)(?=\s|$)")
HISTORY_LIMIT = 20
# The keywords of these commands as a Chinese speaker types them (the commands have Chinese
# names too): 表态 3 同意, 管理员 添加 小王, 任期 research/interviewer 留任, 决定 撤回 3.
KEYWORDS = {
    "同意": "agree",
    "弃权": "abstain",
    "反对": "disagree",
    "阻止": "block",
    "添加": "add",
    "移除": "remove",
    "留任": "stay",
    "交接": "handover",
    "修改": "amend",
    "撤回": "withdraw",
}


def keyword(word: str) -> str:
    """The English keyword for ``word`` (lower-cased), whichever language it was typed in."""
    word = word.strip().lower()
    return KEYWORDS.get(word, word)


STATUS_LABELS = {
    # Not plain "open": in Chinese that word is a vacant role (空缺).
    "open": N_("open for positions"),
    "passed": N_("passed"),
    "failed": N_("did not pass"),
    "withdrawn": N_("withdrawn"),
}


def _when(ctx: CommandContext, moment: datetime) -> str:
    return when(ctx.t, moment, ctx.config.network.timezone)


# -- leads and admins --------------------------------------------------------------------------


def lead(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = leadership.appoint(
        ctx.uow, ctx.actor, args["circle"], args["volunteer"], args.get("reason", "")
    )
    return Reply(
        t(
            "{name} is now a lead of {circle}; they were told and may decline.",
            name=done.volunteer.name,
            circle=done.circle.slug,
        ),
        buttons=(
            (Button(t("Circle {circle}", circle=done.circle.slug), f"circle {done.circle.slug}"),),
        ),
    )


def unlead(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = leadership.unappoint(
        ctx.uow, ctx.actor, args["circle"], args["volunteer"], args.get("reason", "")
    )
    if done.by_self:
        return Reply(t("You are no longer a lead of {circle}.", circle=done.circle.slug))
    return Reply(
        t(
            "{name} is no longer a lead of {circle}.",
            name=done.volunteer.name,
            circle=done.circle.slug,
        )
    )


def admin(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    action = keyword(args["action"])
    reason = args.get("reason", "")
    if action == "add":
        added = leadership.add_admin(ctx.uow, ctx.actor, args["volunteer"], reason)
        return Reply(t("{name} is now an admin.", name=added.name))
    if action == "remove":
        removed = leadership.remove_admin(ctx.uow, ctx.actor, args["volunteer"], reason)
        return Reply(t("{name} is no longer an admin.", name=removed.name))
    raise Invalid(N_("Write admin add <volunteer> or admin remove <volunteer>."))


def no_lead_line(t: Translator, slug: str, appointers: list[str]) -> str:
    """For a circle without a lead: who may appoint one (shown by ``circle``)."""
    who = t(", ").join(appointers) if appointers else t("an admin of the network")
    return t("No lead yet. {who} may appoint one: lead {circle} <volunteer>.", who=who, circle=slug)


def holder_since_lines(
    ctx: CommandContext,
    circle: Circle,
    names: dict[str, str],
    held: dict[tuple[str, str], Holding],
) -> list[str]:
    """``since`` of each holder of the circle's roles (shown by ``circle``), each role by its
    name in the reader's language."""
    if not held:
        return []
    role_names = {r.slug: pick(r.name, ctx.t.language) or r.slug for r in circle.roles}
    parts = [
        ctx.t(
            "{name} holds {role} since {since}",
            name=names.get(h.volunteer, "?"),
            role=role_names.get(role, role),
            since=f"{h.since.astimezone(_zone(ctx)):%Y-%m-%d}",
        )
        for (role, _), h in sorted(held.items(), key=lambda kv: (kv[0][0], kv[1].since))
    ]
    return ["  " + ctx.t("; ").join(parts)]


def _zone(ctx: CommandContext) -> ZoneInfo:
    return ZoneInfo(ctx.config.network.timezone)


# -- decisions ---------------------------------------------------------------------------------


def _flags(text: str) -> tuple[str, dict[str, str]]:
    """``title --by 48h --lead bob`` -> ("title", {"by": "48h", "lead": "bob"})."""
    parts = FLAG.split(text)
    head, flags = parts[0], {}
    for name, value in zip(parts[1::2], parts[2::2], strict=True):
        if name in flags:
            raise Invalid(N_("--{flag} is given twice."), flag=name)
        flags[name] = value.strip()
    return head, flags


def draft_of(circle: str, text: str) -> decisions.Draft:
    first, _, rest = text.partition("\n")
    head, flags = _flags(first)
    description = " ".join(x for x in (flags.get("why", ""), rest.strip()) if x)
    by = flags.get("by", "")
    split = flags.get("split", "").split()
    for name in ("by", "lead", "role", "split"):
        if name in flags and not flags[name]:
            raise Invalid(N_("--{flag} needs a value."), flag=name)
    if "by" in flags and len(by.split()) != 1:
        raise Invalid(N_("--by takes one duration, like 48h."))
    return decisions.Draft(
        circle=circle,
        title=head.strip(),
        description=description,
        closes_in=parse_span(by, longest=LONGEST) if by else None,
        lead=flags.get("lead", ""),
        role=flags.get("role", ""),
        split_child=split[0] if split else "",
        split_roles=tuple(r for part in split[1:] for r in ROLE_LIST.split(part) if r),
    )


def decide(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    first = keyword(args["circle"])
    if first in ("amend", "withdraw"):
        return _amend_or_withdraw(ctx, first, args.get("title", ""))
    if not args.get("title"):
        raise Invalid(N_("Missing {what}."), what="<title>")
    decision = decisions.open_decision(ctx.uow, ctx.actor, draft_of(args["circle"], args["title"]))
    text = t(
        "Decision #{id} is open in {circle} until {when}: {title}",
        id=decision.id,
        circle=decision.circle,
        when=_when(ctx, decision.closes_at),
        title=decision.title,
    )
    return Reply(text, buttons=(position_row(t, decision.id),))


def _amend_or_withdraw(ctx: CommandContext, action: str, rest: str) -> Reply:
    t = ctx.t
    number, _, text = rest.partition(" ")
    if not number:
        raise Invalid(N_("Write decide {action} <id>."), action=action)
    if action == "withdraw":
        done = decisions.withdraw(ctx.uow, ctx.actor, number)
        return Reply(t("Decision #{id} is withdrawn.", id=done.id))
    first, _, more = text.partition("\n")
    head, flags = _flags(first)
    description = " ".join(x for x in (flags.get("why", ""), more.strip()) if x)
    if not head.strip():
        raise Invalid(N_("Write decide amend <id> <new title>."))
    done = decisions.amend(ctx.uow, ctx.actor, number, head, description)
    return Reply(
        t("Decision #{id} is amended; every position was reset.", id=done.id),
        buttons=(position_row(t, done.id),),
    )


def position_row(t: Translator, decision_id: str) -> tuple[Button, ...]:
    return tuple(Button(t(label), command) for label, command in _labels(decision_id))


def _labels(decision_id: str) -> list[tuple[str, str]]:
    return [(ANSWER_LABELS[a].capitalize(), f"position {decision_id} {a}") for a in ANSWERS]


def position(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    answer = keyword(args["answer"])
    reason = args.get("reason", "")
    if answer in NEEDS_REASON and not reason.strip():
        # A button cannot carry a reason: say how to give one, and change nothing.
        return Reply(
            t(
                "Say why you {answer}: send position {id} {answer} <your reason>.",
                answer=t(ANSWER_LABELS[answer]),
                id=args["id"].lstrip("#"),
            ),
            error=True,
        )
    decision = decisions.take_position(ctx.uow, ctx.actor, args["id"], answer, reason)
    return Reply(
        t(
            "Your position on #{id} ({title}): {answer}.",
            id=decision.id,
            title=decision.title,
            answer=t(ANSWER_LABELS[answer]),
        )
    )


def decision_lines(
    ctx: CommandContext, d: Decision, names: dict[str, str], public: bool
) -> list[str]:
    t = ctx.t
    counts = d.counts()
    head = f"#{d.id} [{d.circle}] {d.title} — {t(STATUS_LABELS.get(d.status, d.status))}"
    lines = [head]
    if d.description:
        lines.append(f"  {d.description}")
    if d.status == OPEN:
        lines.append("  " + t("Closes {when}.", when=_when(ctx, d.closes_at)))
    elif d.outcome.get("why") == "no-quorum":
        lines.append(
            "  "
            + t(
                "Too few positions ({count} of {quorum} needed).",
                count=sum(counts.values()),
                quorum=d.outcome.get("quorum", 0),
            )
        )
    lines.append(
        "  "
        + t(
            "Agree {agree}, abstain {abstain}, disagree {disagree}, block {block}.",
            **counts,
        )
    )
    if public:
        for answer in ANSWERS:
            who = [names.get(v, "?") for v, p in d.positions.items() if p.answer == answer]
            if who:
                lines.append(f"  {t(ANSWER_LABELS[answer])}: {', '.join(who)}")
    for p in d.positions.values():
        if p.answer == "block" and p.reason:
            lines.append("  " + t("Block: {reason}", reason=p.reason))
    return lines


def decisions_(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    circle = args.get("circle", "")
    found = decisions.list_decisions(ctx.uow, circle)
    if not found.decisions:
        return Reply(t("No decisions yet. Open one with decide <circle> <title>."))
    lines = [t("Decisions:")]
    buttons: list[tuple[Button, ...]] = []
    for d in found.decisions:
        lines.extend(decision_lines(ctx, d, found.names, found.public_names))
        if d.status == OPEN and len(buttons) < 6:
            buttons.append(position_row(t, d.id))
    refresh = f"decisions {circle}".strip()
    return Reply("\n".join(lines), buttons=tuple(buttons), refresh=refresh)


# -- history and terms -------------------------------------------------------------------------


def _log_line(ctx: CommandContext, e: glog.Entry, names: dict[str, str]) -> str:
    line = f"• {_when(ctx, e.at)} {log_text(ctx.t, e, names)}"
    if e.reason:
        line += " — " + ctx.t("why: {reason}", reason=e.reason)
    return line


def log_text(t: Translator, e: glog.Entry, names: dict[str, str]) -> str:
    """What a governance log entry says (who did what), without its time and reason: the same
    words in chat (``history``) and on the portal's log page."""
    who = names.get(e.actor, "") if e.actor else ""
    subject = names.get(e.subject, "—") if e.subject else "—"
    where = e.circle or t("network")
    role = f"{e.circle}/{e.role}" if e.role else ""
    d = e.detail
    if e.kind == glog.LEAD:
        text = t(
            "{who} appointed {name} as a lead of {circle}",
            who=who or t("a decision"),
            name=subject,
            circle=where,
        )
    elif e.kind == glog.UNLEAD:
        text = t("{who} removed {name} as a lead of {circle}", who=who, name=subject, circle=where)
    elif e.kind == glog.DECLINE:
        text = t("{name} stepped down as a lead of {circle}", name=subject, circle=where)
    elif e.kind == glog.ADMIN_ADD:
        text = t("{who} made {name} an admin", who=who, name=subject)
    elif e.kind == glog.ADMIN_REMOVE:
        text = t("{who} removed {name} as an admin", who=who, name=subject)
    elif e.kind == glog.DECISION:
        text = t(
            "Decision #{id} ({title}): {outcome}",
            id=d.get("decision", "?"),
            title=d.get("title", ""),
            outcome=t(STATUS_LABELS.get(str(d.get("outcome")), str(d.get("outcome")))),
        )
        blocks = d.get("blocks") or []
        if blocks:
            text += " — " + t("blocked: {reasons}", reasons="; ".join(blocks))
    elif e.kind == glog.TERM_SET:
        seconds = int(d.get("seconds", 0))
        text = t("{who} set a term for {role}: {days}", who=who, role=role, days=_span(t, seconds))
    elif e.kind == glog.TERM_STAY:
        text = t("{name} stays for another term as {role}", name=subject, role=role)
    elif e.kind == glog.TERM_HANDOVER:
        text = t("{name} handed over {role}", name=subject, role=role)
    else:
        text = t("{name}'s term as {role} ended; the role was released", name=subject, role=role)
    return text


def _span(t: Translator, seconds: int) -> str:
    if seconds == 0:
        return t("none")
    if seconds % 86400 == 0:
        return t.plural("{count} day", "{count} days", seconds // 86400)
    if seconds % 3600 == 0:
        return t("{count} h", count=seconds // 3600)
    return t("{count} min", count=max(seconds // 60, 1))


def history(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    what = args.get("what", "").strip().lower()
    if what and ("/" in what or not _is_circle(ctx, what)):
        return _role_history(ctx, what)
    view = glog.read_log(ctx.uow, what, limit=HISTORY_LIMIT)
    if not view.entries:
        return Reply(t("Nothing in the governance log yet."))
    title = t("Governance log of {circle}:", circle=what) if what else t("Governance log:")
    return Reply("\n".join([title, *(_log_line(ctx, e, view.names) for e in view.entries)]))


def _is_circle(ctx: CommandContext, slug: str) -> bool:
    with ctx.uow.begin() as s:
        return s.circles.get(slug) is not None


def _role_history(ctx: CommandContext, ref: str) -> Reply:
    t = ctx.t
    h = role_terms.role_history(ctx.uow, ref)
    key = f"{h.circle.slug}/{h.role.slug}"
    lines = [t("Who held {role} ({name}):", role=key, name=pick(h.role.name, t.language))]
    if h.term:
        lines.append(t("Term: {length}", length=_span(t, int(h.term.total_seconds()))))
    if not h.holdings:
        lines.append(t("Nobody has held it yet."))
    for item in h.holdings:
        name = h.names.get(item.volunteer, "?") if item.volunteer else "—"
        since = _when(ctx, item.since)
        if item.until is None:
            text = t("{name}: since {since}", name=name, since=since)
            if item.term_ends:
                text += ", " + t(
                    "term {count} ends {when}", count=item.terms, when=_when(ctx, item.term_ends)
                )
        else:
            text = t(
                "{name}: {since} to {until}",
                name=name,
                since=since,
                until=_when(ctx, item.until),
            )
        lines.append("• " + text)
    return Reply("\n".join(lines))


def term(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    value = keyword(args["length"])
    if value in (role_terms.STAY, role_terms.HANDOVER, "hand-over"):
        answer = role_terms.STAY if value == role_terms.STAY else role_terms.HANDOVER
        done = role_terms.answer_term(ctx.uow, ctx.actor, args["role"], answer)
        ref = f"{done.circle.slug}/{done.role.slug}"
        if answer == role_terms.STAY:
            return Reply(t("Thank you! You hold {role} for another term.", role=ref))
        return Reply(t("You handed over {role}. Thank you for holding it!", role=ref))
    changed = role_terms.set_term(ctx.uow, ctx.actor, args["role"], value)
    ref = f"{changed.circle.slug}/{changed.role.slug}"
    if changed.length is None:
        return Reply(t("{role} has no term now.", role=ref))
    return Reply(
        t(
            "{role} is held for terms of {length}; holders are asked before each term ends.",
            role=ref,
            length=_span(t, int(changed.length.total_seconds())),
        )
    )


def commands() -> list[Command]:
    return [
        Command(
            "lead",
            "lead <circle> <volunteer> [reason...]",
            N_("Make a volunteer a lead of a circle (leads above it, admins)"),
            Who.LEAD,
            lead,
            aliases=("负责人", "任命"),
        ),
        Command(
            "unlead",
            "unlead <circle> <volunteer> [reason...]",
            N_("Remove a lead of a circle; unlead <circle> me steps down or declines"),
            Who.VOLUNTEER,
            unlead,
            aliases=("卸任", "免职"),
        ),
        Command(
            "admin",
            "admin <action> <volunteer> [reason...]",
            N_("Admins: admin add <volunteer> or admin remove <volunteer>"),
            Who.VOLUNTEER,
            admin,
            aliases=("管理员",),
        ),
        Command(
            "decide",
            "decide <circle> [title...]",
            N_(
                "Ask a circle to decide by consent: decide <circle> <title> [--by 48h] "
                "[--lead <volunteer> | --role <slug> | --split <new-circle> <role,role>] "
                "[--why text]; decide amend|withdraw <id>"
            ),
            Who.MEMBER,
            decide,
            aliases=("决定", "提案"),
            multiline=True,
        ),
        Command(
            "position",
            "position <id> <answer> [reason...]",
            N_("Take a position on a decision: agree, abstain, disagree or block (with a reason)"),
            Who.MEMBER,
            position,
            aliases=("表态",),
        ),
        Command(
            "decisions",
            "decisions [circle]",
            N_("Open and recent decisions, with their positions"),
            Who.ANYONE,
            decisions_,
            aliases=("决定列表",),
        ),
        Command(
            "history",
            "history [what]",
            N_("The governance log (of a circle), or who held a role and when"),
            Who.ANYONE,
            history,
            aliases=("历史",),
        ),
        Command(
            "term",
            "term <role> <length>",
            N_(
                "Leads: give a role a term (term <role> 90d, or none); holders: "
                "term <role> stay|handover"
            ),
            Who.VOLUNTEER,
            term,
            aliases=("任期",),
        ),
    ]
