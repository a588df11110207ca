"""Governance data as personal data and in the export: forgetme keeps positions as anonymous
counts and no trace of the person, mydata shows one's own, linkme merges them, and an export
of decisions, holdings, terms, the log and admins imports into the same export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services import decisions, leadership, personal_data, role_terms
from circles.services.export import export_network, import_network
from circles.services.membership import join
from circles.services.network_setup import ensure_seeded
from circles.services.roles import claim_role
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def uow(store: MemoryStore, clock: FixedClock) -> UnitOfWork:
    unit = UnitOfWork(store, clock, Network(language="en", admins=frozenset({ADMIN.identity})))
    ensure_seeded(unit)
    return unit


ADMIN = Actor("console:admin", "admin")
ANN = Actor("console:ann", "Annabel")
BO = Actor("console:bo", "Bo")


def governed(uow: UnitOfWork) -> str:
    """Ann leads research, holds a role with a term, proposed and blocked decisions, is admin."""
    for actor in (ADMIN, ANN, BO):
        join(uow, actor)
    claim_role(uow, ANN, "research/interviewer")
    claim_role(uow, BO, "research/tea-house-host")
    leadership.appoint(uow, ADMIN, "research", "Annabel", "Annabel knows everyone")
    leadership.add_admin(uow, ADMIN, "Annabel")
    role_terms.set_term(uow, ANN, "research/interviewer", "30d")
    decisions.open_decision(uow, ANN, decisions.Draft("research", "Annabel's kettle plan"))
    decisions.take_position(uow, ANN, "1", "block", "Annabel says no")
    decisions.take_position(uow, BO, "1", "agree")
    with uow.begin() as s:
        return s.require_volunteer(ANN.identity).id


def test_forget_keeps_positions_as_anonymous_counts_and_no_trace(
    uow: UnitOfWork, store: MemoryStore
) -> None:
    ann = governed(uow)
    personal_data.forget_me(uow, ANN, personal_data.request_forget(uow, ANN).issued.code)
    with uow.begin() as s:
        decision = decisions.get(s, "1")
    assert decision.counts() == {"agree": 1, "abstain": 0, "disagree": 0, "block": 1}
    assert ann not in decision.positions and decision.block_reasons() == []
    text = json.dumps(store.snapshot(), ensure_ascii=False)
    for trace in (ann, "Annabel", "console:ann"):
        assert trace not in text, trace


def test_mydata_shows_ones_own_governance_data(uow: UnitOfWork) -> None:
    ann = governed(uow)
    with uow.begin() as s:
        data = personal_data.data_of(s, ann)
    assert data["decisions"] == [
        {
            "decision": "1",
            "circle": "research",
            "title": "Annabel's kettle plan",
            "proposed": True,
            "position": "block",
            "reason": "Annabel says no",
        }
    ]
    (held,) = [h for h in data["role_holdings"] if "role" in h]
    assert held["role"] == "interviewer" and held["term_ends"]
    assert {e["kind"] for e in data["governance_log"]} >= {"lead", "admin-add", "term-set"}
    assert data["admin"] and data["admin"][0]["admin_since"]


def test_export_of_governance_imports_into_the_same_export(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    governed(uow)
    clock.advance(timedelta(days=3))
    decisions.close_due(uow)
    exported = export_network(uow)
    assert {"decisions", "holdings", "role_terms", "governance_log", "admins"} <= set(exported)
    copy = UnitOfWork(MemoryStore(), clock, Network(language="en"))
    ensure_seeded(copy)
    import_network(copy, exported)
    assert export_network(copy) == exported
    with copy.begin() as s:
        assert s.is_admin(s.require_volunteer(ANN.identity))
