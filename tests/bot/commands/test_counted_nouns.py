"""English counted nouns take their singular at one: backers, relay slots, roles and terms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.broadcasts.announcement import render
from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config, TopicsConfig
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.ask import AskRules
from circles.clock import FixedClock
from circles.errors import Conflict
from circles.governance import Governance
from circles.network import Network
from circles.services.announcements import pending
from circles.services.asks import draft_ask, post_ask
from circles.services.role_terms import run_terms
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN, Say
from toolkits.catalog import Catalog


@pytest.fixture
def network() -> Network:
    """Limits of one: more than 1 role, more than 1 term in a row."""
    return Network(
        language="en",
        admins=frozenset({ADMIN}),
        role_load_warning=1,
        governance=Governance(max_terms=1),
    )


def lead_research(say: Say, uow: UnitOfWork, who: str = "lena") -> None:
    say(who, "join")
    with uow.begin() as s:
        volunteer = s.require_volunteer(f"console:{who}")
    appoint_lead(uow, "research", volunteer.id)


def test_a_topic_formed_at_one_backer_says_backer(
    uow: UnitOfWork, catalogs: Catalogs, network: Network, kits: Catalog
) -> None:
    config = Config(network=network, topics=TopicsConfig(threshold=1))
    dispatcher = Dispatcher(build_registry(), uow, catalogs, config, kits)
    ann = Actor("console:ann", "ann")
    dispatcher.handle(ann, "join")
    formed = dispatcher.handle(ann, "propose Water").text
    assert "🎉 Topic 1 has 1 backer: it is now the action group water." in formed


def test_announcements_keep_their_counted_form_through_the_store(
    uow: UnitOfWork, catalogs: Catalogs, network: Network, kits: Catalog
) -> None:
    with uow.begin() as s:
        circle = s.circles.require("network")
        circle.chats = ["telegram:-100"]
        s.circles.save(circle)
        s.commit()
    config = Config(network=network, topics=TopicsConfig(threshold=1))
    dispatcher = Dispatcher(build_registry(), uow, catalogs, config, kits)
    ann = Actor("console:ann", "ann")
    dispatcher.handle(ann, "join")
    dispatcher.handle(ann, "propose Water")
    with uow.begin() as s:
        [formed] = pending(s)
    english = render(catalogs.translator("en"), formed).text
    assert english.startswith("🎉 Topic 1 (Water) has 1 backer and is now the action group water")
    chinese = render(catalogs.translator("zh"), formed).text
    assert chinese.startswith("🎉 话题 1（Water）已有 1 位支持者")


def test_topics_count_backers_against_the_threshold(say: Say) -> None:
    say("ann", "join")
    assert "at 3 backers it becomes" in say("ann", "propose Water").text
    assert "1. Water — 1 of 3 backers" in say("ann", "topics").text
    say("ann", "lang zh")
    assert "1. Water — 1/3 位支持者" in say("ann", "topics").text


def test_a_relay_of_one_slot_says_slot(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    created = say("lena", "relay new 2026-12-01T20:00 1x60 --circle=research Vigil")
    assert not created.error, created.text
    assert "0/1 slot taken" in say("lena", "relay").text
    relay = re.search(r"\b(r[0-9a-f]{8})\b", created.text)
    assert relay, created.text
    board = say("lena", f"relay {relay.group(1)}").text
    assert ": 1 slot of 60 min from" in board
    say("lena", "relay new 2026-12-02T20:00 2x60 --circle=research Vigil two")
    assert "0/2 slots taken" in say("lena", "relay").text


def test_more_than_one_role_says_role(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    say("ann", "join")
    say("ann", "claim research/interviewer")
    assert "You hold" not in say("ann", "myroles").text
    say("ann", "claim research/tea-house-host")
    assert "You hold 2 roles, more than 1:" in say("ann", "myroles").text
    board = say("lena", "circle research").text
    assert "For leads: holding more than 1 role across the network:" in board
    assert "ann: 2 roles" in board


def test_more_than_one_term_says_term(say: Say, uow: UnitOfWork, clock: FixedClock) -> None:
    lead_research(say, uow, "ann")
    say("bob", "join")
    say("bob", "claim research/interviewer")
    assert not say("ann", "term research/interviewer 10m").error
    clock.advance(timedelta(minutes=10))
    run_terms(uow)
    assert not say("bob", "term research/interviewer stay").error
    board = say("ann", "circle research").text
    assert "For leads: held for more than 1 term in a row:" in board


def test_a_term_of_one_day_says_day(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow, "ann")
    set_term = say("ann", "term research/interviewer 1d")
    assert not set_term.error, set_term.text
    assert "terms of 1 day;" in set_term.text
    assert "terms of 2 days;" in say("ann", "term research/interviewer 2d").text


def test_a_limit_of_one_open_ask_says_ask(uow: UnitOfWork, catalogs: Catalogs) -> None:
    rules = AskRules(max_open=1)
    lin = Actor("console:lin", "林阿姨")
    first = draft_ask(uow, lin, "other @古北 rice", rules)
    post_ask(uow, lin, first.id, rules)
    with pytest.raises(Conflict) as refused:
        draft_ask(uow, lin, "other @古北 eggs", rules)
    error = refused.value
    assert str(error).startswith("You have 1 open ask already, the most there may be")
    assert catalogs.translator("zh")(error.message, **error.params).startswith("你已经有 1 ")
