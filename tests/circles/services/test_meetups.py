"""Meetup use cases: who may schedule and cancel, what is refused, and answering for sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from circles.actor import Actor
from circles.clock import FixedClock
from circles.errors import Conflict, Invalid, NotFound, PermissionDenied
from circles.services import meetups
from circles.services.membership import join
from circles.services.roles import appoint_lead
from circles.unit_of_work import CIRCLES, UnitOfWork
from tests.conftest import ADMIN

LEAD = Actor("console:lena", "Lena")
MEMBER = Actor("console:mo", "Mo")


@pytest.fixture
def people(uow: UnitOfWork) -> None:
    lead = join(uow, LEAD).volunteer
    join(uow, MEMBER)
    appoint_lead(uow, "research", lead.id)


def stored(uow: UnitOfWork) -> list[dict[str, object]]:
    with uow.begin() as s:
        return list(s.tx.all(meetups.MEETUPS))


def tea_house(uow: UnitOfWork, recurrence: str = "tue,fri") -> str:
    return meetups.schedule_meetup(
        uow, LEAD, "research", recurrence, "20:00", "90m", "Tea house"
    ).id


def test_a_lead_schedules_in_the_circles_time_zone(uow: UnitOfWork, people: None) -> None:
    meetup = meetups.schedule_meetup(
        uow, LEAD, "research", "tue,fri", "20:00", "90m", "Tea house", place="Room 3"
    )
    assert meetup.timezone == "Asia/Shanghai"
    assert meetup.created_at == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert stored(uow) == [meetup.to_doc()]


def test_a_circle_may_name_its_own_time_zone(uow: UnitOfWork, people: None) -> None:
    with uow.begin() as s:
        doc = dict(s.tx.get(CIRCLES, "research") or {})
        s.tx.put(CIRCLES, "research", {**doc, "timezone": "Europe/Berlin"})
        s.commit()
    meetup = meetups.schedule_meetup(uow, LEAD, "research", "daily", "20:00", "1h", "Standup")
    assert meetup.timezone == "Europe/Berlin"


def test_a_lead_of_a_parent_circle_or_an_admin_may_schedule(uow: UnitOfWork) -> None:
    admin = Actor(ADMIN, "Admin")
    join(uow, admin)
    meetup = meetups.schedule_meetup(uow, admin, "practice", "weekdays", "09:00", "30m", "Sync")
    assert meetup.circle == "practice"


@pytest.mark.parametrize(
    ("who", "args", "error"),
    [
        (MEMBER, ("research", "daily", "20:00", "1h", "Mine"), PermissionDenied),
        (
            Actor("console:stranger", "S"),
            ("research", "daily", "20:00", "1h", "X"),
            PermissionDenied,
        ),
        (LEAD, ("nowhere", "daily", "20:00", "1h", "X"), NotFound),
        (LEAD, ("research", "dayly", "20:00", "1h", "X"), Invalid),
        (LEAD, ("research", "daily", "25:99", "1h", "X"), Invalid),
        (LEAD, ("research", "daily", "20:00", "0m", "X"), Invalid),
        (LEAD, ("research", "daily", "20:00", "25h", "X"), Invalid),
        (LEAD, ("research", "once:2026-11-21", "20:00", "1h", "X"), Invalid),
        (LEAD, ("research", "once:2026-11-22", "15:00", "1h", "X"), Invalid),  # 07:00 UTC
        (LEAD, ("research", "daily", "20:00", "1h", "   "), Invalid),
        (LEAD, ("research", "daily", "20:00", "1h", "x" * 121), Invalid),
    ],
)
def test_bad_schedules_are_refused_and_store_nothing(
    uow: UnitOfWork, people: None, who: Actor, args: tuple[str, ...], error: type[Exception]
) -> None:
    with pytest.raises(error):
        meetups.schedule_meetup(uow, who, *args)
    assert stored(uow) == []


def test_a_one_off_later_today_is_accepted(uow: UnitOfWork, people: None) -> None:
    meetup = meetups.schedule_meetup(uow, LEAD, "research", "once:2026-11-22", "17:00", "1h", "X")
    assert [u.occurrence.id for u in meetups.upcoming(uow)] == [f"{meetup.id}@2026-11-22"]


def test_upcoming_lists_sessions_soonest_first_per_circle(uow: UnitOfWork, people: None) -> None:
    tea = tea_house(uow)
    admin = Actor(ADMIN, "Admin")
    join(uow, admin)
    meetups.schedule_meetup(uow, admin, "practice", "daily", "08:00", "1h", "Walk")
    found = meetups.upcoming(uow, "research")
    assert [u.occurrence.id for u in found] == [
        f"{tea}@2026-11-24",
        f"{tea}@2026-11-27",
        f"{tea}@2026-12-01",
        f"{tea}@2026-12-04",
    ]
    everything = meetups.upcoming(uow)
    starts = [u.occurrence.start for u in everything]
    assert starts == sorted(starts) and len(everything) > len(found)
    with pytest.raises(NotFound):
        meetups.upcoming(uow, "nowhere")


def test_rsvp_answers_the_next_session_or_a_named_one(uow: UnitOfWork, people: None) -> None:
    tea = tea_house(uow)
    first = meetups.rsvp(uow, MEMBER, tea, "yes")
    assert first.occurrence.day == date(2026, 11, 24) and first.yes == 1
    named = meetups.rsvp(uow, MEMBER, tea, "Maybe", "2026-11-27")
    assert named.occurrence.day == date(2026, 11, 27) and named.maybe == 1
    by_id = meetups.rsvp(uow, MEMBER, f"{tea}@2026-12-01", "no")
    assert by_id.occurrence.day == date(2026, 12, 1)
    with uow.begin() as s:
        rsvps = meetups.load(s, tea).rsvps
    member_id = next(iter(rsvps["2026-11-24"]))
    assert rsvps == {
        "2026-11-24": {member_id: "yes"},
        "2026-11-27": {member_id: "maybe"},
        "2026-12-01": {member_id: "no"},
    }


def test_the_next_session_skips_cancelled_ones(uow: UnitOfWork, people: None) -> None:
    tea = tea_house(uow)
    meetups.cancel(uow, LEAD, tea, "2026-11-24")
    assert meetups.rsvp(uow, MEMBER, tea, "yes").occurrence.day == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("ref", "answer", "day", "error"),
    [
        ("mnothere", "yes", "", NotFound),
        ("{tea}", "perhaps", "", Invalid),
        ("{tea}", "yes", "2026-11-25", Invalid),  # a Wednesday
        ("{tea}", "yes", "2026-11-20", Invalid),  # before the series began
        ("{tea}", "yes", "2026-11-24", Conflict),  # cancelled below
        ("{tea}", "yes", "24/11/2026", Invalid),
        ("{tea}@2026-11-27", "yes", "2026-12-01", Invalid),  # two dates
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    uow: UnitOfWork, people: None, ref: str, answer: str, day: str, error: type[Exception]
) -> None:
    tea = tea_house(uow)
    meetups.cancel(uow, LEAD, tea, "2026-11-24")
    before = stored(uow)
    with pytest.raises(error):
        meetups.rsvp(uow, MEMBER, ref.format(tea=tea), answer, day)
    assert stored(uow) == before


def test_rsvp_needs_a_volunteer(uow: UnitOfWork, people: None) -> None:
    tea = tea_house(uow)
    with pytest.raises(PermissionDenied):
        meetups.rsvp(uow, Actor("console:stranger", "S"), tea, "yes")


def test_only_a_lead_cancels_and_a_past_session_cannot_be(
    uow: UnitOfWork, people: None, clock: FixedClock
) -> None:
    tea = tea_house(uow)
    before = stored(uow)
    with pytest.raises(PermissionDenied):
        meetups.cancel(uow, MEMBER, tea, "2026-11-24")
    with pytest.raises(PermissionDenied):
        meetups.cancel(uow, MEMBER, tea)
    assert stored(uow) == before
    clock.advance(timedelta(days=3))
    with pytest.raises(Conflict):
        meetups.cancel(uow, LEAD, tea, "2026-11-24")


def test_cancelling_the_series_ends_every_session(uow: UnitOfWork, people: None) -> None:
    tea = tea_house(uow)
    done = meetups.cancel(uow, LEAD, tea)
    assert done.occurrence is None and done.meetup.status == "cancelled"
    assert meetups.upcoming(uow) == []
    assert meetups.calendar_meetups(uow) == []
    with pytest.raises(Conflict):
        meetups.rsvp(uow, MEMBER, tea, "yes", "2026-11-27")
    with pytest.raises(Conflict):
        meetups.cancel(uow, LEAD, tea)


def test_volunteer_sessions_are_their_circles_and_their_answers(
    uow: UnitOfWork, people: None
) -> None:
    tea = tea_house(uow)
    assert meetups.volunteer_sessions(uow, MEMBER) == []
    meetups.rsvp(uow, MEMBER, tea, "maybe", "2026-11-27")
    assert [u.occurrence.id for u in meetups.volunteer_sessions(uow, MEMBER)] == [
        f"{tea}@2026-11-27"
    ]
    lead_sessions = meetups.volunteer_sessions(uow, LEAD)
    assert [u.occurrence.day for u in lead_sessions][:2] == [date(2026, 11, 24), date(2026, 11, 27)]


def test_forgetting_the_scheduler_masks_them_in_the_title_and_the_place(
    uow: UnitOfWork, people: None
) -> None:
    meetup = meetups.schedule_meetup(
        uow, LEAD, "research", "daily", "20:00", "1h", "Lena's standup", place="Lena's flat"
    ).id
    with uow.begin() as s:
        meetups.forget_volunteer(s, s.require_volunteer(LEAD.identity).id)
        s.commit()
    with uow.begin() as s:
        found = meetups.load(s, meetup)
    assert (found.title, found.place, found.created_by) == ("***'s standup", "***'s flat", "")


def test_forgetting_a_volunteer_drops_their_answers_and_slots(
    uow: UnitOfWork, people: None
) -> None:
    from circles.services import relays

    tea = tea_house(uow)
    meetups.rsvp(uow, MEMBER, tea, "yes")
    meetups.rsvp(uow, LEAD, tea, "maybe", "2026-11-27")
    relay = relays.create_relay(uow, LEAD, "2026-12-01T20:00", "2x60", "Poetry", "research")
    relays.claim_slot(uow, MEMBER, relay.id, "2")
    with uow.begin() as s:
        member = s.require_volunteer(MEMBER.identity)
        assert meetups.forget_volunteer(s, member.id) == 1
        assert relays.forget_volunteer(s, member.id) == 1
        s.commit()
    with uow.begin() as s:
        assert list(meetups.load(s, tea).rsvps) == ["2026-11-27"]
        assert relays.load(s, relay.id).holders == {}
