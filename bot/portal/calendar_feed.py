"""The iCalendar feeds (RFC 5545): ``/calendar.ics`` for the network, ``/calendar/<circle>.ics``.

One VEVENT per active meetup: DTSTART at its first session with a TZID (and the matching
VTIMEZONE), an RRULE for series, EXDATE for cancelled sessions, DURATION, LOCATION and a UID
that stays the same for the life of the meetup, so subscribed calendars update in place.

DTSTART and EXDATE are written in the local time the rule produces (02:30 on the day clocks jump
from 02:00 to 03:00, which RFC 5545 3.3.5 reads as 03:30): a client that matches exceptions by
local time then finds the cancelled session. A one-off whose session is cancelled is left out,
as a cancelled series is: an EXDATE without an RRULE is ignored by some clients (Mozilla's
ical.js), which would still show it.

DTSTAMP is when the feed was made (RFC 5545 3.8.7.2: without a METHOD, when the information was
last revised; we keep no revision time, and the feed is made afresh on every request). SEQUENCE
counts the cancelled sessions, the only revision a meetup has once scheduled, so a calendar
that compares sequences sees each cancellation as a newer version of the series.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from aiohttp import web
from icalendar import Calendar, Event

from circles.errors import CanError
from circles.meetup import Meetup
from circles.services.meetups import calendar_meetups
from circles.unit_of_work import UnitOfWork

PRODID = "-//CAN bot//meetups//EN"
CONTENT_TYPE = "text/calendar"
# VTIMEZONE rules are written from a year before the oldest series (not from 1970).
ZONE_HISTORY = timedelta(days=366)


def meetup_event(meetup: Meetup, uid_domain: str, made: datetime) -> Event | None:
    anchor = meetup.anchor
    rule = meetup.recurrence.rrule()
    if anchor is None or (rule is None and anchor.isoformat() in meetup.cancelled):
        return None
    tz = meetup.tz
    event = Event()
    event.add("uid", f"{meetup.id}@{uid_domain}")
    event.add("dtstamp", made)
    event.add("created", meetup.created_at)
    event.add("sequence", len(meetup.cancelled))
    event.add("summary", meetup.title)
    event.add("categories", [meetup.circle])
    event.add("dtstart", datetime.combine(anchor, meetup.start, tzinfo=tz))
    event.add("duration", meetup.duration)
    if rule is not None:
        event.add("rrule", rule)
        if meetup.cancelled:
            days = [date.fromisoformat(d) for d in sorted(meetup.cancelled)]
            event.add("exdate", [datetime.combine(d, meetup.start, tzinfo=tz) for d in days])
    if meetup.place:
        event.add("location", meetup.place)
        if meetup.place.startswith(("http://", "https://")):
            event.add("url", meetup.place)
    return event


def build_calendar(meetups: list[Meetup], name: str, uid_domain: str, made: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for meetup in meetups:
        event = meetup_event(meetup, uid_domain, made)
        if event is not None:
            calendar.add_component(event)
    if meetups:
        oldest = min(m.created_at for m in meetups).date() - ZONE_HISTORY
        calendar.add_missing_timezones(first_date=oldest)
    data: bytes = calendar.to_ical()
    return data


def circle_name(uow: UnitOfWork, slug: str) -> str:
    """The circle's name in the network's language, as a subscribed calendar's title."""
    with uow.begin() as s:
        return s.circles.require(slug).display_name(uow.network.language)


def add_calendar_routes(app: web.Application, uow: UnitOfWork) -> None:
    """Mount the feeds on the web portal."""

    def feed(circle: str) -> web.Response:
        try:
            meetups = calendar_meetups(uow, circle)
            name = (
                f"{uow.network.name} · {circle_name(uow, circle)}" if circle else uow.network.name
            )
        except CanError:
            raise web.HTTPNotFound(text="No such circle.\n") from None
        body = build_calendar(meetups, name, uid_domain="can-bot", made=uow.clock.now())
        return web.Response(body=body, content_type=CONTENT_TYPE, charset="utf-8")

    async def network_feed(request: web.Request) -> web.Response:
        return feed("")

    async def circle_feed(request: web.Request) -> web.Response:
        return feed(request.match_info["circle"])

    app.router.add_get("/calendar.ics", network_feed)
    app.router.add_get(r"/calendar/{circle:[A-Za-z0-9-]{1,32}}.ics", circle_feed)
