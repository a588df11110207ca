"""The meetup model: durations, sessions, cancelling, answering, and its stored form."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from circles.errors import Conflict, Invalid
from circles.meetup import Meetup, parse_duration
from circles.recurrence import parse_recurrence

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def tea_house(**changes: object) -> Meetup:
    fields: dict[str, object] = {
        "id": "m1",
        "circle": "research",
        "title": "Tea house",
        "recurrence": parse_recurrence("tue,fri"),
        "start": time(20, 0),
        "timezone": "Asia/Shanghai",
        "duration_minutes": 90,
        "created_at": NOW,
        "created_by": "v1",
        "place": "https://meet.example/tea",
    }
    fields.update(changes)
    return Meetup(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("30m", 30), ("90m", 90), ("2h", 120), ("1h30m", 90), ("24h", 1440), ("45min", 45)],
)
def test_durations_read_as_minutes(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["0m", "0h", "25h", "1441m", "m", "", "90", "1.5h", "-30m"])
def test_zero_absurd_or_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        parse_duration(text)


def test_sessions_have_stable_ids_and_end_after_their_duration() -> None:
    meetup = tea_house()
    first = meetup.next_occurrence(NOW, meetup.duration * 1000)
    assert first is not None
    assert first.id == "m1@2026-11-24"
    assert first.start == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert (first.end - first.start).total_seconds() == 90 * 60


def test_a_cancelled_session_is_skipped_and_cannot_be_cancelled_twice() -> None:
    meetup = tea_house()
    meetup.cancel_on(date(2026, 11, 24), NOW)
    upcoming = [o.day for o in meetup.occurrences(NOW, datetime(2026, 12, 2, tzinfo=UTC))]
    assert upcoming == [date(2026, 11, 27), date(2026, 12, 1)]
    with pytest.raises(Conflict):
        meetup.cancel_on(date(2026, 11, 24), NOW)
    with pytest.raises(Invalid):
        meetup.cancel_on(date(2026, 11, 25), NOW)  # a Wednesday: no session


def test_answers_are_kept_per_session_and_refused_for_cancelled_or_past_ones() -> None:
    meetup = tea_house()
    meetup.answer(date(2026, 11, 24), "v2", "yes", NOW)
    meetup.answer(date(2026, 11, 24), "v3", "maybe", NOW)
    meetup.answer(date(2026, 11, 24), "v2", "no", NOW)  # changing one's mind replaces
    assert meetup.answers_on(date(2026, 11, 24)) == {"v2": "no", "v3": "maybe"}
    assert meetup.count(date(2026, 11, 24), "maybe") == 1
    meetup.cancel_on(date(2026, 11, 27), NOW)
    with pytest.raises(Conflict):
        meetup.answer(date(2026, 11, 27), "v2", "yes", NOW)
    with pytest.raises(Invalid):
        meetup.answer(date(2026, 11, 24), "v2", "perhaps", NOW)
    later = datetime(2026, 11, 25, tzinfo=UTC)
    with pytest.raises(Conflict):
        meetup.answer(date(2026, 11, 24), "v2", "yes", later)


def test_the_stored_form_has_the_export_keys_and_round_trips() -> None:
    meetup = tea_house(topic=True)
    meetup.cancel_on(date(2026, 12, 1), NOW)
    meetup.answer(date(2026, 12, 4), "v9", "yes", NOW)
    doc = meetup.to_doc()
    assert list(doc)[:9] == [
        "id",
        "circle",
        "title",
        "recurrence",
        "start",
        "timezone",
        "duration_minutes",
        "cancelled",
        "rsvps",
    ]
    assert doc["recurrence"] == "tue,fri"
    assert doc["start"] == "20:00"
    assert doc["duration_minutes"] == 90
    assert doc["cancelled"] == ["2026-12-01"]
    assert doc["rsvps"] == {"2026-12-04": {"v9": "yes"}}
    assert Meetup.from_doc(doc) == meetup
    assert Meetup.from_doc(doc).to_doc() == doc
