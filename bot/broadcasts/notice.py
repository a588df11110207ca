"""How a due notice reads in a chat: meetup reminders, relay reminders, hand-offs, the close."""

from __future__ import annotations

from bot.commands.meetups import rsvp_buttons
from bot.i18n import Translator
from bot.local_time import clock, lead_time, span
from bot.reply import Button, Reply
from circles.services.reminders import (
    CLOSE,
    REMINDER,
    MeetupNotice,
    Notice,
    RelayNotice,
)


def render(t: Translator, notice: Notice) -> Reply:
    what = notice.what
    if isinstance(what, MeetupNotice):
        return meetup_reminder(t, what)
    return relay_message(t, what)


def meetup_reminder(t: Translator, n: MeetupNotice) -> Reply:
    m, o = n.meetup, n.occurrence
    lines = [
        "⏰ "
        + t(
            "{title} ({circle}) in {lead}: {when} ({zone})",
            title=m.title,
            circle=m.circle,
            lead=lead_time(t, n.offset),
            when=span(t, o.start, o.end, m.timezone),
            zone=m.timezone,
        )
    ]
    if m.place:
        lines.append(t("Where: {place}", place=m.place))
    if n.topic:
        lines.append(t("Today's topic: {topic}", topic=n.topic))
    lines.append(t("Coming: {yes} yes, {maybe} maybe.", yes=n.yes, maybe=n.maybe))
    lines.append(t("Will you come? ({id})", id=o.id))
    return Reply("\n".join(lines), buttons=(rsvp_buttons(t, m.id, o.day.isoformat()),))


def relay_message(t: Translator, n: RelayNotice) -> Reply:
    r, zone, slot = n.relay, n.timezone, n.slot
    hours = f"{clock(r.slot_start(slot), zone)}–{clock(r.slot_end(slot), zone)}"
    board = Button(t("Relay board"), f"relay {r.id}")
    if n.kind == CLOSE:
        holders = sorted({n.holder(s) for s in r.holders})
        text = t.plural(
            "🏁 The relay {title} is complete: {taken} of {slots} slot held. Thank you, {names}!",
            "🏁 The relay {title} is complete: {taken} of {slots} slots held. Thank you, {names}!",
            r.slots,
            title=r.title,
            taken=len(r.holders),
            slots=r.slots,
            names=tuple(holders) or "—",  # joined as the chat's language lists names
        )
        return Reply(text, buttons=((board,),))
    holder = n.holder(slot)
    if n.kind == REMINDER:
        text = t(
            "⏳ Relay {title}: slot {slot} ({hours}) starts in 10 minutes. {name}, you are next!",
            title=r.title,
            slot=slot,
            hours=hours,
            name=holder,
        )
        return Reply(text, buttons=((board,),))
    if not holder:
        text = t(
            "🔔 Relay {title}: slot {slot} ({hours}) begins and nobody holds it yet. Who takes it?",
            title=r.title,
            slot=slot,
            hours=hours,
        )
        claim = Button(t("Claim slot {slot}", slot=slot), f"relay claim {r.id} {slot}")
        return Reply(text, buttons=((claim, board),))
    previous = n.holder(slot - 1) if slot > 1 else ""
    if previous:
        text = t(
            "🔔 Relay {title}: {previous} hands the baton to {name} for slot {slot} ({hours}).",
            title=r.title,
            previous=previous,
            name=holder,
            slot=slot,
            hours=hours,
        )
    else:
        text = t(
            "🔔 Relay {title}: slot {slot} ({hours}) begins, {name} has the baton.",
            title=r.title,
            slot=slot,
            hours=hours,
            name=holder,
        )
    return Reply(text, buttons=((board,),))
