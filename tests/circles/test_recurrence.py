"""Recurrence rules: parsing, expansion, biweekly anchoring, and DST in Europe/Berlin."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circles.errors import Invalid
from circles.recurrence import (
    anchor_date,
    at_local,
    expand,
    parse_clock,
    parse_date,
    parse_recurrence,
)

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SPRING_FORWARD = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST
FALL_BACK = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def days_of(
    rule_text: str, start: time, tz: ZoneInfo, anchor: date, a: datetime, b: datetime
) -> list[date]:
    rule = parse_recurrence(rule_text)
    return [day for day, _ in expand(rule, start, tz, anchor, a, b)]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("daily", "daily"),
        ("Weekdays", "weekdays"),
        ("fri,tue", "tue,fri"),
        ("mon", "mon"),
        ("monday,thursday", "mon,thu"),
        ("tue,tue", "tue"),
        ("biweekly:tue", "biweekly:tue"),
        ("biweekly:fri,tue", "biweekly:tue,fri"),
        ("once:2026-12-01", "once:2026-12-01"),
    ],
)
def test_rules_parse_to_a_canonical_spelling(text: str, canonical: str) -> None:
    assert parse_recurrence(text).text == canonical


@pytest.mark.parametrize(
    "text",
    [
        "",
        "dayly",
        "weekly",
        "tue,funday",
        "biweekly:",
        "biweekly:xyz",
        "once:2026-13-01",
        "once:tomorrow",
        "once:",
        "every:tue",
        ",",
        "tue;fri",
    ],
)
def test_bad_rules_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        parse_recurrence(text)


@pytest.mark.parametrize("text", ["25:99", "24:00", "12:60", "noon", "1200", "-1:00", ""])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        parse_clock(text)


def test_times_and_dates_parse() -> None:
    assert parse_clock("7:05") == time(7, 5)
    assert parse_clock("23:59") == time(23, 59)
    assert parse_date("2026-02-28") == date(2026, 2, 28)
    with pytest.raises(Invalid):
        parse_date("2026-02-30")


def test_daily_weekdays_and_day_lists_expand_to_their_days() -> None:
    a, b = utc(2026, 11, 22), utc(2026, 12, 6)  # Sun 22 Nov .. Sun 6 Dec
    anchor = date(2026, 11, 22)
    assert len(days_of("daily", time(20), SHANGHAI, anchor, a, b)) == 14
    weekdays = days_of("weekdays", time(20), SHANGHAI, anchor, a, b)
    assert len(weekdays) == 10 and all(d.weekday() < 5 for d in weekdays)
    assert days_of("tue,fri", time(20), SHANGHAI, anchor, a, b) == [
        date(2026, 11, 24),
        date(2026, 11, 27),
        date(2026, 12, 1),
        date(2026, 12, 4),
    ]


def test_expansion_is_half_open_and_in_utc() -> None:
    rule = parse_recurrence("daily")
    start = at_local(date(2026, 11, 23), time(20), SHANGHAI)
    assert start == utc(2026, 11, 23, 12)
    found = list(
        expand(rule, time(20), SHANGHAI, date(2026, 11, 1), start, start + timedelta(days=1))
    )
    assert found == [(date(2026, 11, 23), start)]


def test_biweekly_is_anchored_to_the_first_session_on_or_after_creation() -> None:
    rule = parse_recurrence("biweekly:tue")
    # Created on Tuesday 24 Nov after 20:00: the first session is the next Tuesday.
    created = datetime(2026, 11, 24, 21, 0, tzinfo=SHANGHAI)
    anchor = anchor_date(rule, time(20), SHANGHAI, created)
    assert anchor == date(2026, 12, 1)
    days = [
        d for d, _ in expand(rule, time(20), SHANGHAI, anchor, utc(2026, 11, 1), utc(2027, 2, 1))
    ]
    assert days[:4] == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
        date(2027, 1, 12),
    ]
    assert all((b - a).days == 14 for a, b in itertools.pairwise(days))


def test_biweekly_with_two_days_keeps_to_the_anchor_weeks() -> None:
    rule = parse_recurrence("biweekly:tue,fri")
    created = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)  # Wednesday
    anchor = anchor_date(rule, time(20), SHANGHAI, created)
    assert anchor == date(2026, 11, 27)  # Friday of the same week
    days = [
        d for d, _ in expand(rule, time(20), SHANGHAI, anchor, utc(2026, 11, 1), utc(2026, 12, 20))
    ]
    # Week of 23 Nov (only Friday is after creation), skip week of 30 Nov, week of 7 Dec.
    assert days == [date(2026, 11, 27), date(2026, 12, 8), date(2026, 12, 11)]


def test_once_is_one_session_and_creation_after_it_has_no_anchor() -> None:
    rule = parse_recurrence("once:2026-12-01")
    created = utc(2026, 11, 22, 8)
    anchor = anchor_date(rule, time(20), SHANGHAI, created)
    assert anchor == date(2026, 12, 1)
    found = list(expand(rule, time(20), SHANGHAI, anchor, utc(2026, 1, 1), utc(2027, 1, 1)))
    assert found == [(date(2026, 12, 1), utc(2026, 12, 1, 12))]
    assert anchor_date(rule, time(20), SHANGHAI, utc(2026, 12, 2)) is None


def test_daily_session_keeps_its_local_time_across_both_berlin_switches() -> None:
    rule = parse_recurrence("daily")
    anchor = date(2026, 3, 1)
    spring = dict(expand(rule, time(20), BERLIN, anchor, utc(2026, 3, 28), utc(2026, 3, 31)))
    assert spring == {
        date(2026, 3, 28): utc(2026, 3, 28, 19),  # CET, +01:00
        date(2026, 3, 29): utc(2026, 3, 29, 18),  # CEST, +02:00
        date(2026, 3, 30): utc(2026, 3, 30, 18),
    }
    autumn = dict(expand(rule, time(20), BERLIN, anchor, utc(2026, 10, 24), utc(2026, 10, 27)))
    assert autumn == {
        date(2026, 10, 24): utc(2026, 10, 24, 18),  # CEST
        date(2026, 10, 25): utc(2026, 10, 25, 19),  # CET
        date(2026, 10, 26): utc(2026, 10, 26, 19),
    }
    for day, instant in {**spring, **autumn}.items():
        assert instant.astimezone(BERLIN).time() == time(20)
        assert instant.astimezone(BERLIN).date() == day


def test_a_0230_start_on_the_spring_forward_day_happens_at_0330_summer_time() -> None:
    # 02:30 does not exist that night; RFC 5545 reads it with the offset before the gap.
    rule = parse_recurrence("daily")
    found = dict(
        expand(rule, time(2, 30), BERLIN, date(2026, 3, 1), utc(2026, 3, 28), utc(2026, 3, 31))
    )
    assert found[date(2026, 3, 28)] == utc(2026, 3, 28, 1, 30)  # 02:30 CET
    assert found[SPRING_FORWARD] == utc(2026, 3, 29, 1, 30)  # = 03:30 CEST
    assert found[SPRING_FORWARD].astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
    assert found[date(2026, 3, 30)] == utc(2026, 3, 30, 0, 30)  # 02:30 CEST
    assert len(found) == 3  # one session a day, none lost


def test_a_0230_start_in_the_repeated_autumn_hour_happens_once_the_first_time() -> None:
    rule = parse_recurrence("daily")
    found = list(
        expand(rule, time(2, 30), BERLIN, date(2026, 3, 1), utc(2026, 10, 24), utc(2026, 10, 27))
    )
    on_the_day = [instant for day, instant in found if day == FALL_BACK]
    assert on_the_day == [utc(2026, 10, 25, 0, 30)]  # 02:30 CEST, the first of the two
    assert [d for d, _ in found] == [date(2026, 10, 24), FALL_BACK, date(2026, 10, 26)]
    assert found[2][1] == utc(2026, 10, 26, 1, 30)  # 02:30 CET


@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)),
    hours=st.integers(min_value=1, max_value=24 * 40),
    # A typed HH:MM never carries fold=1 (which would pick the later offset inside a gap).
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0, fold=0)),
    rule_text=st.sampled_from(["daily", "weekdays", "mon,wed,sat", "biweekly:thu", "sun"]),
)
def test_expansion_yields_sorted_sessions_inside_the_window_one_per_day(
    start: datetime, hours: int, at: time, rule_text: str
) -> None:
    rule = parse_recurrence(rule_text)
    after = start.replace(tzinfo=UTC)
    before = after + timedelta(hours=hours)
    anchor = anchor_date(rule, at, BERLIN, after - timedelta(days=30))
    assert anchor is not None
    found = list(expand(rule, at, BERLIN, anchor, after, before))
    instants = [instant for _, instant in found]
    assert instants == sorted(instants)
    assert all(after <= i < before for i in instants)
    assert len({day for day, _ in found}) == len(found)
    for day, instant in found:
        assert rule.matches(day, anchor)
        local = instant.astimezone(BERLIN)
        # Only a start inside the spring gap moves (by the hour skipped).
        assert local.date() == day
        assert local.time() == at or (local - timedelta(hours=1)).time() == at
