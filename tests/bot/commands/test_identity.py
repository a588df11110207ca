"""linkme, mydata and forgetme through the dispatcher: codes, merges, exports and refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.commands.dispatch import Dispatcher
from bot.reply import Reply
from circles.actor import Actor
from circles.clock import FixedClock
from circles.services.export import export_network
from circles.services.one_time_codes import CODES
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

CONSOLE = Actor("console:x", "Xia")
TELEGRAM = Actor("telegram:42", "Xia on Telegram", language_hint="en")


def state(dispatcher: Dispatcher) -> str:
    data = export_network(dispatcher.uow)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True)


def stored_codes(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow.begin() as s:
        return list(s.tx.all(CODES))


def ok(dispatcher: Dispatcher, actor: Actor, line: str) -> Reply:
    reply = dispatcher.handle(actor, line)
    assert not reply.error, reply.text
    return reply


def code_in(reply: Reply) -> str:
    """The code after ``linkme`` / ``forgetme`` in the reply's instructions."""
    for word, following in zip(reply.text.split(), reply.text.split()[1:], strict=False):
        if word in ("linkme", "forgetme") and "-" in following:
            return following
    raise AssertionError(reply.text)


def volunteers(uow: UnitOfWork) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in export_network(uow)["volunteers"]}


def circle_of(uow: UnitOfWork, slug: str) -> dict[str, Any]:
    return next(c for c in export_network(uow)["circles"] if c["slug"] == slug)


def holders(uow: UnitOfWork, circle: str, role: str) -> list[str]:
    return list(next(r for r in circle_of(uow, circle)["roles"] if r["slug"] == role)["holders"])


@pytest.fixture
def meetup_and_relay(dispatcher: Dispatcher) -> tuple[str, str]:
    """A daily meetup in research and a 4-slot relay, made by an admin."""
    admin = Actor(ADMIN, "admin")
    ok(dispatcher, admin, "join")
    ok(dispatcher, admin, "schedule research daily 20:00 60m Tea house")
    ok(dispatcher, admin, "relay new 2026-11-23T10:00 4x60 Poetry relay")
    data = export_network(dispatcher.uow)
    return data["meetups"][0]["id"], data["relays"][0]["id"]


def busy_volunteer(
    dispatcher: Dispatcher, actor: Actor, meetup: str, relay: str, role: str, slot: int
) -> None:
    ok(dispatcher, actor, "join Gubei")
    ok(dispatcher, actor, f"claim {role}")
    ok(dispatcher, actor, "claim practice/kit-tester")
    ok(dispatcher, actor, f"rsvp {meetup} yes")
    ok(dispatcher, actor, f"relay claim {relay} {slot}")
    ok(dispatcher, actor, f"checkin sorted parcels as {actor.identity} #parcel-sorting")


# linkme -------------------------------------------------------------------------------------


def test_linkme_merges_a_console_and_a_telegram_volunteer(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock, meetup_and_relay: tuple[str, str]
) -> None:
    meetup, relay = meetup_and_relay
    busy_volunteer(dispatcher, CONSOLE, meetup, relay, "research/interviewer", 1)
    ok(dispatcher, CONSOLE, "profile skills interviews, cooking")
    clock.advance(timedelta(minutes=1))
    busy_volunteer(dispatcher, TELEGRAM, meetup, relay, "content/storyteller", 2)
    ok(dispatcher, TELEGRAM, "profile skills cooking, design")
    ok(dispatcher, TELEGRAM, "profile mission help elders")
    older, newer = volunteers(uow)["Xia"]["id"], volunteers(uow)["Xia on Telegram"]["id"]
    appoint_lead(uow, "content", newer)

    issued = ok(dispatcher, CONSOLE, "linkme")
    code = code_in(issued)
    assert "10 minutes" in issued.text
    clock.advance(timedelta(minutes=3))
    reply = ok(dispatcher, TELEGRAM, f"linkme {code} yes")
    assert "one volunteer, Xia" in reply.text and "telegram:42" in reply.text

    data = export_network(uow)
    [merged] = [v for v in data["volunteers"] if v["id"] != volunteers(uow)["admin"]["id"]]
    assert merged["id"] == older  # the one who joined first keeps its id
    assert merged["identities"] == ["console:x", "telegram:42"]
    assert merged["skills"] == ["interviews", "cooking", "design"]
    assert merged["mission"] == "help elders"
    assert holders(uow, "research", "interviewer") == [older]
    assert holders(uow, "content", "storyteller") == [older]
    assert holders(uow, "practice", "kit-tester") == [older]  # held by both: held once
    assert circle_of(uow, "content")["leads"] == [older]
    assert circle_of(uow, "practice")["members"] == [older]
    [rsvps] = data["meetups"][0]["rsvps"].values()
    assert rsvps == {older: "yes"}
    assert data["relays"][0]["holders"] == {"1": older, "2": older}
    assert {c["volunteer"] for c in data["checkins"]} == {older}
    assert newer not in json.dumps(data)
    # Either identity now speaks for the merged volunteer.
    assert "research/interviewer" in ok(dispatcher, TELEGRAM, "myroles").text
    assert "content/storyteller" in ok(dispatcher, CONSOLE, "myroles").text
    assert stored_codes(uow) == []


