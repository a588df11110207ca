"""The personal-data hooks: after a forget or a merge, no table keeps the old volunteer id, and
``data_of`` finds everything a volunteer left in every table.

These tests run over ``hooks()`` and the whole store, so a table added to the hooks later is
checked by them too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from circles.actor import Actor
from circles.clock import FixedClock
from circles.masking import mask
from circles.network import Network
from circles.services import personal_data
from circles.services.announcements import pending
from circles.services.checkins import record_checkin
from circles.services.emergent_roles import propose_role
from circles.services.meetups import rsvp, schedule_meetup
from circles.services.membership import join, set_language
from circles.services.network_setup import ensure_seeded
from circles.services.relays import claim_slot, create_relay
from circles.services.reminders import run_tick
from circles.services.roles import appoint_lead, claim_role
from circles.services.topics import propose_topic
from circles.storage.memory import MemoryStore
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import PREFERENCES, UnitOfWork

ADMIN = Actor("console:admin", "admin")
ANN = Actor("console:ann", "Annabel")
BO = Actor("telegram:7", "Bo")
CHAT = "telegram:-100"
# The tables ``everywhere`` fills; hooks added later are still covered by the no-trace tests.
FILLED = (
    "circles",
    "meetups",
    "relays",
    "checkins",
    "topics",
    "proposals",
    "announcements",
    "codes",
    "preferences",
    "volunteers",
)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def uow(store: MemoryStore, clock: FixedClock) -> UnitOfWork:
    unit = UnitOfWork(store, clock, Network(language="en", admins=frozenset({ADMIN.identity})))
    ensure_seeded(unit)
    return unit


def dump(store: MemoryStore) -> str:
    return json.dumps(store.snapshot(), ensure_ascii=False)


def everywhere(uow: UnitOfWork, actor: Actor, role: str, slot: str) -> str:
    """Make ``actor`` a volunteer with data in every table; returns their id."""
    link_chat(uow, "content")  # a root circle: topics, and roles proposed there, are announced
    volunteer = join(uow, actor, "Gubei").volunteer
    claim_role(uow, actor, role)
    claim_role(uow, actor, "practice/kit-tester")
    appoint_lead(uow, "content", volunteer.id)
    schedule_meetup(uow, actor, "content", "daily", "19:00", "30m", f"{actor.name}'s standup")
    create_relay(uow, actor, "2026-11-24T10:00", "4x60", f"{actor.name}'s relay", "content")
    with uow.begin() as s:
        meetups = [d["id"] for d in s.tx.all("meetups")]
        relays = [d["id"] for d in s.tx.all("relays")]
    for meetup in meetups:
        rsvp(uow, actor, meetup, "yes")
    for relay in relays:
        claim_slot(uow, actor, relay, slot)
    record_checkin(uow, actor, f"{actor.name} sorted parcels #parcel-sorting", {"parcel-sorting"})
    propose_topic(uow, actor, f"Topic number {slot}: {actor.name}'s idea", threshold=3)
    propose_role(uow, actor, "content", f"helper-{slot}", "Helper: helps", "en")
    with uow.begin() as s:
        personal_data.one_time_codes.issue(s, volunteer.id, actor.identity, "link")
        # A stray preference under one of their identities (as before joining).
        s.tx.put(PREFERENCES, actor.identity, {"language": "zh"})
        s.commit()
    return volunteer.id


def link_chat(uow: UnitOfWork, slug: str) -> None:
    with uow.begin() as s:
        circle = s.circles.require(slug)
        circle.chats = [CHAT]
        s.circles.save(circle)
        s.commit()


def test_hook_names_are_unique_and_the_volunteer_record_goes_last() -> None:
    names = [hook.name for hook in personal_data.hooks()]
    assert len(names) == len(set(names))
    assert names[-1] == "volunteers"


def test_data_of_finds_a_volunteer_in_every_table(uow: UnitOfWork) -> None:
    ann = everywhere(uow, ANN, "research/interviewer", "1")
    with uow.begin() as s:
        data = personal_data.data_of(s, ann)
    assert [name for name in FILLED if not data[name]] == []
    assert data["meetups"][0]["created_by"] == ann
    assert data["codes"] == [{"purpose": "link", "expires_at": "2026-11-22T08:10:00+00:00"}]
    assert "id" not in data["codes"][0]  # never the digest


def test_forget_leaves_no_trace_in_any_table(store: MemoryStore, uow: UnitOfWork) -> None:
    ann = everywhere(uow, ANN, "research/interviewer", "1")
    bo = everywhere(uow, BO, "research/scenario-mapper", "2")
    with uow.begin() as s:
        personal_data.forget_volunteer(s, ann)
        s.commit()
    text = dump(store)
    for trace in (ann, "Annabel", "console:ann"):
        assert trace not in text, trace
    with uow.begin() as s:
        assert all(records == [] for records in personal_data.data_of(s, ann).values())
        # Her queued announcements still tell the chats of her topic and role, without her.
        masked = [a.params for a in pending(s) if a.params.get("name") == "***"]
        assert [p["title"] for p in masked] == ["Topic number 1: ***'s idea", "Helper"]
        # Bo is untouched, and what Ann did stays, anonymised.
        kept = personal_data.data_of(s, bo)
        assert all(kept[name] for name in FILLED)
        checkins = [d for d in s.tx.all("checkins") if not d["volunteer"]]
        assert [(c["text"], c["neighborhood"], c["kit"]) for c in checkins] == [
            ("*** sorted parcels #parcel-sorting", "", "parcel-sorting")
        ]
        assert len(list(s.tx.all("meetups"))) == 2  # the circle still meets


def test_every_table_is_looked_after_or_holds_no_personal_data(
    store: MemoryStore, uow: UnitOfWork, clock: FixedClock
) -> None:
    everywhere(uow, ANN, "research/interviewer", "1")
    clock.advance(timedelta(hours=2, minutes=30))  # Ann's standup is an hour away
    assert run_tick(uow, [timedelta(hours=1)], {"telegram"}).notices
    hooked = {table for hook in personal_data.hooks() for table in hook.tables}
    unknown = set(store.snapshot()) - hooked - set(personal_data.WITHOUT_PERSONAL_DATA)
    assert unknown == set()
    assert "deliveries" in store.snapshot()  # the tick above did fill the table it exempts


def test_merge_moves_everything_to_the_kept_id(store: MemoryStore, uow: UnitOfWork) -> None:
    ann = everywhere(uow, ANN, "research/interviewer", "1")
    bo = everywhere(uow, BO, "research/scenario-mapper", "2")
    with uow.begin() as s:
        before = personal_data.data_of(s, ann)
        personal_data.merge_volunteers(s, ann, bo)
        s.commit()
    assert ann not in dump(store)
    with uow.begin() as s:
        assert all(records == [] for records in personal_data.data_of(s, ann).values())
        after = personal_data.data_of(s, bo)
        merged = s.volunteers.get(bo)
    assert merged is not None and merged.identities == ["telegram:7", "console:ann"]
    held = {(c["slug"], r["slug"]) for c in after["circles"] for r in c["roles"]}
    assert held == {
        ("research", "interviewer"),
        ("research", "scenario-mapper"),
        ("practice", "kit-tester"),
    }
    assert len(after["checkins"]) == 2 and len(after["relays"]) == 2
    assert {m["created_by"] for m in after["meetups"]} == {bo}
    assert len(after["meetups"]) == 2 and before["meetups"][0]["created_by"] == ann
    assert after["codes"] != [] and len(after["codes"]) == 1  # Ann's code died with her id


def test_merge_keeps_one_answer_per_session(uow: UnitOfWork, store: MemoryStore) -> None:
    join(uow, ADMIN)
    meetup = schedule_meetup(uow, ADMIN, "research", "daily", "20:00", "60m", "Tea").id
    ann, bo = join(uow, ANN).volunteer.id, join(uow, BO).volunteer.id
    rsvp(uow, ANN, meetup, "no")
    rsvp(uow, BO, meetup, "yes")
    with uow.begin() as s:
        personal_data.merge_volunteers(s, ann, bo)
        s.commit()
        [answers] = s.tx.get("meetups", meetup)["rsvps"].values()  # type: ignore[index]
    assert answers == {bo: "yes"}


def test_forget_keeps_a_preference_of_someone_else(uow: UnitOfWork) -> None:
    ann = join(uow, ANN).volunteer.id
    set_language(uow, BO, "zh")
    with uow.begin() as s:
        personal_data.forget_volunteer(s, ann)
        s.commit()
        assert s.tx.get(PREFERENCES, BO.identity) == {"language": "zh"}


@pytest.mark.parametrize(
    ("text", "terms", "masked"),
    [
        (
            "Ann sorted parcels with ann and Annabel",
            ["Ann"],
            "*** sorted parcels with *** and Annabel",
        ),
        ("parked near the park", ["Park"], "parked near the ***"),
        ("小明和邻居一起分拣", ["小明"], "***和邻居一起分拣"),
        ("as console:ann today", ["console:ann"], "as *** today"),
        # One-letter names are masked only standing alone and as written, not inside words.
        ("K and k went to Kiosk", ["K", ""], "*** and k went to Kiosk"),
        ("王：在王府井分拣", ["王"], "***：在王府井分拣"),
    ],
)
def test_mask_hides_names_and_identities(text: str, terms: list[str], masked: str) -> None:
    assert mask(text, terms) == masked


def test_a_forget_request_changes_nothing_but_a_code(uow: UnitOfWork, store: MemoryStore) -> None:
    everywhere(uow, ANN, "research/interviewer", "1")
    before = store.snapshot()
    request = personal_data.request_forget(uow, ANN)
    assert (request.roles, request.checkins) == (2, 1)
    after = store.snapshot()
    assert after.pop("one_time_codes") != before.pop("one_time_codes")
    assert after == before
    assert request.issued.expires_at - datetime(2026, 11, 22, 8, 0, tzinfo=UTC) == timedelta(
        minutes=10
    )


def test_a_confirmed_forget_leaves_no_copy_in_the_store_files(
    tmp_path: Path, clock: FixedClock
) -> None:
    store = TinyDBStore(tmp_path / "can.json")
    unit = UnitOfWork(store, clock, Network(language="en"))
    try:
        ensure_seeded(unit)
        ann = everywhere(unit, ANN, "research/interviewer", "1")
        on_disk = "".join(
            f.read_text(encoding="utf-8", errors="replace") for f in sorted(tmp_path.iterdir())
        )
        assert ann in on_disk  # the journal has her, as written
        code = personal_data.request_forget(unit, ANN).issued.code
        personal_data.forget_me(unit, ANN, code)
        # The store is still open (a running bot): its files must already be clean.
        on_disk = "".join(
            f.read_text(encoding="utf-8", errors="replace") for f in sorted(tmp_path.iterdir())
        )
        for trace in (ann, "Annabel", "console:ann"):
            assert trace not in on_disk, trace
    finally:
        store.close()
