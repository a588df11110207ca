"""Commands about meetups: schedule, meetups, rsvp, cancel, calendar.

``schedule``'s title may start with ``--topic`` (the daily one-topic meeting: its reminders name
the most-backed open topic) and may end with ``@ <place or call link>``:
``schedule network daily 21:00 30m --topic One topic a day @ https://meet.jit.si/can``.
"""

from __future__ import annotations

import re

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.i18n import Translator
from bot.local_time import span, when
from bot.reply import Button, Reply
from circles.errors import N_
from circles.separator import first_word
from circles.services import meetups as meetup_services
from circles.services.lookup import circle_slug
from circles.services.meetups import Upcoming

TOPIC_FLAG = "--topic"
PLACE_MARK = re.compile(r"\s@\s")
LIST_LIMIT = 15
ANSWERS = {"yes": N_("yes"), "no": N_("no"), "maybe": N_("maybe")}


def split_title(text: str) -> tuple[str, str, bool]:
    """``--topic Title @ place`` -> (title, place, topic)."""
    text = text.strip()
    topic = False
    first, rest = first_word(text)
    if first.lower() == TOPIC_FLAG:
        topic, text = True, rest
    # " @ " with any spaces around it (a Chinese keyboard types U+3000); the last one counts.
    marks = list(PLACE_MARK.finditer(text))
    if not marks:
        return text, "", topic
    mark = marks[-1]
    return text[: mark.start()].strip(), text[mark.end() :].strip(), topic


def rsvp_buttons(t: Translator, meetup_id: str, day: str) -> tuple[Button, ...]:
    return (
        Button(t("Yes"), f"rsvp {meetup_id} yes {day}"),
        Button(t("Maybe"), f"rsvp {meetup_id} maybe {day}"),
        Button(t("No"), f"rsvp {meetup_id} no {day}"),
    )


def session_line(t: Translator, item: Upcoming, timezone: str) -> str:
    """``• Tue 2026-12-01 20:00–21:30 Tea house (research): 3 yes, 1 maybe``"""
    o, m = item.occurrence, item.meetup
    counts = t("{yes} yes, {maybe} maybe", yes=item.yes, maybe=item.maybe)
    return f"• {span(t, o.start, o.end, timezone)} {m.title} ({m.circle}): {counts}"


