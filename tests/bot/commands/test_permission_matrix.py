"""Every lead-only command, tried by a plain volunteer on each platform, is refused and changes
nothing. The matrix is built from the registry, so a new lead command without an example here
fails the first test instead of going untested."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest

from bot.app.bootstrap import build_runtime
from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.commands.registry import Who
from bot.config import Config, StorageConfig, TelegramConfig
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.actor import Actor
from circles.network import Network
from circles.services.chats import link_chat
from circles.services.emergent_roles import propose_role
from circles.services.export import export_network
from circles.services.meetups import schedule_meetup
from circles.services.membership import join
from circles.services.roles import assign_role
from circles.unit_of_work import UnitOfWork
from tests.bot.platforms.slack.support import post, running_platform, serving
from tests.bot.platforms.telegram.harness import GROUP, TOKEN
from tests.fakes.slack_api import TEAM, FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import command_form
from tests.fakes.telegram_api import FakeTelegramAPI

ADMIN = "console:admin"
# What a plain volunteer tries, per lead-only command; {meetup} is a meetup that exists.
ATTEMPTS = {
    "assign": ["assign research/scenario-mapper Mallory"],
    "unassign": ["unassign research/interviewer Alice"],
    "link": ["link practice"],
    "unlink": ["unlink research"],
    "schedule": ["schedule research daily 20:00 60m Tea house"],
    "cancel": ["cancel {meetup}", "cancel {meetup} 2027-01-01"],
    "accept": ["accept research/translator"],
    "reject": ["reject research/translator"],
    "split": ["split research listening interviewer", "split research listening scenario-mapper"],
    "lead": ["lead research Alice", "lead connect Alice she knows everyone"],
}
# Commands open to volunteers whose lead-only sub-commands the matrix also tries.
LEAD_SUBCOMMANDS = [
    "relay new 2027-12-01T20:00 24x60 Poetry relay",
    "unlead research Admin",
    "term research/interviewer 30d",
]
REFUSED = "Only a lead of"

Ask = Callable[[str], Coroutine[Any, Any, str]]


def lines(meetup: str) -> list[str]:
    every = [line for tried in ATTEMPTS.values() for line in tried] + LEAD_SUBCOMMANDS
    return [line.format(meetup=meetup) for line in every]


def prepare(uow: UnitOfWork, group_chat: str) -> str:
    """Alice holds a role and proposed another, the group is research's chat, a meetup exists;
    returns the meetup's id."""
    admin = Actor(ADMIN, "Admin", chat=group_chat, in_group=True)
    join(uow, admin)
    join(uow, Actor("console:alice", "Alice"))
    assign_role(uow, admin, "research/interviewer", "Alice")
    link_chat(uow, admin, "research")
    propose_role(uow, Actor("console:alice", "Alice"), "research", "translator", "Translator", "en")
    return schedule_meetup(uow, admin, "research", "daily", "20:00", "60m", "Tea house").id


def snapshot(uow: UnitOfWork) -> str:
    data = export_network(uow)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True)


async def try_everything(uow: UnitOfWork, meetup: str, ask: Ask) -> None:
    before = snapshot(uow)
    for line in lines(meetup):
        answer = await ask(line)
        assert REFUSED in answer, (line, answer)
        assert snapshot(uow) == before, line


def test_every_lead_command_has_an_attempt() -> None:
    lead_only = {c.name for c in build_registry() if c.who is Who.LEAD}
    assert lead_only == set(ATTEMPTS)


async def test_console(uow: UnitOfWork, dispatcher: Dispatcher) -> None:
    meetup = prepare(uow, "console:group")
    mallory = Actor("console:mallory", "Mallory", chat="console:group", in_group=True)
    join(uow, mallory)

    async def ask(line: str) -> str:
        return (await dispatcher.answer(mallory, line)).plain()

    await try_everything(uow, meetup, ask)


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegramAPI, UnitOfWork]]:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    network = Network(language="en", admins=frozenset({ADMIN}))
    config = Config(
        network=network,
        storage=StorageConfig("memory://"),
        telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
    )
    runtime = build_runtime(config)
    platform = TelegramPlatform(config.telegram, runtime.dispatcher)
    await platform.start()
    try:
        yield fake, runtime.uow
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


async def test_telegram(telegram: tuple[FakeTelegramAPI, UnitOfWork]) -> None:
    fake, uow = telegram
    meetup = prepare(uow, f"telegram:{GROUP['id']}")
    mallory = {"id": 666, "is_bot": False, "first_name": "Mallory", "language_code": "en"}
    join(uow, Actor("telegram:666", "Mallory"))

    async def ask(line: str) -> str:
        seen = len(fake.sent("sendMessage", GROUP["id"]))
        fake.push_message(f"/{line}", user=mallory, chat=GROUP)
        call = await fake.wait_for(
            lambda: fake.sent("sendMessage", GROUP["id"])[seen:], what=f"an answer to {line}"
        )
        return str(call[0].params["text"])

    await try_everything(uow, meetup, ask)


async def test_slack(uow: UnitOfWork, dispatcher: Dispatcher, network: Network) -> None:
    fake = FakeSlackAPI(
        bot_token="xoxb-1111-2222-FAKEbotTOKENvalue",
        users={"UMAL": FakeUser("mallory", "en-US", display_name="Mallory")},
    )
    await fake.start()
    try:
        meetup = prepare(uow, "slack:C0GENERAL")
        join(uow, Actor(f"slack:{TEAM}:UMAL", "Mallory"))
        async with running_platform(fake, dispatcher, network) as slack, serving(slack) as url:

            async def ask(line: str) -> str:
                key = f"r{len(fake.calls)}"
                form = command_form(
                    line, user="UMAL", channel="C0GENERAL", response_url=fake.response_url(key)
                )
                assert await post(url, form) == (200, "")
                call = await fake.wait_for("response", lambda c: c.path.endswith(key))
                return json.dumps(call.params, ensure_ascii=False)

            await try_everything(uow, meetup, ask)
    finally:
        await fake.stop()
