"""Governance end to end on the console (the Dispatcher): leads and admins appointed in chat,
consent decisions that close on an injected clock, reminders, role terms and their history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands.dispatch import Dispatcher
from circles.clock import FixedClock
from circles.services.announcements import Announcement, pending
from circles.services.decisions import run_decisions
from circles.services.role_terms import run_terms
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say

CHAT = "telegram:-100"


def outbox(uow: UnitOfWork) -> list[Announcement]:
    with uow.begin() as s:
        return pending(s)


def private_to(uow: UnitOfWork, who: str) -> list[Announcement]:
    return [a for a in outbox(uow) if a.chats == (f"console:{who}",)]


def link(uow: UnitOfWork, circle: str) -> None:
    with uow.begin() as s:
        c = s.circles.require(circle)
        c.chats = [CHAT]
        s.circles.save(c)
        s.commit()


@pytest.fixture
def research(say: Say, uow: UnitOfWork) -> Say:
    """admin, and ann, bob, cy, dan as volunteers; bob, cy, dan hold research roles."""
    for who in ("admin", "ann", "bob", "cy", "dan"):
        say(who, "join")
    say("bob", "claim research/interviewer")
    say("cy", "claim research/tea-house-host")
    say("dan", "claim research/scenario-mapper")
    link(uow, "research")
    return say


def test_an_admin_appoints_a_lead_from_chat_who_schedules_a_meetup(
    research: Say, uow: UnitOfWork
) -> None:
    say = research
    refused = say("ann", "schedule research tue 20:00 90m Tea house")
    assert refused.error and "Only a lead of research" in refused.text
    board = say("ann", "circle research")
    assert "No lead yet. admin may appoint one: lead research <volunteer>." in board.text
    assert say("bob", "lead research ann").error  # not a lead, not an admin
    done = say("admin", "lead research ann she ran the interviews")
    assert not done.error and "ann is now a lead of research" in done.text
    (told,) = private_to(uow, "ann")
    assert told.buttons == (("Decline", "unlead research me"),)
    assert not say("ann", "schedule research tue 20:00 90m Tea house").error
    log = say("anyone", "history research").text
    assert "admin appointed ann as a lead of research — why: she ran the interviews" in log


def test_the_appointed_lead_may_decline(research: Say) -> None:
    say = research
    say("admin", "lead research ann")
    assert "You are no longer a lead of research." in say("ann", "unlead research me").text
    assert say("ann", "schedule research tue 20:00 90m Tea house").error
    assert "ann stepped down as a lead of research" in say("x", "history research").text


def test_leads_and_decisions_name_a_circle_as_every_command_does(research: Say) -> None:
    """研发圈 (its Chinese name) or a prefix works for lead, unlead and decide, as for circle."""
    say = research
    assert not say("admin", "lead 研发圈 ann").error
    assert "Leads: ann" in say("x", "circle research").text
    assert not say("ann", "unlead 研发 me").error
    assert not say("admin", "lead Research ann").error
    assert "There is no circle 'nowhere'." in say("admin", "lead nowhere ann").text
    assert not say("bob", "decide 研发圈 Buy a kettle --by 1h").error
    assert "Buy a kettle" in say("x", "decisions 研发").text


def test_admins_from_chat_bootstrap_admins_stay_and_the_last_admin_stays(research: Say) -> None:
    say = research
    assert say("ann", "admin add bob").error  # only admins
    assert not say("admin", "admin add ann").error
    assert not say("ann", "lead practice bob").error  # ann now has every permission
    assert "by the config" in say("ann", "admin remove admin").text  # bootstrap admin
    assert not say("ann", "admin remove me").error  # the config's admin remains
    assert say("ann", "lead practice cy").error
    assert "admin made ann an admin" in say("x", "history").text


def test_the_last_admin_cannot_remove_themselves(
    dispatcher: Dispatcher, uow: UnitOfWork, say: Say
) -> None:
    say("admin", "join")
    say("ann", "join")
    say("admin", "admin add ann")
    # A network whose config names no admin any more: ann is the only admin left.
    uow.network = type(uow.network)(language="en")
    reply = say("ann", "admin remove me")
    assert reply.error and "last admin" in reply.text


def test_a_lead_decision_passes_at_its_close_and_takes_effect(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    opened = say("bob", "decide research Cy leads the tea house --lead cy --by 30m\nShe hosts it")
    assert "Decision #1 is open in research" in opened.text
    assert [b.command for b in opened.buttons[0]] == [
        "position 1 agree",
        "position 1 abstain",
        "position 1 disagree",
        "position 1 block",
    ]
    say("bob", "position 1 agree")
    say("dan", "position 1 abstain")
    clock.advance(timedelta(minutes=29))
    assert run_decisions(uow)[0] == 0
    assert say("cy", "schedule research daily 09:00 15m Standup").error
    clock.advance(timedelta(minutes=1))
    assert run_decisions(uow)[0] == 1
    assert not say("cy", "schedule research daily 09:00 15m Standup").error
    outcome = [a for a in outbox(uow) if a.chats == (CHAT,) and "passed" in a.message]
    assert outcome and outcome[0].params["agree"] == 1 and outcome[0].params["abstain"] == 1
    assert say("x", "position 1 agree").error  # closed
    listed = say("x", "decisions research").text
    assert "#1 [research] Cy leads the tea house — passed" in listed and "agree: bob" in listed


def test_a_blocked_decision_does_not_pass_and_the_log_shows_why(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    say("bob", "decide research Move the tea house to Mondays --by 1h")
    asked = say("cy", "position 1 block")
    assert asked.error and "position 1 block <your reason>" in asked.text
    say("cy", "position 1 block I cannot host on Mondays")
    say("dan", "position 1 agree")
    say("bob", "position 1 agree")
    clock.advance(timedelta(hours=1))
    run_decisions(uow)
    log = say("x", "history research").text
    assert "Decision #1 (Move the tea house to Mondays): did not pass" in log
    assert "blocked: I cannot host on Mondays" in log
    (news,) = [a for a in outbox(uow) if a.message.startswith("⛔")]
    assert news.params["reasons"] == "I cannot host on Mondays"


def test_too_few_positions_do_not_pass(research: Say, uow: UnitOfWork, clock: FixedClock) -> None:
    say = research
    say("bob", "decide research Buy a kettle --by 10m")
    say("bob", "position 1 agree")  # 1 of 3 members; the quorum is 2
    clock.advance(timedelta(minutes=10))
    run_decisions(uow)
    assert "Too few positions (1 of 2 needed)." in say("x", "decisions").text


def test_the_reminder_reaches_only_members_without_a_position(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    say("bob", "decide research Buy a kettle")  # 48 h by default; reminder 12 h before
    say("cy", "position 1 agree")
    clock.advance(timedelta(hours=35, minutes=59))
    run_decisions(uow)
    assert not any("Reminder" in a.message for a in outbox(uow))
    clock.advance(timedelta(minutes=1))
    run_decisions(uow)
    run_decisions(uow)  # once only
    reminded = sorted(a.chats[0] for a in outbox(uow) if "Reminder" in a.message)
    assert reminded == ["console:bob", "console:dan"]


def test_amend_resets_positions_and_tells_who_had_one_and_withdraw_ends_it(
    research: Say, uow: UnitOfWork
) -> None:
    say = research
    say("bob", "decide research Buy a kettle")
    say("cy", "position 1 disagree too expensive")
    assert say("cy", "decide amend 1 Buy a cheap kettle").error  # not the proposer
    assert not say("bob", "decide amend 1 Buy a cheap kettle").error
    assert [a.chats for a in outbox(uow) if a.message.startswith("✏️")] == [
        (CHAT,),
        ("console:cy",),
    ]
    assert "Agree 0, abstain 0, disagree 0, block 0." in say("x", "decisions").text
    assert not say("bob", "decide withdraw 1").error
    assert "withdrawn" in say("x", "decisions").text
    assert say("cy", "position 1 agree").error


def test_a_role_decision_and_a_split_decision_take_effect(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    say("bob", "decide research Translator --role translator --by 5m --why turns notes to English")
    assert say("cy", "claim research/translator").error  # only proposed
    say("bob", "decide research Listening circle --split listening interviewer --by 5m")
    for who in ("bob", "cy"):
        say(who, "position 1 agree")
        say(who, "position 2 agree")
    clock.advance(timedelta(minutes=5))
    assert run_decisions(uow)[0] == 2
    assert not say("cy", "claim research/translator").error
    assert "listening/interviewer" in say("x", "circle listening").text


def test_bad_decide_input_is_refused_with_nothing_changed(research: Say) -> None:
    say = research
    for line in (
        "decide research",
        "decide research Tea --by 0m",
        "decide research Tea --by soon",
        "decide research Tea --lead cy --role x",
        "decide research Tea --lead nobody",
        "decide research Tea --split research interviewer",
        "decide nowhere Tea",
        "position 1 agree",
        "position 9 maybe",
    ):
        assert say("bob", line).error, line
    assert say("outsider", "join") and say("outsider", "decide research Tea").error
    assert "No decisions yet" in say("x", "decisions").text


def test_a_30_day_term_asks_7_days_before_and_releases_after_the_grace_period(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    assert say("bob", "term research/interviewer 30d").error  # not a lead
    say("admin", "lead research ann")
    assert not say("ann", "term research/interviewer 30d").error
    clock.advance(timedelta(days=22, hours=23))
    assert run_terms(uow) == (0, 0)
    clock.advance(timedelta(hours=1))
    assert run_terms(uow) == (1, 0)
    (asked,) = [a for a in private_to(uow, "bob") if a.message.startswith("⏳")]
    assert asked.buttons == (
        ("Stay", "term research/interviewer stay"),
        ("Hand over", "term research/interviewer handover"),
    )
    clock.advance(timedelta(days=6, hours=23))
    assert run_terms(uow) == (0, 0)
    clock.advance(timedelta(hours=1))
    assert run_terms(uow) == (0, 1)
    assert "research/interviewer Interviewer (0/1): open" in say("x", "circle research").text
    assert any(a.message.startswith("🔄") and a.chats == (CHAT,) for a in outbox(uow))
    assert any(a.message.startswith("🙏") for a in private_to(uow, "bob"))
    say("cy", "claim research/interviewer")
    history = say("x", "history research/interviewer").text
    assert "bob: Sun 2026-11-22 16:00 to Tue 2026-12-22 16:00" in history
    assert "cy: since Tue 2026-12-22 16:00" in history
    assert "term 1 ends" in history
    assert "bob's term as research/interviewer ended" in say("x", "history research").text


def test_stay_begins_another_term_and_long_holdings_are_pointed_out_to_leads(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    say("admin", "lead research ann")
    say("ann", "term research/interviewer 10m")
    for _ in range(2):
        clock.advance(timedelta(minutes=10))
        run_terms(uow)
        assert not say("bob", "term research/interviewer stay").error
    board = say("ann", "circle research").text
    assert "For leads: held for more than 2 terms in a row:" in board
    assert "bob: research/interviewer, term 3" in board
    assert "held for more than" not in say("cy", "circle research").text
    assert "bob holds Interviewer since 2026-11-22" in board
    assert not say("bob", "term research/interviewer handover").error
    assert "bob handed over research/interviewer" in say("x", "history research").text


def test_newrole_is_a_decision_of_kind_role_under_the_no_objection_rule(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    say("bob", "newrole research translator Translator: turns notes into English")
    listed = say("x", "decisions research").text
    assert "#1 [research] Translator — open for positions" in listed
    clock.advance(timedelta(hours=48))
    run_decisions(uow)
    assert "#1 [research] Translator — passed" in say("x", "decisions research").text
    assert not say("cy", "claim research/translator").error


def test_in_chinese(research: Say) -> None:
    say = research
    say("bob", "lang zh")
    reply = say("bob", "decide research 买一个水壶")
    assert "决定 #1 已在 research 发起" in reply.text
    assert [b.label for b in reply.buttons[0]] == ["同意", "弃权", "反对", "阻止"]


def test_a_term_reaches_holders_from_before_holdings_were_recorded(
    research: Say, uow: UnitOfWork, clock: FixedClock
) -> None:
    say = research
    with uow.begin() as s:  # a store from before: bob holds the role, with no holding record
        for doc in list(s.tx.all("holdings")):
            s.tx.delete("holdings", doc["id"])
        s.commit()
    say("admin", "term research/interviewer 30d")
    clock.advance(timedelta(days=23))
    assert run_terms(uow) == (1, 0)
