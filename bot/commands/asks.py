"""Commands about asks and offers: ask, asks, offer, offers, take, drop, say, done, close, myasks,
notify, flag. Every one also answers to a Chinese name (``求助`` for ``ask``)."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Handler, Who
from bot.i18n import Translator
from bot.local_time import when
from bot.reply import Button, Reply
from circles.ask import DONE, OPEN, TAKEN, Ask, Offer, kind_label
from circles.errors import N_, Invalid
from circles.services import ask_relay, ask_views, asks, offers
from circles.services.meetups import viewer_timezone
from circles.text import pick

GROUP = "asks"
ON_WORDS = {"on": True, "开": True, "开启": True, "off": False, "关": False, "关闭": False}


def kind_name(t: Translator, kind: str) -> str:
    return pick(kind_label(kind), t.language)


def ask_line(t: Translator, ask: Ask) -> str:
    """One ask as anyone may read it: number, kind, place, urgency, text; never who asked."""
    urgent = " " + t("(urgent)") if ask.urgent else ""
    return f"#{ask.id} [{kind_name(t, ask.kind)}] {ask.neighborhood}{urgent}: {ask.text}"


def status_name(t: Translator, ask: Ask) -> str:
    names = {
        OPEN: N_("open"),
        TAKEN: N_("being helped"),
        DONE: N_("done"),
        "closed": N_("closed"),
    }
    label = t(names.get(ask.status, N_("open")))
    return label + (" · " + t("hidden, waiting for a lead") if ask.hidden else "")


def ask(ctx: CommandContext, args: Args) -> Reply:
    t, request = ctx.t, args["request"]
    word, _, rest = request.partition(" ")
    if word.lower() in ("post", "发布") and rest.strip().isdigit():
        posted = asks.post_ask(ctx.uow, ctx.actor, rest, ctx.config.asks)
        lines = [
            t("Posted: ask #{ask}.", ask=posted.ask.id),
            t.plural(
                "Announced in one group chat of {place}.",
                "Announced in {count} group chats of {place}.",
                posted.chats,
                place=posted.ask.neighborhood,
            ),
            t.plural(
                "One volunteer nearby was told privately.",
                "{count} volunteers nearby were told privately.",
                posted.notified,
            ),
            t(
                "When a volunteer takes it I will tell you here; then talk through me with "
                "say {ask} <message>.",
                ask=posted.ask.id,
            ),
        ]
        return Reply("\n".join(lines))
    if word.lower() in ("cancel", "取消") and rest.strip().isdigit():
        asks.cancel_draft(ctx.uow, ctx.actor, rest)
        return Reply(t("Not posted; nothing was kept."))
    draft = asks.draft_ask(ctx.uow, ctx.actor, request, ctx.config.asks)
    lines = [
        t("Please check before I post it."),
        t("Public (the neighborhood's group chats, volunteers nearby, the web portal):"),
        "  " + ask_line(t, draft),
        t("Private: your name and account are never shown to anyone."),
    ]
    if draft.private:
        lines.append(t("Only the volunteer who takes it sees: {text}", text=draft.private))
    else:
        lines.append(
            t("Details for the helper only (an address) go after ||, e.g. ask ... || building 3")
        )
    buttons = (
        Button(t("Post it"), f"ask post {draft.id}"),
        Button(t("Cancel"), f"ask cancel {draft.id}"),
    )
    return Reply("\n".join(lines), buttons=(buttons,))


def list_asks(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    found = ask_views.list_open_asks(ctx.uow, ctx.actor, args.get("filter", ""))
    if not found:
        return Reply(t("No open asks right now. Thank you for looking!"))
    zone = viewer_timezone(ctx.uow, ctx.actor.identity)
    lines = [t("Open asks, nearest first:")]
    for item in found:
        lines.append(f"• {ask_line(t, item)} ({when(t, item.posted_at or item.created_at, zone)})")
    rows = tuple((Button(t("Take #{ask}", ask=a.id), f"take {a.id}"),) for a in found[:5])
    return Reply("\n".join(lines), buttons=rows)


def offer(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    made, suggested = offers.make_offer(ctx.uow, ctx.actor, args["request"])
    lines = [
        t("Thank you! Offer {offer} is listed (without your name):", offer=made.id),
        "  " + offer_line(t, made),
    ]
    if suggested:
        lines.append(
            t.plural(
                "It may fit one open ask; its asker was told.",
                "It may fit {count} open asks; their askers were told.",
                suggested,
            )
        )
    lines.append(t("Withdraw it with close {offer}.", offer=made.id))
    return Reply("\n".join(lines))


def offer_line(t: Translator, item: Offer) -> str:
    place = f" {item.neighborhood}" if item.neighborhood else ""
    return f"{item.id} [{kind_name(t, item.kind)}]{place}: {item.text}"


def list_offers(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    found = offers.list_offers(ctx.uow, args.get("filter", ""))[:20]
    if not found:
        return Reply(t("No open offers yet. Offer something: offer <what>"))
    return Reply(
        "\n".join([t("Open offers, newest first:"), *(f"• {offer_line(t, o)}" for o in found)])
    )


def take(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    taken = asks.take_ask(ctx.uow, ctx.actor, args["ask"])
    lines = [t("You are helping with ask #{ask}. Thank you!", ask=taken.id), ask_line(t, taken)]
    if taken.private:
        lines.append(t("Details from the neighbor, for you only: {text}", text=taken.private))
    lines.append(
        t(
            "Talk to the neighbor through me: say {ask} <message>. Neither of you sees the "
            "other's account.",
            ask=taken.id,
        )
    )
    buttons = (
        Button(t("Done"), f"done {taken.id}"),
        Button(t("Give it back"), f"drop {taken.id}"),
    )
    return Reply("\n".join(lines), buttons=(buttons,))


def drop(ctx: CommandContext, args: Args) -> Reply:
    dropped = asks.drop_ask(ctx.uow, ctx.actor, args["ask"])
    return Reply(ctx.t("You gave ask #{ask} back; the neighbor was told.", ask=dropped.id))


def say(ctx: CommandContext, args: Args) -> Reply:
    relayed = ask_relay.say(ctx.uow, ctx.actor, args["ask"], args["text"])
    return Reply(ctx.t("Passed on for ask #{ask}; your account stays private.", ask=relayed.ask.id))


def done(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    known = {kit.id for kit in ctx.kits}
    step = asks.done_ask(ctx.uow, ctx.actor, args["ask"], args.get("answer", ""), known)
    number = step.ask.id
    if step.step == "claimed":
        return Reply(t("Noted; ask #{ask} is done once the other side confirms.", ask=number))
    if step.step == "objected":
        return Reply(t("Noted: ask #{ask} is not done yet. The other side was told.", ask=number))
    if step.step == "kit":
        if step.ask.kit_used and step.ask.kit_used != "-":
            return Reply(t("Thank you! Counted as a use of the kit {kit}.", kit=step.ask.kit_used))
        return Reply(t("Thank you for telling us."))
    return Reply(t("✅ Ask #{ask} is done. Thank you both!", ask=number))


def close(ctx: CommandContext, args: Args) -> Reply:
    t, ref = ctx.t, args["ask"]
    if ref.lower().startswith("o"):
        closed_offer = offers.close_offer(ctx.uow, ctx.actor, ref)
        return Reply(t("Offer {offer} is withdrawn.", offer=closed_offer.id))
    closed = asks.close_ask(ctx.uow, ctx.actor, ref, args.get("reason", ""))
    return Reply(t("Ask #{ask} is closed.", ask=closed.id))


def myasks(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    mine = ask_views.my_asks(ctx.uow, ctx.actor)
    if not (mine.asked or mine.helping or mine.offered):
        return Reply(t("You have no asks or offers yet. Need something? ask <what you need>"))
    lines: list[str] = []
    for title, items in (
        (N_("What I asked:"), mine.asked),
        (N_("What I help with:"), mine.helping),
    ):
        if items:
            lines.append(t(title))
            lines += [f"• {ask_line(t, a)} — {status_name(t, a)}" for a in items[:20]]
    if mine.offered:
        lines.append(t("What I offered:"))
        lines += [f"• {offer_line(t, o)}" for o in mine.offered]
    return Reply("\n".join(lines))


def notify(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    topic, setting = args["topic"].lower(), args["setting"].lower()
    if topic not in ("asks", "求助") or setting not in ON_WORDS:
        raise Invalid(N_("Write notify asks on, or notify asks off."))
    if asks.set_notify(ctx.uow, ctx.actor, ON_WORDS[setting]):
        return Reply(
            t(
                "You will be told privately of new asks in your neighborhood or fitting your "
                "skills (a few volunteers for each ask)."
            )
        )
    return Reply(t("You will no longer be told of new asks."))


def flag(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    clear = args.get("clear", "").lower() in ("clear", "解除")
    flagged = asks.flag_ask(ctx.uow, ctx.actor, args["ask"], clear=clear)
    if clear:
        return Reply(t("Ask #{ask} is shown again.", ask=flagged.id))
    return Reply(t("Thank you. Ask #{ask} is hidden until a lead reviews it.", ask=flagged.id))


def helpers(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    changed = asks.set_max_helpers(ctx.uow, ctx.actor, args["ask"], args["count"])
    return Reply(
        t.plural(
            "Ask #{ask} now takes one helper.",
            "Ask #{ask} now takes up to {count} helpers; volunteers join with take {ask}.",
            changed.max_helpers,
            ask=changed.id,
        )
    )


def commands() -> list[Command]:
    def cmd(name: str, usage: str, summary: str, who: Who, run: Handler, *aliases: str) -> Command:
        return Command(name, usage, summary, who, run, group=GROUP, aliases=aliases)

    return [
        cmd(
            "ask",
            "ask <request...>",
            N_("Ask for help: ask [kind] [@place] [urgent] <what you need>"),
            Who.ANYONE,
            ask,
            "求助",
        ),
        cmd(
            "asks",
            "asks [filter]",
            N_("Open asks to take, nearest first (name a kind or place to narrow)"),
            Who.VOLUNTEER,
            list_asks,
            "求助单",
        ),
        cmd(
            "offer",
            "offer <request...>",
            N_("Offer a thing, skill, place or time: offer [kind] [@place] <what>"),
            Who.ANYONE,
            offer,
            "提供",
        ),
        cmd(
            "offers",
            "offers [filter]",
            N_("Open offers (a kind or neighborhood narrows)"),
            Who.ANYONE,
            list_offers,
            "提供列表",
        ),
        cmd(
            "take",
            "take <ask>",
            N_("Take an ask: you become its helper"),
            Who.VOLUNTEER,
            take,
            # Not 认领: that is how the bot says "claim" (a role) on its buttons and in help.
            "接单",
        ),
        # Not 放弃: that is how the bot says "release" (a role) on its buttons.
        cmd("drop", "drop <ask>", N_("Give an ask you took back"), Who.VOLUNTEER, drop, "退单"),
        cmd(
            "say",
            "say <ask> <text...>",
            N_("Send a message about an ask through the bot, privately"),
            Who.ANYONE,
            say,
            "留言",
            "传话",
        ),
        cmd(
            "done",
            "done <ask> [answer...]",
            N_("Say an ask is done, confirm it, or answer no"),
            Who.ANYONE,
            done,
            "完成",
        ),
        cmd(
            "close",
            "close <ask> [reason...]",
            N_("Withdraw your ask or offer; leads close any ask"),
            Who.ANYONE,
            close,
            "关闭",
        ),
        cmd(
            "myasks",
            "myasks",
            N_("What I asked, what I help with, what I offered"),
            Who.ANYONE,
            myasks,
            "我的求助",
        ),
        cmd(
            "notify",
            "notify <topic> <setting>",
            N_("notify asks on|off: be told of new asks near you"),
            Who.VOLUNTEER,
            notify,
            "通知",
        ),
        cmd(
            "flag",
            "flag <ask> [clear]",
            N_("Hide an ask for a lead to review (leads: flag <ask> clear)"),
            Who.VOLUNTEER,
            flag,
            "举报",
        ),
        cmd(
            "helpers",
            "helpers <ask> <count>",
            N_("Leads: let more volunteers take an ask (helpers <ask> <n>)"),
            Who.VOLUNTEER,
            helpers,
            "帮手",
        ),
    ]
