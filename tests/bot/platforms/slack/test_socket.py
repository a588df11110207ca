"""Socket Mode: the same payloads through Bolt's socket-mode path, over a loopback websocket."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.commands.dispatch import Dispatcher
from bot.platforms.slack.adapter import SlackPlatform
from circles.network import Network
from circles.unit_of_work import UnitOfWork
from tests.bot.platforms.slack.support import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    running_platform,
    slack_config,
)
from tests.fakes.slack_api import TEAM, FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import block_action, command_fields, home_opened


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    api = FakeSlackAPI(
        bot_token=BOT_TOKEN, app_token=APP_TOKEN, users={"UALICE": FakeUser("alice")}
    )
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def slack(
    fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network
) -> AsyncIterator[SlackPlatform]:
    async with running_platform(fake, dispatcher, network, socket=True) as platform:
        yield platform


def envelope(number: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "envelope_id": f"env-{number}",
        "type": kind,
        "payload": payload,
        "accepts_response_payload": kind != "events_api",
    }


async def test_socket_mode_opens_a_connection_with_the_app_token(
    slack: SlackPlatform, fake: FakeSlackAPI
) -> None:
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    assert slack.web_routes() == []  # nothing listens on the portal in Socket Mode


async def test_commands_buttons_and_home_arrive_over_the_websocket(
    slack: SlackPlatform, fake: FakeSlackAPI, uow: UnitOfWork
) -> None:
    join = command_fields("join", user="UALICE", response_url=fake.response_url("join"))
    ack = await fake.push(envelope(1, "slash_commands", join))
    assert ack["envelope_id"] == "env-1"
    await fake.wait_for("response", lambda c: c.path.endswith("join"))

    press = block_action(
        "claim research/interviewer", user="UALICE", response_url=fake.response_url("press")
    )
    await fake.push(envelope(2, "interactive", press))
    answer = await fake.wait_for("response", lambda c: c.path.endswith("press"))
    assert answer.params["replace_original"] is True

    await fake.push(envelope(3, "events_api", home_opened("UALICE")))
    view = (await fake.wait_for("views.publish")).params["view"]
    assert view["type"] == "home"

    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(f"slack:{TEAM}:UALICE")
        holders = s.circles.require("research").role("interviewer").holders
    assert volunteer is not None and holders == [volunteer.id]


class RecordingSocketClient:
    """Stands in for the websocket client: keeps the acks Bolt would send."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("tests.socket")
        self.sent: list[SocketModeResponse] = []

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


async def test_the_socket_mode_request_path_without_a_network(
    fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network, uow: UnitOfWork
) -> None:
    """Bolt's own handler fed a constructed SocketModeRequest: acked, answered, no signature."""
    platform = SlackPlatform(slack_config(fake, network, socket=True), dispatcher)
    handler = AsyncSocketModeHandler(platform.app, APP_TOKEN, web_client=platform.client)
    client = RecordingSocketClient()
    body = command_fields("join Xuhui", user="UALICE", response_url=fake.response_url("direct"))
    request = SocketModeRequest(type="slash_commands", envelope_id="env-9", payload=body)
    await handler.handle(client, request)  # type: ignore[arg-type]
    assert [r.envelope_id for r in client.sent] == ["env-9"]
    await fake.wait_for("response", lambda c: c.path.endswith("direct"))
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(f"slack:{TEAM}:UALICE")
    assert volunteer is not None and volunteer.neighborhood == "Xuhui"
    await platform.stop()
    await handler.client.close()  # type: ignore[no-untyped-call]


async def test_no_token_reaches_the_logs_even_at_debug_level(
    fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_platform(fake, dispatcher, network, socket=True):
        body = command_fields("join", user="UALICE", response_url=fake.response_url("log"))
        await fake.push(envelope(1, "slash_commands", body))
        await fake.wait_for("response", lambda c: c.path.endswith("log"))
    assert "apps.connections.open" in caplog.text  # the client did log its calls
    for token in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert token not in caplog.text