def test_the_volunteer_who_joined_first_keeps_its_id_whoever_asked(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock
) -> None:
    ok(dispatcher, TELEGRAM, "join")
    ok(dispatcher, TELEGRAM, "claim research/interviewer")
    first = volunteers(uow)["Xia on Telegram"]["id"]
    clock.advance(timedelta(days=1))
    ok(dispatcher, CONSOLE, "join")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    ok(dispatcher, TELEGRAM, f"linkme {code.lower().replace('-', '')} yes")  # typed loosely
    [merged] = export_network(uow)["volunteers"]
    assert merged["id"] == first and merged["name"] == "Xia on Telegram"
    assert merged["identities"] == ["telegram:42", "console:x"]
    assert holders(uow, "research", "interviewer") == [first]


def test_linkme_from_an_identity_that_never_joined_attaches_it(
    dispatcher: Dispatcher, uow: UnitOfWork
) -> None:
    ok(dispatcher, CONSOLE, "join")
    ok(dispatcher, TELEGRAM, "lang zh")  # a preference kept by identity before joining
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    reply = ok(dispatcher, TELEGRAM, f"linkme {code} yes")
    assert "已关联" in reply.text
    [volunteer] = export_network(uow)["volunteers"]
    assert volunteer["identities"] == ["console:x", "telegram:42"]
    assert volunteer["language"] == "zh"
    with uow.begin() as s:
        assert s.tx.get("preferences", "telegram:42") is None


@pytest.mark.parametrize(("minutes", "works"), [(9 * 60 + 59, True), (10 * 60 + 1, False)])
def test_a_link_code_works_for_ten_minutes(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock, minutes: int, works: bool
) -> None:
    ok(dispatcher, CONSOLE, "join")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    clock.advance(timedelta(seconds=minutes))
    before = state(dispatcher)
    reply = dispatcher.handle(TELEGRAM, f"linkme {code} yes")
    assert reply.error is not works, reply.text
    if not works:
        assert "expired" in reply.text
        assert state(dispatcher) == before


