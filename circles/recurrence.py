"""Recurrence rules of meetups, and their expansion into instants, right across DST changes.

A rule is written the way a lead types it: ``daily``, ``weekdays``, a day list ``tue,fri``,
``biweekly:tue`` (or ``biweekly:tue,fri``) and ``once:2026-12-01``. A series starts at its
first occurrence on or after its creation (the *anchor*), which also fixes which weeks a
biweekly rule falls in.

Local times that do not exist or occur twice follow RFC 5545 (and so every calendar app):
a time in the spring-forward gap is read with the offset before the gap (02:30 becomes 03:30
summer time), and a time in the repeated autumn hour means its first occurrence. Python's
``fold=0`` gives exactly that, so an occurrence is ``datetime.combine(day, start, tz)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from circles.errors import N_, Invalid
from circles.separator import ascii_marks, items

DAILY = "daily"
WEEKDAYS = "weekdays"
DAYS = "days"
BIWEEKLY = "biweekly"
ONCE = "once"

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Bounds how far one expansion may walk, so a careless caller cannot loop for years.
MAX_SPAN = timedelta(days=800)
# How far from today a date a person types may lie. Far-future dates overflow date arithmetic
# (9999-12-31 plus a day) and serve nobody; a bound here keeps every later sum in range.
MAX_AHEAD = timedelta(days=731)
MAX_BEHIND = timedelta(days=366)


@dataclass(frozen=True)
class Recurrence:
    """A parsed rule: its kind, its weekdays (0 = Monday) and, for ``once``, its date."""

    kind: str
    days: tuple[int, ...] = ()
    on: date | None = None

    @property
    def text(self) -> str:
        """The canonical spelling, as stored and exported (``tue,fri``, ``biweekly:tue``)."""
        names = ",".join(DAY_NAMES[d] for d in self.days)
        if self.kind == DAYS:
            return names
        if self.kind == BIWEEKLY:
            return f"{BIWEEKLY}:{names}"
        if self.kind == ONCE and self.on is not None:
            return f"{ONCE}:{self.on.isoformat()}"
        return self.kind

    def matches(self, day: date, anchor: date) -> bool:
        """Whether the rule has a session on local ``day`` in a series anchored at ``anchor``."""
        if day < anchor:
            return False
        if self.kind == ONCE:
            return day == self.on
        if self.kind == DAILY:
            return True
        if self.kind == WEEKDAYS:
            return day.weekday() < 5
        if day.weekday() not in self.days:
            return False
        if self.kind == BIWEEKLY:
            # Weeks start on Monday (RFC 5545's default WKST), counted from the anchor's week.
            return (_monday(day) - _monday(anchor)).days // 7 % 2 == 0
        return True

    def rrule(self) -> dict[str, object] | None:
        """The RFC 5545 RRULE as a mapping (None for a one-off)."""
        byday = [ICAL_DAYS[d] for d in self.days]
        if self.kind == DAILY:
            return {"FREQ": "DAILY"}
        if self.kind == WEEKDAYS:
            return {"FREQ": "WEEKLY", "BYDAY": list(ICAL_DAYS[:5])}
        if self.kind == DAYS:
            return {"FREQ": "WEEKLY", "BYDAY": byday}
        if self.kind == BIWEEKLY:
            return {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": byday, "WKST": "MO"}
        return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day(name: str) -> int:
    name = name.strip().lower()
    if name in DAY_NAMES:
        return DAY_NAMES.index(name)
    if name in FULL_DAY_NAMES:
        return FULL_DAY_NAMES.index(name)
    raise Invalid(
        N_("'{day}' is not a day: use mon, tue, wed, thu, fri, sat or sun."), day=name[:20]
    )


def _day_list(text: str) -> tuple[int, ...]:
    parts = items(text)
    if not parts:
        raise Invalid(N_("Name at least one day, for example tue,fri."))
    return tuple(sorted({_day(p) for p in parts}))


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` -> date, or Invalid."""
    text = text.strip()
    try:
        if not ISO_DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            N_("'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01."),
            value=text[:20],
        ) from None


def within_reach(day: date, today: date) -> date:
    """``day`` if it is at most two years ahead of ``today`` (and one behind), else Invalid."""
    earliest, latest = today - MAX_BEHIND, today + MAX_AHEAD
    if earliest <= day <= latest:
        return day
    raise Invalid(
        N_(
            "{value} is out of reach: name a date from {earliest} to {latest} "
            "(at most two years ahead)."
        ),
        value=day.isoformat(),
        earliest=earliest.isoformat(),
        latest=latest.isoformat(),
    )


def parse_recurrence(text: str) -> Recurrence:
    """Read a rule as a lead writes it; raise Invalid with the accepted forms otherwise."""
    text = ascii_marks(text.strip().lower())
    kind, colon, rest = text.partition(":")
    if not colon:
        if text in (DAILY, WEEKDAYS):
            return Recurrence(text)
        if text in DAY_NAMES or text in FULL_DAY_NAMES or len(items(text)) > 1:
            return Recurrence(DAYS, _day_list(text))
    elif kind == BIWEEKLY:
        return Recurrence(BIWEEKLY, _day_list(rest))
    elif kind == ONCE:
        return Recurrence(ONCE, on=parse_date(rest))
    raise Invalid(
        N_(
            "'{value}' is not a recurrence: use daily, weekdays, a day list like tue,fri, "
            "biweekly:tue or once:YYYY-MM-DD."
        ),
        value=text[:40],
    )


def parse_clock(text: str) -> time:
    """``HH:MM`` (24-hour) -> time, or Invalid (``25:99`` included)."""
    match = CLOCK.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise Invalid(
        N_("'{value}' is not a time of day: write HH:MM, from 00:00 to 23:59."), value=text[:20]
    )


def zone(name: str) -> ZoneInfo:
    """A zoneinfo time zone, or Invalid."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(N_("'{zone}' is not a known time zone."), zone=name[:40]) from None


def at_local(day: date, start: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of local ``day`` at ``start`` (RFC 5545 rules for gaps and repeats)."""
    return datetime.combine(day, start, tzinfo=tz).astimezone(UTC)


def anchor_date(rule: Recurrence, start: time, tz: ZoneInfo, created: datetime) -> date | None:
    """The local date of the series' first occurrence at or after ``created`` (None: none)."""
    day = created.astimezone(tz).date()
    if rule.kind == ONCE:
        return rule.on if rule.on is not None and rule.on >= day else None
    for _ in range(15):
        # Before the anchor is fixed every matching weekday counts, hence day itself as anchor.
        if rule.matches(day, day) and at_local(day, start, tz) >= created:
            return day
        day += timedelta(days=1)
    return None


def expand(
    rule: Recurrence,
    start: time,
    tz: ZoneInfo,
    anchor: date,
    after: datetime,
    before: datetime,
) -> Iterator[tuple[date, datetime]]:
    """Each occurrence (local date, UTC instant) with ``after <= instant < before``, in order."""
    if before <= after:
        return
    before = min(before, after + MAX_SPAN)
    # A local day can start up to 14 h before or after the UTC one: widen by a day each side.
    day = max(anchor, after.astimezone(tz).date() - timedelta(days=1))
    last = before.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        if rule.matches(day, anchor):
            instant = at_local(day, start, tz)
            if after <= instant < before:
                yield day, instant
        day += timedelta(days=1)
