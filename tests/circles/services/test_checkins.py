"""Check-ins: recorded with their kit and neighborhood, listed newest first, counted per kit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from circles.actor import Actor
from circles.checkin import kit_tags
from circles.clock import FixedClock
from circles.errors import Invalid, NotFound, PermissionDenied
from circles.services.checkins import kit_usage, recent_checkins, record_checkin
from circles.services.export import export_network, import_network
from circles.services.membership import join
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork

KITS = {"parcel-sorting", "tea-house"}
ALICE = Actor(identity="console:alice", name="Alice")


def test_kit_tags_are_read_from_the_text() -> None:
    assert kit_tags("Sorted parcels #parcel-sorting at 12, again #Parcel-Sorting") == [
        "parcel-sorting"
    ]
    assert kit_tags("no tag, an a#b and ##x") == []


def test_a_checkin_keeps_kit_neighborhood_and_author(uow: UnitOfWork) -> None:
    join(uow, ALICE, "Gubei")
    checkin = record_checkin(uow, ALICE, "sorted parcels at building 12 #parcel-sorting", KITS)
    assert (checkin.kit, checkin.neighborhood) == ("parcel-sorting", "Gubei")
    with uow.begin() as s:
        [view] = recent_checkins(s)
        assert view.author == "Alice" and view.checkin == checkin
        assert kit_usage(s) == {"parcel-sorting": 1}


def test_a_checkin_naming_two_kits_counts_for_both(uow: UnitOfWork) -> None:
    join(uow, ALICE)
    both = record_checkin(uow, ALICE, "checkin x #parcel-sorting and #tea-house", KITS)
    assert (both.kit, both.kits) == ("parcel-sorting", ["parcel-sorting", "tea-house"])
    record_checkin(uow, ALICE, "tea again #tea-house", KITS)
    with uow.begin() as s:
        assert kit_usage(s) == {"parcel-sorting": 1, "tea-house": 2}


def test_an_export_and_import_keep_every_kit_and_an_old_checkin_counts(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    join(uow, ALICE)
    record_checkin(uow, ALICE, "x #parcel-sorting and #tea-house", KITS)
    with uow.begin() as s:
        # Stored before check-ins kept every kit: only ``kit``.
        s.tx.put("checkins", "c-old", {"id": "c-old", "volunteer": "", "text": "#tea-house",
                                       "kit": "tea-house", "neighborhood": "",
                                       "at": clock.now().isoformat()})  # fmt: skip
        s.commit()
    exported = export_network(uow)
    assert [c.get("kits") for c in exported["checkins"]][-1] == ["parcel-sorting", "tea-house"]
    copy = UnitOfWork(MemoryStore(), clock, uow.network)
    import_network(copy, exported)
    again = export_network(copy)
    assert again["checkins"] == exported["checkins"]
    with copy.begin() as s:
        assert kit_usage(s) == {"parcel-sorting": 1, "tea-house": 2}


def test_feed_is_newest_first_and_bounded(uow: UnitOfWork, clock: FixedClock) -> None:
    join(uow, ALICE)
    for n in range(12):
        record_checkin(uow, ALICE, f"action {n}", KITS)
        clock.advance(timedelta(minutes=1))
    with uow.begin() as s:
        feed = recent_checkins(s, limit=10)
    assert [view.checkin.text for view in feed] == [f"action {n}" for n in range(11, 1, -1)]


@pytest.mark.parametrize(
    ("text", "error"),
    [("used #no-such-kit", NotFound), ("", Invalid), ("x" * 281, Invalid), ("\x00\u200b", Invalid)],
)
def test_bad_checkins_change_nothing(uow: UnitOfWork, text: str, error: type[Exception]) -> None:
    join(uow, ALICE)
    with pytest.raises(error):
        record_checkin(uow, ALICE, text, KITS)
    with uow.begin() as s:
        assert recent_checkins(s) == []


def test_only_volunteers_check_in(uow: UnitOfWork) -> None:
    with pytest.raises(PermissionDenied):
        record_checkin(uow, ALICE, "did something", KITS)
    with uow.begin() as s:
        assert recent_checkins(s) == []
