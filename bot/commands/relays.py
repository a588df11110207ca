"""The ``relay`` command and its subcommands: new, the board, claim, release, delete.

``relay new <YYYY-MM-DDTHH:MM> <slots>x<minutes> <title>`` creates the relay in the circle the
chat is linked to, else in the ``network`` circle; ``--circle=<slug>`` before the title names
the circle outright. The start is read in that circle's time zone.
"""

from __future__ import annotations

from datetime import datetime

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.i18n import Translator
from bot.local_time import clock, when
from bot.reply import Button, Reply
from circles import separator
from circles.errors import N_, Invalid
from circles.services import relays as relay_services
from circles.services.relays import RelayView

CIRCLE_FLAG = "--circle="
MAX_BUTTONS = 12
SUBCOMMANDS = {
    "new": "relay new <YYYY-MM-DDTHH:MM> <slots>x<minutes> [--circle=<slug>] <title>",
    "claim": "relay claim <id> <slot>",
    "release": "relay release <id> <slot>",
    "delete": "relay delete <id>",
}


def usage_error(sub: str) -> Invalid:
    return Invalid(N_("Write it as: {usage}"), usage=SUBCOMMANDS[sub])


def board(t: Translator, view: RelayView, now: datetime) -> Reply:
    r, zone = view.relay, view.timezone
    start = when(t, r.start, zone)  # outside: babel loses a plural() whose arguments name t
    lines = [
        t.plural(
            "Relay {title} ({relay}) of {circle}: {slots} slot of {minutes} min from {start} "
            "({zone}).",
            "Relay {title} ({relay}) of {circle}: {slots} slots of {minutes} min from {start} "
            "({zone}).",
            r.slots,
            title=r.title,
            relay=r.id,
            circle=r.circle,
            slots=r.slots,
            minutes=r.minutes,
            start=start,
            zone=zone,
        )
    ]
    buttons: list[Button] = []
    for slot in range(1, r.slots + 1):
        begins, ends = r.slot_start(slot), r.slot_end(slot)
        holder = r.holders.get(slot)
        who = view.names.get(holder, "?") if holder else t("(open)")
        lines.append(f"{slot}. {clock(begins, zone)}–{clock(ends, zone)} {who}")
        if holder is None and ends > now and len(buttons) < MAX_BUTTONS:
            buttons.append(Button(t("Claim slot {slot}", slot=slot), f"relay claim {r.id} {slot}"))
    open_count = r.slots - len(r.holders)
    lines.append(
        t.plural(
            "{count} slot open. Claim it with relay claim {relay} <slot>.",
            "{count} slots open. Claim one with relay claim {relay} <slot>.",
            open_count,
            relay=r.id,
        )
    )
    rows = tuple((b,) for b in buttons)
    return Reply("\n".join(lines), buttons=rows, refresh=f"relay {r.id}")


def relay_new(ctx: CommandContext, words: list[str]) -> Reply:
    if len(words) < 3:
        raise usage_error("new")
    when_text, shape, *title_words = words
    circle = ""
    if title_words and title_words[0].lower().startswith(CIRCLE_FLAG):
        circle = title_words.pop(0)[len(CIRCLE_FLAG) :]
    if not title_words:
        raise usage_error("new")
    relay = relay_services.create_relay(
        ctx.uow, ctx.actor, when_text, shape, " ".join(title_words), circle
    )
    view = relay_services.view_relay(ctx.uow, relay.id)
    reply = board(ctx.t, view, ctx.uow.clock.now())
    head = ctx.t("Relay created: {relay}.", relay=relay.id)
    return Reply(head + "\n" + reply.text, buttons=reply.buttons, refresh=reply.refresh)


def relay_list(ctx: CommandContext) -> Reply:
    t = ctx.t
    relays = relay_services.current_relays(ctx.uow)
    if not relays:
        return Reply(
            t("No relay is planned. A lead starts one with: {usage}", usage=SUBCOMMANDS["new"])
        )
    zone = ctx.config.network.timezone
    lines = [t("Relays:")]
    for r in relays:
        lines.append(
            f"• {r.id} {r.title} ({r.circle}) {when(t, r.start, zone)} · "
            + t.plural(
                "{taken}/{count} slot taken",
                "{taken}/{count} slots taken",
                r.slots,
                taken=len(r.holders),
            )
        )
    buttons = tuple((Button(r.title[:30], f"relay {r.id}"),) for r in relays[:MAX_BUTTONS])
    return Reply("\n".join(lines), buttons=buttons)


def relay(ctx: CommandContext, args: Args) -> Reply:
    words = separator.words(args.get("args", ""))
    if not words:
        return relay_list(ctx)
    sub = words[0].lower()
    now = ctx.uow.clock.now()
    if sub == "new":
        return relay_new(ctx, words[1:])
    if sub in ("claim", "release"):
        if len(words) != 3:
            raise usage_error(sub)
        action = relay_services.claim_slot if sub == "claim" else relay_services.release_slot
        view = action(ctx.uow, ctx.actor, words[1], words[2])
        slot = int(words[2])
        done = (
            ctx.t("You hold slot {slot}.", slot=slot)
            if sub == "claim"
            else ctx.t("Slot {slot} is open again.", slot=slot)
        )
        reply = board(ctx.t, view, now)
        return Reply(done + "\n" + reply.text, buttons=reply.buttons, refresh=reply.refresh)
    if sub == "delete":
        if len(words) != 2:
            raise usage_error(sub)
        gone = relay_services.delete_relay(ctx.uow, ctx.actor, words[1])
        return Reply(ctx.t("Relay {relay} ({title}) is deleted.", relay=gone.id, title=gone.title))
    if len(words) != 1:
        raise Invalid(
            N_("Unknown relay subcommand '{sub}': use new, claim, release, delete or a relay id."),
            sub=sub[:20],
        )
    return board(ctx.t, relay_services.view_relay(ctx.uow, words[0]), now)


def commands() -> list[Command]:
    return [
        Command(
            "relay",
            "relay [args...]",
            N_(
                "Relays cut into slots: relay (list), relay <id> (board), relay claim <id> <slot>, "
                "relay release <id> <slot>, and for leads relay new <YYYY-MM-DDTHH:MM> "
                "<slots>x<minutes> [--circle=<slug>] <title> (in this chat's circle, else network) "
                "and relay delete <id>"
            ),
            Who.ANYONE,
            relay,
            group="meetups",
        ),
    ]