def schedule(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    title, place, topic = split_title(args["title"])
    meetup = meetup_services.schedule_meetup(
        ctx.uow,
        ctx.actor,
        args["circle"],
        args["recurrence"],
        args["time"],
        args["duration"],
        title,
        place=place,
        topic=topic,
    )
    first = meetup.next_occurrence(ctx.uow.clock.now(), meetup_services.NEXT_HORIZON)
    lines = [
        t(
            "Scheduled {title} ({meetup}) for {circle}: {recurrence} at {time} ({zone}), "
            "{minutes} min.",
            title=meetup.title,
            meetup=meetup.id,
            circle=meetup.circle,
            recurrence=meetup.recurrence.text,
            time=f"{meetup.start:%H:%M}",
            zone=meetup.timezone,
            minutes=meetup.duration_minutes,
        )
    ]
    if meetup.place:
        lines.append(t("Where: {place}", place=meetup.place))
    if meetup.topic:
        lines.append(t("Its reminders name the day's most-backed open topic."))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if first is not None:
        lines.append(t("First session: {when}", when=when(t, first.start, meetup.timezone)))
        buttons = (rsvp_buttons(t, meetup.id, first.day.isoformat()),)
    return Reply("\n".join(lines), buttons=buttons)


def meetups(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    circle = args.get("circle", "")
    found = meetup_services.upcoming(ctx.uow, circle, limit=LIST_LIMIT)
    if not found:
        return Reply(t("No meetups in the next 14 days. A lead can plan one with schedule."))
    timezone = meetup_services.viewer_timezone(ctx.uow, ctx.actor.identity)
    lines = [t("Upcoming meetups (times in {zone}):", zone=timezone)]
    for item in found:
        lines.append(session_line(t, item, timezone))
        where = f" · {item.meetup.place}" if item.meetup.place else ""
        occurrence_id = t("id: {id}", id=item.occurrence.id)
        lines.append(f"  {occurrence_id}{where}")
    lines.append(t("Answer with rsvp <id> yes, no or maybe."))
    return Reply("\n".join(lines))


def rsvp(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    item = meetup_services.rsvp(
        ctx.uow, ctx.actor, args["meetup"], args["answer"], args.get("date", "")
    )
    m, o = item.meetup, item.occurrence
    timezone = meetup_services.viewer_timezone(ctx.uow, ctx.actor.identity)
    # Looked up first: a subscript inside t(...) would look like a message to pybabel.
    label = ANSWERS[args["answer"].strip().lower()]
    text = t(
        "You answered {answer} for {title} on {when}. Coming: {yes} yes, {maybe} maybe.",
        answer=t(label),
        title=m.title,
        when=when(t, o.start, timezone),
        yes=item.yes,
        maybe=item.maybe,
    )
    return Reply(text, buttons=(rsvp_buttons(t, m.id, o.day.isoformat()),))


def cancel(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    done = meetup_services.cancel(ctx.uow, ctx.actor, args["meetup"], args.get("date", ""))
    m = done.meetup
    if done.occurrence is None:
        return Reply(
            t(
                "Cancelled the meetup {title} ({meetup}) and every session.",
                title=m.title,
                meetup=m.id,
            )
        )
    return Reply(
        t(
            "Cancelled {title} on {when}.",
            title=m.title,
            when=when(t, done.occurrence.start, m.timezone),
        )
    )


def calendar_url(ctx: CommandContext, circle: str = "") -> str:
    base = ctx.config.web.public_url.rstrip("/")
    return f"{base}/calendar/{circle}.ics" if circle else f"{base}/calendar.ics"


def calendar(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    circle = args.get("circle", "")
    if circle:
        circle = circle_slug(ctx.uow, circle)  # refuses an unknown circle
        text = t("The calendar of {circle}: {url}", circle=circle, url=calendar_url(ctx, circle))
    else:
        text = t("The network's calendar: {url}", url=calendar_url(ctx))
    return Reply(text + "\n" + t("Subscribe to it in your calendar app to see every session."))


def my_sessions(ctx: CommandContext) -> list[str]:
    """Lines for myroles: the asking volunteer's next sessions."""
    t = ctx.t
    found = meetup_services.volunteer_sessions(ctx.uow, ctx.actor)
    if not found:
        return []
    timezone = meetup_services.viewer_timezone(ctx.uow, ctx.actor.identity)
    lines = [t("Your next meetups:")]
    lines.extend(session_line(t, item, timezone) for item in found)
    return lines


def next_session_line(t: Translator, item: Upcoming | None, timezone: str) -> str:
    """A line for the circle view: its next session (in the reader's time zone), or nothing."""
    if item is None:
        return ""
    o = item.occurrence
    return t(
        "Next meetup: {title}, {when} ({id})",
        title=item.meetup.title,
        when=span(t, o.start, o.end, timezone),
        id=o.id,
    )


def commands() -> list[Command]:
    return [
        Command(
            "schedule",
            "schedule <circle> <recurrence> <time> <duration> <title...>",
            N_(
                "Plan a meetup, e.g. schedule research tue,fri 20:00 90m Tea house @ link; "
                "recurrence: daily, weekdays, mon,thu, biweekly:tue or once:2026-12-01; "
                "start the title with --topic for the daily one-topic meeting"
            ),
            Who.LEAD,
            schedule,
            group="meetups",
        ),
        Command(
            "meetups",
            "meetups [circle]",
            N_("Upcoming sessions in your time zone, with their ids"),
            Who.ANYONE,
            meetups,
            group="meetups",
        ),
        Command(
            "rsvp",
            "rsvp <meetup> <answer> [date]",
            N_("Answer yes, no or maybe for the next session (or the one on YYYY-MM-DD)"),
            Who.VOLUNTEER,
            rsvp,
            group="meetups",
        ),
        Command(
            "cancel",
            "cancel <meetup> [date]",
            N_("Cancel one session (YYYY-MM-DD), or the whole meetup"),
            Who.LEAD,
            cancel,
            group="meetups",
        ),
        Command(
            "calendar",
            "calendar [circle]",
            N_("The link to the iCalendar feed of every meetup, or of one circle"),
            Who.ANYONE,
            calendar,
            group="meetups",
        ),
    ]
