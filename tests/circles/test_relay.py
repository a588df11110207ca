"""The relay model: slot plans, slot times, claiming and releasing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from circles.errors import Conflict, Invalid
from circles.relay import Relay, parse_shape

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def poetry() -> Relay:
    return Relay("r1", "content", "Poetry", START, 24, 60, "v1", START - timedelta(days=3))


@pytest.mark.parametrize(
    ("text", "shape"),
    [("24x60", (24, 60)), ("4×30", (4, 30)), ("1x5", (1, 5)), ("7x1440", (7, 1440))],
)
def test_slot_plans_parse(text: str, shape: tuple[int, int]) -> None:
    assert parse_shape(text) == shape


@pytest.mark.parametrize("text", ["0x60", "24x0", "24x4", "201x5", "8x1440", "24", "x60", "a x b"])
def test_empty_or_absurd_slot_plans_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        parse_shape(text)


def test_slots_follow_each_other_and_the_relay_ends_after_the_last() -> None:
    relay = poetry()
    assert relay.slot_start(1) == START
    assert relay.slot_end(1) == relay.slot_start(2)
    assert relay.slot_end(24) == relay.end == START + timedelta(hours=24)


def test_a_slot_is_claimed_once_and_released_by_its_holder_or_a_lead() -> None:
    relay = poetry()
    now = START - timedelta(hours=1)
    relay.claim(3, "v2", now)
    with pytest.raises(Conflict):
        relay.claim(3, "v3", now)
    with pytest.raises(Conflict):
        relay.claim(3, "v2", now)
    with pytest.raises(Invalid):
        relay.claim(25, "v2", now)
    with pytest.raises(Conflict):
        relay.release(3, "v3", as_lead=False, now=now)
    assert relay.release(3, "v3", as_lead=True, now=now) == "v2"
    assert relay.holders == {}
    with pytest.raises(Conflict):
        relay.claim(1, "v2", START + timedelta(hours=2))  # slot 1 is over


def test_the_stored_form_round_trips() -> None:
    relay = poetry()
    relay.claim(2, "v2", START)
    doc = relay.to_doc()
    assert doc["holders"] == {"2": "v2"}
    assert Relay.from_doc(doc) == relay
