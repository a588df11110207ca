"""Shared pieces of the Slack tests: tokens, a platform on the fake API, signed posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web

from bot.app.web import WebPortal, add_routes
from bot.commands.dispatch import Dispatcher
from bot.config import Config, SlackConfig
from bot.platforms.slack.adapter import EVENTS_PATH, SlackPlatform
from circles.network import Network
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_payloads import sign

BOT_TOKEN = "xoxb-1111-2222-FAKEbotTOKENvalue"
APP_TOKEN = "xapp-1-A111-2222-FAKEappTOKENvalue"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FORM = "application/x-www-form-urlencoded"


def slack_config(fake: FakeSlackAPI, network: Network, *, socket: bool = False) -> Config:
    return Config(
        network=network,
        slack=SlackConfig(
            bot_token=BOT_TOKEN,
            app_token=APP_TOKEN if socket else "",
            signing_secret=SIGNING_SECRET,
            api_base_url=fake.api_base_url,
        ),
    )


@asynccontextmanager
async def running_platform(
    fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network, *, socket: bool = False
) -> AsyncIterator[SlackPlatform]:
    platform = SlackPlatform(slack_config(fake, network, socket=socket), dispatcher)
    await platform.start()
    try:
        yield platform
    finally:
        await platform.stop()


@asynccontextmanager
async def serving(platform: SlackPlatform) -> AsyncIterator[str]:
    """The platform's routes on a portal at 127.0.0.1:<free port>; yields the events URL."""
    app = web.Application()
    add_routes(app, platform.web_routes())
    portal = WebPortal(app, "127.0.0.1", 0)
    port = await portal.start()
    try:
        yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
    finally:
        await portal.stop()


async def post(
    url: str,
    body: str,
    *,
    secret: str | None = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> tuple[int, str]:
    """POST like Slack does: signed with ``secret`` (None: no signature headers at all)."""
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers.update(sign(secret, body, timestamp))
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=headers) as response,
    ):
        return response.status, await response.text()
