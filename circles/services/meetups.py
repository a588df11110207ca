"""Scheduling meetups, listing their sessions, answering for a session, cancelling."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from circles.actor import Actor
from circles.errors import N_, Conflict, Invalid, NotFound
from circles.masking import mask, traces_of
from circles.meetup import CANCELLED, Meetup, Occurrence, parse_duration
from circles.recurrence import (
    ONCE,
    parse_clock,
    parse_date,
    parse_recurrence,
    within_reach,
    zone,
)
from circles.services.lookup import find_circle, find_meetup
from circles.text import clean
from circles.unit_of_work import CIRCLES, Session, UnitOfWork

MEETUPS = "meetups"
MAX_TITLE = 120
MAX_PLACE = 300
# How far ahead "the next session" is looked for: a biweekly rule always has one within it.
NEXT_HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Upcoming:
    """One upcoming session with its meetup and how many said yes or maybe."""

    meetup: Meetup
    occurrence: Occurrence

    @property
    def yes(self) -> int:
        return self.meetup.count(self.occurrence.day, "yes")

    @property
    def maybe(self) -> int:
        return self.meetup.count(self.occurrence.day, "maybe")


def circle_timezone(s: Session, circle: str) -> str:
    """The circle's own time zone if its document names one, else the network's."""
    doc = s.tx.get(CIRCLES, circle) or {}
    return str(doc.get("timezone") or s.network.timezone)


def viewer_timezone(uow: UnitOfWork, identity: str) -> str:
    """The time zone to show a volunteer times in: theirs if they set one, else the network's."""
    with uow.begin() as s:
        return timezone_of(s, identity)


def timezone_of(s: Session, identity: str) -> str:
    """``viewer_timezone`` inside an open session."""
    volunteer = s.volunteers.by_identity(identity)
    doc = s.tx.get("volunteers", volunteer.id) if volunteer else None
    name = str((doc or {}).get("timezone") or s.network.timezone)
    try:
        zone(name)
    except Invalid:
        return s.network.timezone
    return name


def load(s: Session, meetup_id: str) -> Meetup:
    doc = s.tx.get(MEETUPS, meetup_id)
    if doc is None:
        raise NotFound(
            N_("There is no meetup '{meetup}'. Send meetups for the list."), meetup=meetup_id[:40]
        )
    return Meetup.from_doc(doc)


def all_meetups(s: Session) -> list[Meetup]:
    return sorted((Meetup.from_doc(d) for d in s.tx.all(MEETUPS)), key=lambda m: m.id)


def resolve(s: Session, ref: str, day: str = "") -> tuple[Meetup, date | None]:
    """``m1a2b3c4`` or ``m1a2b3c4@2026-12-01`` (an occurrence id), plus an optional date."""
    typed, at, occurrence_day = ref.strip().partition("@")
    if at and day and occurrence_day.strip() != day.strip():
        raise Invalid(N_("Name the date once: either {ref} or a date."), ref=ref[:60])
    named = occurrence_day.strip() if at else day
    meetup = find_meetup(all_meetups(s), typed)
    if meetup is None:
        meetup = load(s, typed.strip().lower())  # says there is no such meetup
    return meetup, parse_date(named) if named else None


def schedule_meetup(
    uow: UnitOfWork,
    actor: Actor,
    circle: str,
    recurrence: str,
    start: str,
    duration: str,
    title: str,
    *,
    place: str = "",
    topic: bool = False,
) -> Meetup:
    """A lead schedules a series (or a one-off) for their circle."""
    rule = parse_recurrence(recurrence)
    local_start = parse_clock(start)
    minutes = parse_duration(duration)
    title = clean(title, field="title", max_length=MAX_TITLE)
    place = clean(place, field="place", max_length=MAX_PLACE, allow_empty=True)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        target = find_circle(s, circle)
        s.require_lead(volunteer, target)
        if rule.on is not None:
            within_reach(rule.on, s.now.date())
        meetup = Meetup(
            id=s.new_id(MEETUPS, "m"),
            circle=target.slug,
            title=title,
            recurrence=rule,
            start=local_start,
            timezone=circle_timezone(s, target.slug),
            duration_minutes=minutes,
            created_at=s.now,
            created_by=volunteer.id,
            place=place,
            topic=topic,
        )
        if meetup.next_occurrence(s.now, NEXT_HORIZON) is None:
            if rule.kind == ONCE:
                raise Invalid(
                    N_("{date} {time} is already past: a one-off meetup must be in the future."),
                    date=rule.text.partition(":")[2],
                    time=start,
                )
            raise Invalid(N_("That recurrence has no session ahead."))
        s.tx.put(MEETUPS, meetup.id, meetup.to_doc())
        s.commit()
        return meetup


def upcoming(
    uow: UnitOfWork,
    circle: str = "",
    *,
    horizon: timedelta = timedelta(days=14),
    limit: int = 20,
) -> list[Upcoming]:
    """Sessions not yet begun within ``horizon``, soonest first (of one circle, or all)."""
    with uow.begin() as s:
        if circle:
            circle = find_circle(s, circle).slug
        meetups = [m for m in all_meetups(s) if not circle or m.circle == circle]
        return sessions_of(meetups, s.now, horizon)[:limit]


