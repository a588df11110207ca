"""The iCalendar feeds: valid RFC 5545 that calendar software expands to the sessions we list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
from aiohttp import ClientSession
from ical.calendar_stream import IcsCalendarStream

from bot.app.web import WebPortal, build_web_app
from bot.portal.calendar_feed import build_calendar
from circles.actor import Actor
from circles.clock import FixedClock
from circles.services import meetups
from circles.services.membership import join
from circles.unit_of_work import CIRCLES, UnitOfWork
from tests.conftest import ADMIN

ADMIN_ACTOR = Actor(ADMIN, "Admin")
WINDOW = timedelta(days=240)  # from 1 March: both 2026 DST switches in Berlin


@pytest.fixture
def planned(uow: UnitOfWork, clock: FixedClock) -> dict[str, str]:
    """A mix of series in two time zones, with cancellations, created on 1 March 2026."""
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    join(uow, ADMIN_ACTOR)
    with uow.begin() as s:
        doc = dict(s.tx.get(CIRCLES, "practice") or {})
        s.tx.put(CIRCLES, "practice", {**doc, "timezone": "Europe/Berlin"})
        s.commit()

    def plan(circle: str, rule: str, at: str, title: str, place: str = "") -> str:
        return meetups.schedule_meetup(
            uow, ADMIN_ACTOR, circle, rule, at, "90m", title, place=place
        ).id

    ids = {
        "tea": plan("research", "tue,fri", "20:00", "Tea house", "https://meet.example/tea"),
        "night": plan("practice", "daily", "02:30", "Night shift", "Gate 3"),
        "evening": plan("practice", "weekdays", "20:00", "Evening round"),
        "biweekly": plan("practice", "biweekly:sun", "03:00", "Sorting"),
        "once": plan("practice", "once:2026-10-25", "02:30", "Repeated hour"),
        "gone": plan("content", "daily", "12:00", "Cancelled series"),
    }
    meetups.cancel(uow, ADMIN_ACTOR, ids["tea"], "2026-03-06")
    meetups.cancel(uow, ADMIN_ACTOR, ids["night"], "2026-03-29")
    meetups.cancel(uow, ADMIN_ACTOR, ids["evening"], "2026-10-26")
    meetups.cancel(uow, ADMIN_ACTOR, ids["gone"])
    return ids


def parse(feed: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(feed)


def expanded(feed: bytes, start: datetime, end: datetime) -> set[tuple[str, datetime]]:
    found = recurring_ical_events.of(parse(feed)).between(start, end)
    return {
        (str(event["UID"]).split("@")[0], event["DTSTART"].dt.astimezone(UTC)) for event in found
    }


def listed(uow: UnitOfWork, circle: str = "") -> set[tuple[str, datetime]]:
    sessions = meetups.upcoming(uow, circle, horizon=WINDOW, limit=100_000)
    return {(u.meetup.id, u.occurrence.start) for u in sessions}


def test_the_feed_expands_to_exactly_the_sessions_meetups_lists(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    feed = build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
    now = clock.now()
    ours = listed(uow)
    assert expanded(feed, now, now + WINDOW) == ours
    assert len(ours) > 400
    night = {start for mid, start in ours if mid == planned["night"]}
    assert datetime(2026, 3, 28, 1, 30, tzinfo=UTC) in night  # 02:30 CET
    assert datetime(2026, 3, 30, 0, 30, tzinfo=UTC) in night  # 02:30 CEST
    assert datetime(2026, 10, 25, 0, 30, tzinfo=UTC) in night  # the first 02:30
    assert (planned["once"], datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) in ours
    assert not any(mid == planned["gone"] for mid, _ in ours)


def test_the_spring_forward_0230_session_agrees_with_calendar_software(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    with uow.begin() as s:
        night = meetups.load(s, planned["night"])
    night.cancelled = []
    feed = build_calendar([night], "CAN", "can-bot", clock.now())
    day = datetime(2026, 3, 29, tzinfo=UTC)
    (session,) = expanded(feed, day, day + timedelta(days=1))
    assert session[1] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert night.occurrence_on(day.date()).start == session[1]


def test_each_event_has_a_stable_uid_a_zoned_start_rules_and_exceptions(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    feed = build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
    assert feed == build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
    calendar = parse(feed)
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert zones == {"Asia/Shanghai", "Europe/Berlin"}
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert f"{planned['gone']}@can-bot" not in events
    tea = events[f"{planned['tea']}@can-bot"]
    assert tea["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert tea["DTSTART"].dt == datetime(2026, 3, 3, 20, 0, tzinfo=tea["DTSTART"].dt.tzinfo)
    assert tea["RRULE"]["FREQ"] == ["WEEKLY"] and tea["RRULE"]["BYDAY"] == ["TU", "FR"]
    assert tea["DURATION"].dt == timedelta(minutes=90)
    assert str(tea["LOCATION"]) == "https://meet.example/tea"
    exdates = [d.dt for d in tea["EXDATE"].dts]
    assert [d.strftime("%Y-%m-%d %H:%M") for d in exdates] == ["2026-03-06 20:00"]
    biweekly = events[f"{planned['biweekly']}@can-bot"]
    assert biweekly["RRULE"]["INTERVAL"] == [2]
    once = events[f"{planned['once']}@can-bot"]
    assert "RRULE" not in once


async def test_the_portal_serves_the_network_and_circle_feeds(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    portal = WebPortal(build_web_app(uow), "127.0.0.1", 0)
    port = await portal.start()
    base = f"http://127.0.0.1:{port}"
    try:
        async with ClientSession() as http:
            async with http.get(f"{base}/calendar.ics") as response:
                assert response.status == 200
                assert response.content_type == "text/calendar"
                everything = parse(await response.read())
            async with http.get(f"{base}/calendar/research.ics") as response:
                assert response.status == 200
                research = parse(await response.read())
            async with http.get(f"{base}/calendar/nowhere.ics") as response:
                assert response.status == 404
            async with http.get(f"{base}/calendar/..%2Fetc.ics") as response:
                assert response.status == 404
    finally:
        await portal.stop()
    assert len(everything.walk("VEVENT")) == 5
    assert [str(e["UID"]) for e in research.walk("VEVENT")] == [f"{planned['tea']}@can-bot"]
    assert str(research["X-WR-CALNAME"]) == "CAN · Research circle"  # its name, not its slug


def test_dtstamp_is_when_the_feed_was_made_and_sequence_counts_the_cancellations(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    clock.set(datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    events = {
        str(e["UID"]).split("@")[0]: e
        for e in parse(
            build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
        ).walk("VEVENT")
    }
    tea = events[planned["tea"]]
    assert tea["DTSTAMP"].dt == datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    assert tea["CREATED"].dt == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert tea["SEQUENCE"] == 1 and events[planned["biweekly"]]["SEQUENCE"] == 0
    meetups.cancel(uow, ADMIN_ACTOR, planned["tea"], "2026-04-03")
    (later,) = [
        e
        for e in parse(
            build_calendar(meetups.calendar_meetups(uow, "research"), "CAN", "can-bot", clock.now())
        ).walk("VEVENT")
    ]
    assert later["SEQUENCE"] == 2  # a newer version of the same series


def independent_expansion(feed: bytes, start: datetime, end: datetime) -> set[tuple[str, datetime]]:
    """The sessions the `ical` library (its own parser and expansion, not icalendar's) finds."""
    calendar = IcsCalendarStream.calendar_from_ics(feed.decode("utf-8"))
    return {
        (str(event.uid).split("@")[0], event.start_datetime.astimezone(UTC))
        for event in calendar.timeline_tz(UTC).overlapping(start, end)
    }


def test_an_independent_client_library_expands_the_feed_to_the_sessions_meetups_lists(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    feed = build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
    now = clock.now()
    found = independent_expansion(feed, now, now + WINDOW)
    assert found == listed(uow)
    # The cancelled 02:30 on the day Berlin's clocks jump is gone here too.
    assert (planned["night"], datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) not in found


def test_a_cancelled_spring_forward_session_is_excluded_at_the_local_time_the_rule_produces(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    # The rule produces 02:30 local that day (RFC 5545 reads it as 03:30); an EXDATE of 03:30
    # is missed by a client that matches exceptions by local time.
    feed = build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
    events = {str(e["UID"]).split("@")[0]: e for e in parse(feed).walk("VEVENT")}
    night = events[planned["night"]]
    [exdate] = [d.dt for d in night["EXDATE"].dts]
    assert night["EXDATE"].params["TZID"] == "Europe/Berlin"
    assert exdate.replace(tzinfo=None) == datetime(2026, 3, 29, 2, 30)
    assert night["DTSTART"].dt.time() == exdate.time()
    assert b"EXDATE;TZID=Europe/Berlin:20260329T023000" in feed


def test_a_cancelled_one_off_is_left_out_of_the_feed(
    uow: UnitOfWork, clock: FixedClock, planned: dict[str, str]
) -> None:
    # Written as DTSTART plus an EXDATE of the same instant, Mozilla's ical.js (no RRULE, so
    # it ignores EXDATE) would still show it.
    meetups.cancel(uow, ADMIN_ACTOR, planned["once"], "2026-10-25")
    feed = build_calendar(meetups.calendar_meetups(uow), "CAN", "can-bot", clock.now())
    uids = {str(e["UID"]).split("@")[0] for e in parse(feed).walk("VEVENT")}
    assert planned["once"] not in uids and planned["night"] in uids
    assert b"EXDATE" in feed and not any(
        "EXDATE" in e and "RRULE" not in e for e in parse(feed).walk("VEVENT")
    )
    now = clock.now()
    assert independent_expansion(feed, now, now + WINDOW) == listed(uow)
    assert not any(mid == planned["once"] for mid, _ in listed(uow))
