"""Asks and their people across a join, an export and an import, and a lead's helpers count."""

from __future__ import annotations

import pytest

from circles.actor import Actor
from circles.ask import AskRules
from circles.errors import Conflict, Invalid, PermissionDenied
from circles.services import ask_relay, asks, membership, neighbors
from circles.services.ask_outbox import OUTBOX
from circles.services.export import ASK_TABLES, export_network, import_network
from circles.services.personal_data import my_data
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

RULES = AskRules()
LIN = Actor("console:lin", "林阿姨")  # a neighbor who never joined
WANG = Actor("console:wang", "Wang Wei")
ZHAO = Actor("console:zhao", "Zhao")


def posted(uow: UnitOfWork, actor: Actor, line: str) -> str:
    draft = asks.draft_ask(uow, actor, line, RULES)
    return asks.post_ask(uow, actor, draft.id, RULES).ask.id


def test_a_neighbor_who_joins_keeps_their_asks_as_a_volunteer(uow: UnitOfWork) -> None:
    number = posted(uow, LIN, "groceries @古北 rice and eggs || building 12")
    membership.join(uow, WANG, "古北")
    asks.take_ask(uow, WANG, number)
    ask_relay.say(uow, LIN, number, "thank you")

    joined = membership.join(uow, LIN)  # no neighborhood named: the ask's one is kept

    volunteer = joined.volunteer
    assert volunteer.neighborhood == "古北"
    with uow.begin() as s:
        ask = asks.get_ask(s, number)
        assert ask.asker == volunteer.id
        assert list(s.tx.all(neighbors.NEIGHBORS)) == []  # the light record is gone, not duplicated
        [message] = ask_relay.messages_of_ask(s, number)
        assert message["sender"] == volunteer.id
    # The asker still talks through the bot and sees their ask in their own data only.
    assert ask_relay.say(uow, LIN, number, "see you").ask.id == number
    mine = my_data(uow, LIN)
    assert any(item.get("ask", {}).get("id") == number for item in mine["asks"])


def test_an_export_round_trip_keeps_asks_offers_messages_and_queued_messages(
    uow: UnitOfWork,
) -> None:
    number = posted(uow, LIN, "groceries @古北 urgent rice || building 12")
    membership.join(uow, WANG, "古北")
    asks.set_notify(uow, WANG, True)
    asks.take_ask(uow, WANG, number)
    ask_relay.say(uow, LIN, number, "the gate code is 12")
    from circles.services.offers import make_offer

    make_offer(uow, ZHAO, "transport @古北 a cargo bike on weekends")
    exported = export_network(uow)
    for table in ("asks", "offers", "ask_messages", "ask_watchers", "neighbors", OUTBOX):
        assert table in ASK_TABLES and exported[table], table

    fresh = UnitOfWork(MemoryStore(), uow.clock, uow.network)
    import_network(fresh, exported)

    assert export_network(fresh) == exported  # every ask table comes back as it was
    with fresh.begin() as s:
        ask = asks.get_ask(s, number)
        assert ask.private == "building 12" and ask.urgent and len(ask.helpers) == 1
    # The restored store works: both sides still talk, and new asks get new numbers.
    assert ask_relay.say(fresh, WANG, number, "on my way").ask.id == number
    assert posted(fresh, LIN, "medicine @古北 cough syrup") != number


def test_a_lead_lets_more_volunteers_take_an_ask(uow: UnitOfWork) -> None:
    admin = Actor(ADMIN, "admin")
    membership.join(uow, admin)
    for actor in (WANG, ZHAO):
        membership.join(uow, actor, "古北")
    number = posted(uow, LIN, "errand @古北 move a wardrobe")
    asks.take_ask(uow, WANG, number)
    with pytest.raises(Conflict, match="not open any more"):
        asks.take_ask(uow, ZHAO, number)  # one helper by default

    with pytest.raises(PermissionDenied):
        asks.set_max_helpers(uow, WANG, number, "2")  # a helper is no lead
    for bad in ("0", "11", "two", "-1", ""):
        with pytest.raises(Invalid):
            asks.set_max_helpers(uow, admin, number, bad)
    with uow.begin() as s:
        assert asks.get_ask(s, number).max_helpers == 1  # refused input changed nothing

    assert asks.set_max_helpers(uow, admin, number, "2").max_helpers == 2
    assert asks.take_ask(uow, ZHAO, number).helpers[1:] != []
    with pytest.raises(Conflict, match="already has 2 helpers"):
        asks.set_max_helpers(uow, admin, number, "1")
