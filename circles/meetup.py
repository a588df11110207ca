"""A meetup: a circle's recurring (or one-off) session, its cancelled dates and its RSVPs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from circles.errors import N_, Conflict, Invalid
from circles.ports import Doc
from circles.recurrence import Recurrence, anchor_date, at_local, expand, parse_recurrence, zone

ACTIVE = "active"
CANCELLED = "cancelled"
ANSWERS = ("yes", "no", "maybe")
MAX_DURATION = 24 * 60
DURATION = re.compile(r"^(?:(\d{1,3})h)?(?:(\d{1,4})m(?:in)?)?$")
# Documents imported from elsewhere may lack a creation time; the epoch anchors them.
EPOCH = "1970-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class Occurrence:
    """One session of a meetup, named ``<meetup id>@<local date>``."""

    meetup_id: str
    day: date
    start: datetime  # UTC
    end: datetime  # UTC
    cancelled: bool = False

    @property
    def id(self) -> str:
        return occurrence_id(self.meetup_id, self.day)


def occurrence_id(meetup_id: str, day: date) -> str:
    return f"{meetup_id}@{day.isoformat()}"


def parse_duration(text: str) -> int:
    """``30m``, ``90m``, ``2h``, ``1h30m`` -> minutes (1 minute to 24 hours), or Invalid."""
    match = DURATION.match(text.strip().lower())
    minutes = 0
    if match and (match.group(1) or match.group(2)):
        minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not 0 < minutes <= MAX_DURATION:
        raise Invalid(
            N_("'{value}' is not a duration: write 30m, 90m or 2h (at most 24h)."),
            value=text[:20],
        )
    return minutes


@dataclass
class Meetup:
    """A circle's session: where and when, who comes to each date, which dates are off."""

    id: str
    circle: str
    title: str
    recurrence: Recurrence
    start: time
    timezone: str
    duration_minutes: int
    created_at: datetime
    created_by: str = ""
    place: str = ""
    topic: bool = False  # the daily one-topic meeting: reminders name the day's topic
    status: str = ACTIVE
    cancelled: list[str] = field(default_factory=list)  # local dates, YYYY-MM-DD
    rsvps: dict[str, dict[str, str]] = field(default_factory=dict)  # date -> volunteer -> answer

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def anchor(self) -> date | None:
        """The local date of the first occurrence (None: the series has none)."""
        return anchor_date(self.recurrence, self.start, self.tz, self.created_at)

    def occurrence_on(self, day: date) -> Occurrence:
        """The occurrence on local ``day``, or Invalid if the series has none that day."""
        anchor = self.anchor
        if anchor is None or not self.recurrence.matches(day, anchor):
            raise Invalid(
                N_("Meetup {meetup} has no session on {date}."),
                meetup=self.id,
                date=day.isoformat(),
            )
        return self._occurrence(day, at_local(day, self.start, self.tz))

    def _occurrence(self, day: date, start: datetime) -> Occurrence:
        return Occurrence(
            self.id, day, start, start + self.duration, day.isoformat() in self.cancelled
        )

    def occurrences(
        self, after: datetime, before: datetime, *, include_cancelled: bool = False
    ) -> Iterator[Occurrence]:
        """Occurrences starting in ``[after, before)``; none once the series is cancelled."""
        anchor = self.anchor
        if not self.active or anchor is None:
            return
        for day, start in expand(self.recurrence, self.start, self.tz, anchor, after, before):
            occurrence = self._occurrence(day, start)
            if include_cancelled or not occurrence.cancelled:
                yield occurrence

    def next_occurrence(self, now: datetime, horizon: timedelta) -> Occurrence | None:
        """The first session not yet begun, within ``horizon``."""
        return next(self.occurrences(now, now + horizon), None)

    def cancel_on(self, day: date, now: datetime) -> Occurrence:
        occurrence = self.occurrence_on(day)
        if occurrence.cancelled:
            raise Conflict(
                N_("The session of {meetup} on {date} is already cancelled."),
                meetup=self.id,
                date=day.isoformat(),
            )
        if occurrence.start <= now:
            raise Conflict(
                N_("The session of {meetup} on {date} has already begun."),
                meetup=self.id,
                date=day.isoformat(),
            )
        self.cancelled = sorted({*self.cancelled, day.isoformat()})
        return occurrence

    def answer(self, day: date, volunteer_id: str, answer: str, now: datetime) -> Occurrence:
        """Record an RSVP for the session on ``day``; only open, future sessions take one."""
        if answer not in ANSWERS:
            raise Invalid(N_("Answer yes, no or maybe (not '{answer}')."), answer=answer[:20])
        if not self.active:
            raise Conflict(N_("Meetup {meetup} is cancelled."), meetup=self.id)
        occurrence = self.occurrence_on(day)
        if occurrence.cancelled:
            raise Conflict(
                N_("The session of {meetup} on {date} is cancelled."),
                meetup=self.id,
                date=day.isoformat(),
            )
        if occurrence.end <= now:
            raise Conflict(
                N_("The session of {meetup} on {date} is over."),
                meetup=self.id,
                date=day.isoformat(),
            )
        self.rsvps.setdefault(day.isoformat(), {})[volunteer_id] = answer
        return occurrence

    def answers_on(self, day: date) -> dict[str, str]:
        return dict(self.rsvps.get(day.isoformat(), {}))

    def count(self, day: date, answer: str) -> int:
        return sum(1 for a in self.rsvps.get(day.isoformat(), {}).values() if a == answer)

    def to_doc(self) -> Doc:
        """The stored and exported form (SPEC section 8 keys first, then extras)."""
        return {
            "id": self.id,
            "circle": self.circle,
            "title": self.title,
            "recurrence": self.recurrence.text,
            "start": self.start.strftime("%H:%M"),
            "timezone": self.timezone,
            "duration_minutes": self.duration_minutes,
            "cancelled": sorted(self.cancelled),
            "rsvps": {day: dict(answers) for day, answers in sorted(self.rsvps.items())},
            "place": self.place,
            "topic": self.topic,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Meetup:
        hour, minute = str(doc["start"]).split(":")
        rsvps = doc.get("rsvps") or {}
        return cls(
            id=str(doc["id"]),
            circle=str(doc["circle"]),
            title=str(doc["title"]),
            recurrence=parse_recurrence(str(doc["recurrence"])),
            start=time(int(hour), int(minute)),
            timezone=str(doc["timezone"]),
            duration_minutes=int(doc["duration_minutes"]),
            created_at=datetime.fromisoformat(str(doc.get("created_at") or EPOCH)),
            created_by=str(doc.get("created_by", "")),
            place=str(doc.get("place", "")),
            topic=bool(doc.get("topic", False)),
            status=str(doc.get("status", ACTIVE)),
            cancelled=[str(d) for d in doc.get("cancelled") or []],
            rsvps={str(day): {str(k): str(v) for k, v in a.items()} for day, a in rsvps.items()},
        )