def sessions_of(meetups: Iterable[Meetup], now: datetime, horizon: timedelta) -> list[Upcoming]:
    found = [
        Upcoming(meetup, occurrence)
        for meetup in meetups
        for occurrence in meetup.occurrences(now, now + horizon)
    ]
    return sorted(found, key=lambda item: (item.occurrence.start, item.meetup.id))


def volunteer_sessions(
    uow: UnitOfWork, actor: Actor, *, horizon: timedelta = timedelta(days=14), limit: int = 5
) -> list[Upcoming]:
    """Sessions of the circles a volunteer belongs to, or said yes or maybe to."""
    circles = uow.circles_view().circles  # before the session: it opens a transaction of its own
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(actor.identity)
        if volunteer is None:
            return []
        mine = {c.slug for c in circles if volunteer.id in (*c.members, *c.leads)}
        found = [
            item
            for item in sessions_of(all_meetups(s), s.now, horizon)
            if item.meetup.circle in mine
            or item.meetup.answers_on(item.occurrence.day).get(volunteer.id) in ("yes", "maybe")
        ]
        return found[:limit]


def next_session_in(s: Session, circle: str) -> Upcoming | None:
    """``next_session`` inside an open session."""
    meetups = [m for m in all_meetups(s) if m.circle == circle]
    found = sessions_of(meetups, s.now, NEXT_HORIZON)
    return found[0] if found else None


def rsvp(uow: UnitOfWork, actor: Actor, ref: str, answer: str, day: str = "") -> Upcoming:
    """Answer yes, no or maybe for a session: the named one, else the next one."""
    answer = answer.strip().lower()
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        meetup, named = resolve(s, ref, day)
        if named is not None:
            within_reach(named, s.now.date())
        if named is None:
            upcoming_one = meetup.next_occurrence(s.now, NEXT_HORIZON)
            if upcoming_one is None:
                raise Conflict(N_("Meetup {meetup} has no session ahead."), meetup=meetup.id)
            named = upcoming_one.day
        occurrence = meetup.answer(named, volunteer.id, answer, s.now)
        s.tx.put(MEETUPS, meetup.id, meetup.to_doc())
        s.commit()
        return Upcoming(meetup, occurrence)


@dataclass(frozen=True)
class Cancelled:
    """What a cancel did: the meetup, and the one session cancelled (None: the series)."""

    meetup: Meetup
    occurrence: Occurrence | None


def cancel(uow: UnitOfWork, actor: Actor, ref: str, day: str = "") -> Cancelled:
    """A lead cancels one session, or the whole series when no date is named."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        meetup, named = resolve(s, ref, day)
        s.require_lead(volunteer, s.circles.require(meetup.circle))
        if not meetup.active:
            raise Conflict(N_("Meetup {meetup} is cancelled."), meetup=meetup.id)
        occurrence = None
        if named is None:
            meetup.status = CANCELLED
        else:
            within_reach(named, s.now.date())
            occurrence = meetup.cancel_on(named, s.now)
        s.tx.put(MEETUPS, meetup.id, meetup.to_doc())
        s.commit()
        return Cancelled(meetup, occurrence)


def calendar_meetups(uow: UnitOfWork, circle: str = "") -> list[Meetup]:
    """The active meetups a calendar feed shows (of one circle, or all)."""
    with uow.begin() as s:
        if circle:
            circle = find_circle(s, circle).slug
        return [m for m in all_meetups(s) if m.active and (not circle or m.circle == circle)]


def forget_volunteer(s: Session, volunteer_id: str) -> int:
    """Drop a volunteer's RSVPs inside an open session (for ``forgetme``); returns how many.

    The meetups they scheduled stay (the circle still meets) but no longer name them, not even
    in the title or the place ("Lena's flat", a call link with their name in it).
    """
    terms = traces_of(s, volunteer_id)
    dropped = 0
    for meetup in all_meetups(s):
        changed = meetup.created_by == volunteer_id
        if changed:
            meetup.created_by = ""
            meetup.title = mask(meetup.title, terms)
            meetup.place = mask(meetup.place, terms)
        for answers in meetup.rsvps.values():
            if answers.pop(volunteer_id, None) is not None:
                dropped += 1
                changed = True
        if changed:
            meetup.rsvps = {day: a for day, a in meetup.rsvps.items() if a}
            s.tx.put(MEETUPS, meetup.id, meetup.to_doc())
    return dropped


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Move RSVPs and authorship to ``into_id``; where both answered a date, ``into_id`` wins."""
    for meetup in all_meetups(s):
        changed = meetup.created_by == from_id
        if changed:
            meetup.created_by = into_id
        for answers in meetup.rsvps.values():
            answer = answers.pop(from_id, None)
            if answer is not None:
                answers.setdefault(into_id, answer)
                changed = True
        if changed:
            s.tx.put(MEETUPS, meetup.id, meetup.to_doc())


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    """The meetups a volunteer answered or scheduled, with only their own answers."""
    found: list[dict[str, Any]] = []
    for meetup in all_meetups(s):
        rsvps = {
            day: {volunteer_id: answers[volunteer_id]}
            for day, answers in sorted(meetup.rsvps.items())
            if volunteer_id in answers
        }
        if rsvps or meetup.created_by == volunteer_id:
            found.append(
                {
                    "id": meetup.id,
                    "circle": meetup.circle,
                    "title": meetup.title,
                    "rsvps": rsvps,
                    "created_by": meetup.created_by if meetup.created_by == volunteer_id else "",
                }
            )
    return found
