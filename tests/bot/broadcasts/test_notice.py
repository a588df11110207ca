"""How reminders, relay reminders, hand-offs and the close read in a chat, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.broadcasts.notice import render
from bot.i18n import Catalogs, Translator
from circles.meetup import Meetup
from circles.recurrence import parse_recurrence
from circles.relay import Relay
from circles.services.reminders import (
    CLOSE,
    HANDOFF,
    REMINDER,
    MeetupNotice,
    Notice,
    RelayNotice,
)

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
NAMES = {"v1": "Mei", "v2": "Jun"}


def meetup_notice(place: str = "", topic: str = "") -> Notice:
    meetup = Meetup(
        "m1",
        "research",
        "Tea house",
        parse_recurrence("tue,fri"),
        time(20),
        "Asia/Shanghai",
        90,
        START - timedelta(days=9),
        place=place,
        topic=bool(topic),
    )
    occurrence = meetup.occurrence_on(date(2026, 12, 1))
    what = MeetupNotice(meetup, occurrence, timedelta(hours=1), 3, 1, topic)
    return Notice("m1@2026-12-01|3600|telegram:-1", "telegram:-1", START - timedelta(hours=1), what)


def relay_notice(kind: str, slot: int, holders: dict[int, str]) -> Notice:
    relay = Relay(
        "r1", "content", "Poetry", START, 3, 60, "v1", START - timedelta(days=2), dict(holders)
    )
    what = RelayNotice(relay, kind, slot, NAMES, "Asia/Shanghai")
    return Notice(f"r1#{slot}|{kind}|slack:C1", "slack:C1", START, what)


@pytest.fixture(scope="module")
def en(catalogs: Catalogs) -> Translator:
    return catalogs.translator("en")


@pytest.fixture(scope="module")
def zh(catalogs: Catalogs) -> Translator:
    return catalogs.translator("zh")


def test_a_meetup_reminder_says_when_where_who_comes_and_asks(
    en: Translator, zh: Translator
) -> None:
    reply = render(en, meetup_notice("https://meet.example/t", "Water for elders"))
    assert reply.text.splitlines() == [
        "⏰ Tea house (research) in 1 h: Tue 2026-12-01 20:00–21:30 (Asia/Shanghai)",
        "Where: https://meet.example/t",
        "Today's topic: Water for elders",
        "Coming: 3 yes, 1 maybe.",
        "Will you come? (m1@2026-12-01)",
    ]
    assert [b.command for b in reply.buttons[0]] == [
        "rsvp m1 yes 2026-12-01",
        "rsvp m1 maybe 2026-12-01",
        "rsvp m1 no 2026-12-01",
    ]
    chinese = render(zh, meetup_notice()).text
    assert "还有 1 小时" in chinese and "周二" in chinese and "地点" not in chinese


def test_relay_messages_name_the_holders(en: Translator) -> None:
    reminder = render(en, relay_notice(REMINDER, 2, {1: "v1", 2: "v2"})).text
    assert "slot 2 (21:00–22:00) starts in 10 minutes. Jun, you are next!" in reminder
    first = render(en, relay_notice(HANDOFF, 1, {1: "v1"})).text
    assert "slot 1 (20:00–21:00) begins, Mei has the baton." in first
    handoff = render(en, relay_notice(HANDOFF, 2, {1: "v1", 2: "v2"})).text
    assert "Mei hands the baton to Jun for slot 2 (21:00–22:00)" in handoff
    open_slot = render(en, relay_notice(HANDOFF, 3, {1: "v1"}))
    assert "nobody holds it yet" in open_slot.text
    assert open_slot.buttons[0][0].command == "relay claim r1 3"
    close = render(en, relay_notice(CLOSE, 3, {1: "v1", 2: "v2"})).text
    assert "complete: 2 of 3 slots held. Thank you, Jun, Mei!" in close


def test_relay_messages_are_translated(zh: Translator) -> None:
    handoff = render(zh, relay_notice(HANDOFF, 2, {1: "v1", 2: "v2"})).text
    assert "Mei 把接力棒交给 Jun" in handoff
