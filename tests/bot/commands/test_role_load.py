"""Role load: myroles warns past the threshold, circle lists unheld roles, and leads (only) see
who in their circle carries too many roles."""

from __future__ import annotations

from bot.commands.dispatch import Dispatcher
from circles.actor import Actor
from circles.services.export import export_network
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN, Say

FIVE_ROLES = (
    "research/interviewer",
    "practice/kit-tester",
    "practice/neighborhood-captain",
    "content/kit-distributor",
    "connect/resource-scout",
)


def id_of(uow: UnitOfWork, name: str) -> str:
    return str(next(v["id"] for v in export_network(uow)["volunteers"] if v["name"] == name))


def busy(say: Say, who: str, roles: tuple[str, ...]) -> None:
    say(who, "join")
    for role in roles:
        assert not say(who, f"claim {role}").error


def test_myroles_warns_above_four_roles(say: Say) -> None:
    busy(say, "ann", FIVE_ROLES[:4])
    assert "more than 4" not in say("ann", "myroles").text
    assert not say("ann", f"claim {FIVE_ROLES[4]}").error
    assert "You hold 5 roles, more than 4" in say("ann", "myroles").text


def test_circle_lists_the_roles_nobody_holds(say: Say) -> None:
    say("ann", "join")
    say("ann", "claim research/interviewer")
    text = say("anyone", "circle research").text
    assert "Nobody holds: Scenario mapper, Tea-house host" in text
    say("ann", "lang zh")
    answer = say("ann", "circle research").text
    assert "无人认领：场景梳理员，小茶馆主持" in answer  # names in the reader's language
    assert "自" in answer and "起担任 访谈员" in answer  # since when, by the role's name


def test_leads_see_who_holds_too_many_roles(
    say: Say, dispatcher: Dispatcher, uow: UnitOfWork
) -> None:
    busy(say, "ann", FIVE_ROLES)
    busy(say, "bo", FIVE_ROLES[1:4])  # three roles: not too many
    busy(say, "lead", ())
    appoint_lead(uow, "practice", id_of(uow, "lead"))

    lead_view = say("lead", "circle practice").text
    assert "For leads: holding more than 4 roles" in lead_view
    assert "ann: 5 roles" in lead_view and "bo:" not in lead_view

    # A lead of an ancestor and an admin see it too; a member and a stranger do not.
    busy(say, "top", ())
    appoint_lead(uow, "network", id_of(uow, "top"))
    assert "ann: 5 roles" in say("top", "circle practice").text
    admin = dispatcher.handle(Actor(ADMIN, "admin"), "circle practice").text
    assert "ann: 5 roles" in admin
    assert "For leads" not in say("bo", "circle practice").text
    assert "For leads" not in say("ann", "circle practice").text
    assert "For leads" not in say("never-joined", "circle practice").text
    # A lead of another circle does not see practice's load.
    assert "For leads" not in say("lead", "circle product").text


def test_leads_see_load_only_in_private(say: Say, dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    busy(say, "ann", FIVE_ROLES)
    busy(say, "lead", ())
    appoint_lead(uow, "research", id_of(uow, "lead"))
    group = Actor("console:lead", "lead", chat="telegram:-100", in_group=True)
    reply = dispatcher.handle(group, "circle research")
    assert not reply.error and "For leads" not in reply.text
    assert "ann: 5 roles" in say("lead", "circle research").text
    say("lead", "lang zh")
    assert "ann：5 个角色" in say("lead", "circle research").text
