"""The meetup and relay commands as a volunteer types them: answers, buttons and refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.reply import Reply
from circles.services.export import export_network
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say

MEETUP_ID = re.compile(r"\((m[0-9a-f]{8})\)")
RELAY_ID = re.compile(r"\b(r[0-9a-f]{8})\b")


@pytest.fixture
def lead(say: Say, uow: UnitOfWork) -> str:
    """lena leads research; mo and zoe are volunteers."""
    say("lena", "join")
    say("mo", "join")
    say("zoe", "join")
    with uow.begin() as s:
        lena = s.require_volunteer("console:lena")
    appoint_lead(uow, "research", lena.id)
    return lena.id


def schedule_tea(say: Say) -> str:
    reply = say("lena", "schedule research tue,fri 20:00 90m Tea house @ https://meet.example/t")
    assert not reply.error, reply.text
    match = MEETUP_ID.search(reply.text)
    assert match
    return match.group(1)


def snapshot(uow: UnitOfWork) -> dict[str, Any]:
    return export_network(uow)


def test_schedule_answers_with_the_first_session_and_rsvp_buttons(say: Say, lead: str) -> None:
    reply = say("lena", "schedule research tue,fri 20:00 90m Tea house @ https://meet.example/t")
    meetup = MEETUP_ID.search(reply.text)
    assert meetup and not reply.error
    assert "tue,fri at 20:00 (Asia/Shanghai), 90 min" in reply.text
    assert "Where: https://meet.example/t" in reply.text
    assert "First session: Tue 2026-11-24 20:00" in reply.text
    commands = [b.command for row in reply.buttons for b in row]
    assert commands == [f"rsvp {meetup.group(1)} {a} 2026-11-24" for a in ("yes", "maybe", "no")]


def test_schedule_takes_the_topic_flag(say: Say, lead: str, uow: UnitOfWork) -> None:
    reply = say("lena", "schedule research daily 21:00 30m --topic One topic a day")
    assert "most-backed open topic" in reply.text
    (doc,) = snapshot(uow)["meetups"]
    assert doc["title"] == "One topic a day" and doc["topic"] is True


NOT_A_TYPING_ERROR = (
    "Only a lead",
    "There is no",
    "You have not joined",
    "is cancelled",
    "already cancelled",
)


@pytest.mark.parametrize(
    ("who", "line", "says"),
    [
        ("mo", "schedule research daily 20:00 30m Mine", "Only a lead of research"),
        ("lena", "schedule research dayly 20:00 30m X", "is not a recurrence"),
        ("lena", "schedule research tue,funday 20:00 30m X", "'funday' is not a day"),
        ("lena", "schedule research daily 25:99 30m X", "'25:99' is not a time of day"),
        ("lena", "schedule research once:2026-11-01 20:00 30m X", "already past"),
        ("lena", "schedule research daily 20:00 0m X", "'0m' is not a duration"),
        ("lena", "schedule research daily 20:00 48h X", "'48h' is not a duration"),
        ("lena", "schedule nowhere daily 20:00 1h X", "There is no circle 'nowhere'"),
        ("lena", "schedule research daily 20:00", "Missing <duration>, <title>"),
        ("nobody", "schedule research daily 20:00 1h X", "You have not joined yet"),
        ("mo", "rsvp mnothere yes", "There is no meetup 'mnothere'"),
        ("mo", "rsvp {tea} perhaps", "Answer yes, no or maybe"),
        ("mo", "rsvp {tea} yes 2026-11-25", "has no session on 2026-11-25"),
        ("mo", "rsvp {tea} yes 2026-11-24", "is cancelled"),
        ("mo", "rsvp {tea} yes 2026-13-01", "is not a date"),
        ("mo", "cancel {tea} 2026-11-27", "Only a lead of research"),
        ("mo", "cancel {tea}", "Only a lead of research"),
        ("lena", "cancel {tea} 2026-11-24", "already cancelled"),
        ("lena", "cancel mnothere", "There is no meetup"),
        ("mo", "calendar nowhere", "There is no circle"),
        ("mo", "meetups nowhere", "There is no circle"),
        ("mo", "relay new 2026-12-01T20:00 24x60 Poetry", "Only a lead of network"),
        ("lena", "relay new 2026-12-01T20:00 24x60 --circle=research", "Write it as: relay new"),
        ("lena", "relay new 2026-12-01 24x60 --circle=research P", "is not a start"),
        ("lena", "relay new 2026-12-01T25:00 24x60 --circle=research P", "not a time of day"),
        ("lena", "relay new 2026-11-01T20:00 24x60 --circle=research P", "already past"),
        ("lena", "relay new 2026-12-01T20:00 0x60 --circle=research P", "not a slot plan"),
        ("lena", "relay new 2026-12-01T20:00 300x60 --circle=research P", "not a slot plan"),
        ("mo", "relay claim rnothere 1", "There is no relay"),
        ("mo", "relay claim", "Write it as: relay claim <id> <slot>"),
        ("mo", "relay dance r1", "Unknown relay subcommand 'dance'"),
        # Far-future (and far-past) dates are refused with the limit, not an overflow.
        ("lena", "relay new 9999-12-31T10:00 24x60 --circle=research P", "at most two years"),
        ("lena", "relay new 2028-11-23T10:00 24x60 --circle=research P", "to 2028-11-22"),
        ("mo", "rsvp {tea} yes 9999-12-31", "at most two years ahead"),
        ("mo", "rsvp {tea} yes 0001-01-01", "is out of reach"),
        ("mo", "rsvp {tea}@9999-12-31 yes", "at most two years ahead"),
        ("lena", "cancel {tea} 9999-12-31", "at most two years ahead"),
        ("lena", "schedule research once:9999-12-31 20:00 30m X", "at most two years ahead"),
        ("mo", "relay delete", "Write it as: relay delete <id>"),
        ("mo", "relay delete rnothere", "There is no relay"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_changes_nothing(
    say: Say, lead: str, uow: UnitOfWork, who: str, line: str, says: str
) -> None:
    tea = schedule_tea(say)
    assert not say("lena", f"cancel {tea} 2026-11-24").error
    before = snapshot(uow)
    reply = say(who, line.format(tea=tea))
    assert reply.error
    assert says in reply.text
    # Only an error in how the line was typed is followed by the usage.
    assert ("Usage:" in reply.text) == (not says.startswith(NOT_A_TYPING_ERROR)), reply.text
    assert snapshot(uow) == before


def test_meetups_lists_sessions_with_ids_in_the_network_time_zone(say: Say, lead: str) -> None:
    tea = schedule_tea(say)
    reply = say("anyone", "meetups research")
    assert "times in Asia/Shanghai" in reply.text
    assert "• Tue 2026-11-24 20:00–21:30 Tea house (research): 0 yes, 0 maybe" in reply.text
    assert f"id: {tea}@2026-11-24 · https://meet.example/t" in reply.text
    assert f"id: {tea}@2026-12-04" in reply.text
    assert "No meetups" in say("anyone", "meetups practice").text


def test_a_volunteer_with_a_time_zone_sees_times_in_it(
    say: Say, lead: str, uow: UnitOfWork
) -> None:
    schedule_tea(say)
    with uow.begin() as s:
        mo = s.require_volunteer("console:mo")
        s.tx.put("volunteers", mo.id, {**mo.to_doc(), "timezone": "Europe/Berlin"})
        s.commit()
    reply = say("mo", "meetups")
    assert "times in Europe/Berlin" in reply.text
    assert "Tue 2026-11-24 13:00–14:30 Tea house" in reply.text


def test_rsvp_counts_and_shows_in_the_next_reminder_buttons(say: Say, lead: str) -> None:
    tea = schedule_tea(say)
    reply = say("mo", f"rsvp {tea} yes")
    assert reply.text.startswith("You answered yes for Tea house on Tue 2026-11-24 20:00.")
    assert "Coming: 1 yes, 0 maybe." in reply.text
    reply = say("zoe", f"rsvp {tea}@2026-11-24 maybe")
    assert "Coming: 1 yes, 1 maybe." in reply.text
    pressed = reply.buttons[0][2].command  # the "No" button, as if pressed
    assert pressed == f"rsvp {tea} no 2026-11-24"
    assert "Coming: 1 yes, 0 maybe." in say("zoe", pressed).text


def test_cancel_one_session_or_the_series(say: Say, lead: str) -> None:
    tea = schedule_tea(say)
    assert (
        say("lena", f"cancel {tea} 2026-11-27").text
        == "Cancelled Tea house on Fri 2026-11-27 20:00."
    )
    listed = say("mo", "meetups").text
    assert f"{tea}@2026-11-27" not in listed and f"{tea}@2026-11-24" in listed
    assert "every session" in say("lena", f"cancel {tea}").text
    assert "No meetups" in say("mo", "meetups").text


def test_calendar_links_to_the_feeds(say: Say) -> None:
    assert "http://127.0.0.1:8080/calendar.ics" in say("x", "calendar").text
    assert "http://127.0.0.1:8080/calendar/research.ics" in say("x", "calendar Research").text


def test_myroles_and_circle_show_upcoming_meetups(say: Say, lead: str) -> None:
    tea = schedule_tea(say)
    assert "Your next meetups:" not in say("mo", "myroles").text
    say("mo", f"rsvp {tea} yes")
    mine = say("mo", "myroles").text
    assert "Your next meetups:" in mine and "Tue 2026-11-24 20:00–21:30 Tea house" in mine
    say("mo", "claim research/interviewer")  # membership: every session of the circle
    assert "Fri 2026-11-27 20:00–21:30 Tea house" in say("mo", "myroles").text
    assert (
        f"Next meetup: Tea house, Tue 2026-11-24 20:00–21:30 ({tea}@2026-11-24)"
        in say("mo", "circle research").text
    )


def relay_reply(say: Say, line: str, who: str = "lena") -> Reply:
    reply = say(who, line)
    assert not reply.error, reply.text
    return reply


def test_a_relay_is_created_claimed_and_released_on_its_board(say: Say, lead: str) -> None:
    created = relay_reply(say, "relay new 2026-12-01T20:00 4x60 --circle=research Poetry night")
    match = RELAY_ID.search(created.text)
    assert match
    relay = match.group(1)
    assert "4 slots of 60 min from Tue 2026-12-01 20:00 (Asia/Shanghai)" in created.text
    assert "4. 23:00–00:00 (open)" in created.text
    claim = relay_reply(say, f"relay claim {relay} 2", "mo")
    assert "You hold slot 2." in claim.text and "2. 21:00–22:00 mo" in claim.text
    assert [b.command for row in claim.buttons for b in row] == [
        f"relay claim {relay} {n}" for n in (1, 3, 4)
    ]
    taken = say("zoe", f"relay claim {relay} 2")
    assert taken.error and "is taken" in taken.text
    board = relay_reply(say, f"relay {relay}", "zoe")
    assert "3 slots open" in board.text
    assert "Poetry night" in relay_reply(say, "relay", "zoe").text
    assert "Slot 2 is open again." in relay_reply(say, f"relay release {relay} 2", "mo").text


def test_relay_new_belongs_to_the_chat_s_circle_else_the_network(
    say: Say, lead: str, uow: UnitOfWork, dispatcher: Any
) -> None:
    from circles.actor import Actor

    with uow.begin() as s:
        research = s.circles.require("research")
        research.chats = ["telegram:-100"]
        s.circles.save(research)
        s.commit()
    in_chat = Actor("console:lena", "lena", chat="telegram:-100", in_group=True)
    reply = dispatcher.handle(in_chat, "relay new 2026-12-01T20:00 2x30 Chat relay")
    assert not reply.error and "of research:" in reply.text
    outside = say("lena", "relay new 2026-12-01T20:00 2x30 Outside")
    assert outside.error and "Only a lead of network" in outside.text


def test_help_documents_the_flags(say: Say) -> None:
    assert "--topic" in say("x", "help schedule").text
    relay_help = say("x", "help relay").text
    assert "--circle=<slug>" in relay_help and "relay claim <id> <slot>" in relay_help


def test_replies_follow_the_users_language(say: Say, lead: str) -> None:
    tea = schedule_tea(say)
    say("mo", "lang zh")
    assert "周二 2026-11-24 20:00" in say("mo", "meetups").text
    assert "参加" in say("mo", f"rsvp {tea} yes").text


def test_a_lead_deletes_a_relay_and_others_may_not(say: Say, lead: str) -> None:
    created = relay_reply(say, "relay new 2026-12-01T20:00 4x60 --circle=research Poetry night")
    match = RELAY_ID.search(created.text)
    assert match
    relay = match.group(1)
    refused = say("mo", f"relay delete {relay}")
    assert refused.error and "Only a lead of research" in refused.text
    assert "Poetry night" in relay_reply(say, "relay", "zoe").text
    deleted = relay_reply(say, f"relay delete {relay}")
    assert f"Relay {relay} (Poetry night) is deleted." in deleted.text
    assert "No relay is planned" in relay_reply(say, "relay", "zoe").text
    gone = say("zoe", f"relay {relay}")
    assert gone.error and "There is no relay" in gone.text


def test_a_relay_two_years_ahead_is_still_accepted(say: Say, lead: str) -> None:
    created = relay_reply(say, "relay new 2028-11-22T10:00 24x60 --circle=research Far")
    assert "Relay created" in created.text
