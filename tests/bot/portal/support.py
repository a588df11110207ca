"""A portal on loopback for tests: the real web app over an in-memory network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.app.web import WebPortal, build_web_app
from bot.commands.dispatch import Dispatcher
from bot.portal.site import Site
from circles.actor import Actor


@dataclass
class Running:
    base: str
    portal: WebPortal
    dispatcher: Dispatcher

    def say(self, who: str, line: str, name: str = "") -> str:
        actor = Actor(identity=f"console:{who}", name=name or who)
        return self.dispatcher.handle(actor, line).text


@asynccontextmanager
async def running_portal(dispatcher: Dispatcher) -> AsyncIterator[Running]:
    site = Site(
        dispatcher.uow,
        dispatcher.config,
        dispatcher.catalogs,
        dispatcher.kits,
        dispatcher.kit_press,
        dispatcher.map_drawings,
    )
    portal = WebPortal(build_web_app(dispatcher.uow, site), "127.0.0.1", 0)
    port = await portal.start()
    try:
        yield Running(f"http://127.0.0.1:{port}", portal, dispatcher)
    finally:
        await portal.stop()
