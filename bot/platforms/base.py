"""What every chat platform adapter offers the runner: start, stop, and sending to a chat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from aiohttp import web

from bot.reply import Reply


class Platform(Protocol):
    """A chat platform running inside `canbot run`'s event loop."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        """Post ``reply`` to ``chat`` (``telegram:<id>``, ``slack:<channel>``) as a broadcast.

        ``departing`` (if given) runs once, right before the first request leaves for the
        platform: after any wait for rate limits, so the caller knows it may have arrived.
        """


@runtime_checkable
class ServesWeb(Protocol):
    """A platform that receives its requests on the web portal (Slack's HTTP mode)."""

    def web_routes(self) -> list[web.RouteDef]:
        """Routes to mount on the portal before it starts (none when not needed)."""
        ...


@runtime_checkable
class Leads(Protocol):
    """A platform with work only the leading replica may do (Telegram: the command menu and
    polling, since Telegram serves updates to one poller)."""

    name: str
    leads_at_start: bool  # start() does the leader work too (False: wait for lead())

    async def lead(self) -> None:
        """Start the leader-only work (called once this replica leads)."""

    async def follow(self) -> None:
        """Stop it again (leadership lost or the process stopping)."""