def test_a_link_code_works_once(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    ok(dispatcher, CONSOLE, "join")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    ok(dispatcher, TELEGRAM, f"linkme {code} yes")
    before = state(dispatcher)
    slack = Actor("slack:T1:U1", "Xia on Slack")
    again = dispatcher.handle(slack, f"linkme {code} yes")
    assert again.error and "used already" in again.text
    assert state(dispatcher) == before


def test_a_code_from_the_same_platform_is_refused_and_stays_usable(
    dispatcher: Dispatcher, uow: UnitOfWork
) -> None:
    ok(dispatcher, CONSOLE, "join")
    ok(dispatcher, Actor("console:y", "Yan"), "join")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    before = state(dispatcher)
    refused = dispatcher.handle(Actor("console:y", "Yan"), f"linkme {code} yes")
    assert refused.error and "made on console" in refused.text
    assert state(dispatcher) == before
    ok(dispatcher, TELEGRAM, f"linkme {code} yes")  # the refusal did not use the code up


@pytest.mark.parametrize("code", ["ABCD-EFGH", "nonsense", "x" * 40, "ABCD-EFG0"])
def test_unknown_and_malformed_codes_are_refused(dispatcher: Dispatcher, code: str) -> None:
    ok(dispatcher, CONSOLE, "join")
    ok(dispatcher, CONSOLE, "linkme")
    before = state(dispatcher)
    reply = dispatcher.handle(TELEGRAM, f"linkme {code} yes")
    assert reply.error and "unknown" in reply.text
    assert "Usage" not in reply.text  # typed right, but no such code
    assert state(dispatcher) == before


def test_linking_an_account_already_linked_is_refused(dispatcher: Dispatcher) -> None:
    ok(dispatcher, CONSOLE, "join")
    ok(dispatcher, TELEGRAM, f"linkme {code_in(ok(dispatcher, CONSOLE, 'linkme'))} yes")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    before = state(dispatcher)
    reply = dispatcher.handle(TELEGRAM, f"linkme {code} yes")
    assert reply.error and "already linked" in reply.text
    assert state(dispatcher) == before


def test_linkme_in_a_group_points_to_a_private_chat(
    dispatcher: Dispatcher, uow: UnitOfWork
) -> None:
    ok(dispatcher, CONSOLE, "join")
    group = Actor("console:x", "Xia", chat="telegram:-100", in_group=True)
    reply = dispatcher.handle(group, "linkme")
    assert reply.error and "private chat" in reply.text
    assert "-" not in reply.text.replace("telegram:-100", "")  # no code shown
    assert stored_codes(uow) == []


def test_linkme_without_a_code_needs_a_volunteer(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    reply = dispatcher.handle(TELEGRAM, "linkme")
    assert reply.error and "join" in reply.text
    assert stored_codes(uow) == []


def test_codes_are_stored_as_digests_and_never_exported(
    dispatcher: Dispatcher, uow: UnitOfWork
) -> None:
    ok(dispatcher, CONSOLE, "join")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    [stored] = stored_codes(uow)
    raw = code.replace("-", "")
    assert code not in json.dumps(stored) and raw not in json.dumps(stored)
    exported = json.dumps(export_network(uow))
    assert stored["id"] not in exported and CODES not in exported


def test_one_volunteer_has_at_most_three_live_codes(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock
) -> None:
    ok(dispatcher, CONSOLE, "join")
    for _ in range(3):
        ok(dispatcher, CONSOLE, "linkme")
    refused = dispatcher.handle(CONSOLE, "linkme")
    assert refused.error and "3 unused codes" in refused.text
    assert len(stored_codes(uow)) == 3
    clock.advance(timedelta(minutes=10))
    ok(dispatcher, CONSOLE, "linkme")  # the old ones expired and were swept away
    assert len(stored_codes(uow)) == 1


# mydata -------------------------------------------------------------------------------------


def test_mydata_sends_your_data_as_json(
    dispatcher: Dispatcher, uow: UnitOfWork, meetup_and_relay: tuple[str, str]
) -> None:
    meetup, relay = meetup_and_relay
    busy_volunteer(dispatcher, CONSOLE, meetup, relay, "research/interviewer", 3)
    me = volunteers(uow)["Xia"]["id"]
    reply = ok(dispatcher, CONSOLE, "mydata")
    [attachment] = reply.attachments
    assert attachment.mime == "application/json" and attachment.filename.endswith(".json")
    data = json.loads(attachment.data)
    assert data["format"] == "can-bot/1"
    assert data["volunteers"] == [v for v in export_network(uow)["volunteers"] if v["id"] == me]
    roles = {(c["slug"], r["slug"]) for c in data["circles"] for r in c["roles"]}
    assert roles == {("research", "interviewer"), ("practice", "kit-tester")}
    assert all(c["members"] == [me] for c in data["circles"])
    [answered] = data["meetups"]
    assert answered["id"] == meetup and list(answered["rsvps"].values()) == [{me: "yes"}]
    assert data["relays"][0]["holders"] == {"3": me}
    assert [c["kit"] for c in data["checkins"]] == ["parcel-sorting"]
    admin = volunteers(uow)["admin"]["id"]
    assert admin not in attachment.data.decode()  # nobody else's data


def test_mydata_is_refused_in_a_group_and_before_joining(dispatcher: Dispatcher) -> None:
    refused = dispatcher.handle(CONSOLE, "mydata")
    assert refused.error and "join" in refused.text and not refused.attachments
    ok(dispatcher, CONSOLE, "join")
    group = Actor("console:x", "Xia", chat="telegram:-100", in_group=True)
    in_group = dispatcher.handle(group, "mydata")
    assert in_group.error and "private chat" in in_group.text and not in_group.attachments


# forgetme -----------------------------------------------------------------------------------


def test_forgetme_asks_first_then_leaves_no_trace(
    dispatcher: Dispatcher, uow: UnitOfWork, meetup_and_relay: tuple[str, str]
) -> None:
    meetup, relay = meetup_and_relay
    busy_volunteer(dispatcher, CONSOLE, meetup, relay, "research/interviewer", 1)
    ok(dispatcher, TELEGRAM, f"linkme {code_in(ok(dispatcher, CONSOLE, 'linkme'))} yes")
    ok(dispatcher, CONSOLE, "profile mission teach zorblat in Gubei")
    me = volunteers(uow)["Xia"]["id"]
    appoint_lead(uow, "research", me)
    ok(dispatcher, CONSOLE, "linkme")  # a live code left behind
    before = state(dispatcher)

    asked = ok(dispatcher, CONSOLE, "forgetme")
    assert "cannot be undone" in asked.text and "roles (2)" in asked.text
    [[button]] = asked.buttons
    assert button.command == f"forgetme {code_in(asked)}"
    assert state(dispatcher) == before  # asking changes nothing

    done = ok(dispatcher, TELEGRAM, button.command)  # any linked identity may confirm
    assert "Done" in done.text
    exported = json.dumps(export_network(uow), ensure_ascii=False)
    for trace in (me, "Xia", "console:x", "telegram:42", "Gubei", "zorblat"):
        assert trace not in exported, trace
    assert holders(uow, "research", "interviewer") == []
    data = export_network(uow)
    assert data["checkins"][0]["volunteer"] == "" and data["checkins"][0]["kit"]
    assert data["checkins"][0]["text"] == "sorted parcels as *** #parcel-sorting"
    assert data["relays"][0]["holders"] == {}
    assert stored_codes(uow) == []
    assert dispatcher.handle(CONSOLE, "myroles").error  # not a volunteer any more
    ok(dispatcher, CONSOLE, "join")  # and may start afresh


def test_forgetme_refusals_change_nothing(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock
) -> None:
    ok(dispatcher, CONSOLE, "join")
    ok(dispatcher, TELEGRAM, "join")
    mine = code_in(ok(dispatcher, CONSOLE, "forgetme"))
    link = code_in(ok(dispatcher, CONSOLE, "linkme"))
    before = state(dispatcher)
    for actor, line, words in [
        (TELEGRAM, f"forgetme {mine}", "unknown"),  # someone else's confirmation
        (CONSOLE, f"forgetme {link}", "unknown"),  # a link code is not a confirmation
        (CONSOLE, "forgetme ABCD-EFGH", "unknown"),
        (Actor("console:x", "Xia", chat="slack:C1", in_group=True), "forgetme", "private"),
        (Actor("console:nobody", "nobody"), "forgetme", "join"),
    ]:
        reply = dispatcher.handle(actor, line)
        assert reply.error and words in reply.text, (line, reply.text)
        assert state(dispatcher) == before
    clock.advance(timedelta(minutes=10, seconds=1))
    late = dispatcher.handle(CONSOLE, f"forgetme {mine}")
    assert late.error and "expired" in late.text
    assert state(dispatcher) == before


def test_linkme_with_a_code_first_says_whose_account_it_joins_and_changes_nothing(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock
) -> None:
    """A code someone else made (and talked you into typing) would make your account theirs:
    the first answer names the account and asks for a yes; only the yes links."""
    ok(dispatcher, CONSOLE, "join")
    clock.advance(timedelta(minutes=1))  # the one who joined first keeps their volunteer
    ok(dispatcher, TELEGRAM, "join")
    code = code_in(ok(dispatcher, CONSOLE, "linkme"))
    before = state(dispatcher)
    asked = ok(dispatcher, TELEGRAM, f"linkme {code}")
    assert "Xia" in asked.text and "console" in asked.text
    assert "Xia on Telegram" in asked.text  # your own volunteer here, merged into theirs
    assert f"linkme {code} yes" in asked.text
    assert [b.command for row in asked.buttons for b in row] == [f"linkme {code} yes"]
    assert state(dispatcher) == before  # nothing linked, the code not used up
    refused = dispatcher.handle(TELEGRAM, f"linkme {code} maybe")
    assert refused.error and state(dispatcher) == before
    ok(dispatcher, TELEGRAM, f"linkme {code} yes")
    assert set(volunteers(uow)["Xia"]["identities"]) == {"console:x", "telegram:42"}
