"""The link and unlink commands: only in a group chat, only by a lead of the circle or an admin."""

from __future__ import annotations

from bot.commands.dispatch import Dispatcher
from circles.actor import Actor
from circles.services.export import export_network
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN

GROUP = "telegram:-1001"


def in_group(identity: str, name: str, chat: str = GROUP) -> Actor:
    return Actor(identity=identity, name=name, chat=chat, in_group=True)


def chats_of(uow: UnitOfWork, slug: str) -> list[str]:
    circles = {c["slug"]: c for c in export_network(uow)["circles"]}
    return list(circles[slug]["chats"])


def test_an_admin_links_a_group_chat_to_a_circle(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    admin = in_group(ADMIN, "admin")
    dispatcher.handle(admin, "join")
    reply = dispatcher.handle(admin, "link research")
    assert not reply.error
    assert "now linked" in reply.text
    assert chats_of(uow, "research") == [GROUP]
    again = dispatcher.handle(admin, "/link research")
    assert not again.error
    assert "already linked" in again.text
    assert chats_of(uow, "research") == [GROUP]


def test_a_lead_of_the_circle_may_link(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    lead = in_group("telegram:7", "Lan")
    dispatcher.handle(lead, "join")
    volunteer_id = export_network(uow)["volunteers"][0]["id"]
    appoint_lead(uow, "practice", volunteer_id)
    assert not dispatcher.handle(lead, "link practice").error
    refused = dispatcher.handle(lead, "link research")
    assert refused.error
    assert "Only a lead of research" in refused.text
    assert chats_of(uow, "research") == []


def test_a_volunteer_who_leads_nothing_is_refused(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    member = in_group("telegram:8", "Bo")
    dispatcher.handle(member, "join")
    reply = dispatcher.handle(member, "link research")
    assert reply.error
    assert "Usage" not in reply.text  # not a typing error: the usage would not help
    assert chats_of(uow, "research") == []


def test_a_private_chat_cannot_be_linked(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    admin = Actor(identity=ADMIN, name="admin", chat="telegram:5", in_group=False)
    dispatcher.handle(admin, "join")
    reply = dispatcher.handle(admin, "link research")
    assert reply.error
    assert "Only a group chat can be linked" in reply.text
    console = Actor(identity=ADMIN, name="admin")
    assert dispatcher.handle(console, "link research").error
    assert chats_of(uow, "research") == []


def test_linking_an_unknown_circle_says_so(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    admin = in_group(ADMIN, "admin")
    dispatcher.handle(admin, "join")
    reply = dispatcher.handle(admin, "link nowhere")
    assert reply.error
    assert "no circle 'nowhere'" in reply.text
    assert dispatcher.handle(admin, "link").error  # missing argument


def test_unlink_removes_the_chat_and_refuses_when_not_linked(
    dispatcher: Dispatcher, uow: UnitOfWork
) -> None:
    admin = in_group(ADMIN, "admin")
    dispatcher.handle(admin, "join")
    dispatcher.handle(admin, "link research")
    other = in_group(ADMIN, "admin", chat="telegram:-1002")
    dispatcher.handle(other, "link research")
    reply = dispatcher.handle(admin, "unlink research")
    assert not reply.error
    assert chats_of(uow, "research") == ["telegram:-1002"]
    again = dispatcher.handle(admin, "unlink research")
    assert again.error
    assert "not linked" in again.text
