"""The web portal (aiohttp): health check, calendar feeds, the portal's pages; Slack mounts here."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.log import server_logger

from bot import __version__
from bot.platforms.listener import HEADER_TIMEOUT, MAX_CONNECTIONS, Listener, connection_cap
from bot.portal.calendar_feed import add_calendar_routes
from bot.portal.routes import add_portal
from bot.portal.site import Site
from circles.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.app.leader import Leadership


def build_web_app(
    uow: UnitOfWork, site: Site | None = None, *, leadership: Leadership | None = None
) -> web.Application:
    """The health check and calendar feeds, plus the portal's pages when ``site`` is given."""
    app = web.Application(client_max_size=1024 * 1024)

    def count_volunteers() -> int:
        with uow.begin() as s:
            return s.volunteers.count()

    async def healthz(request: web.Request) -> web.Response:
        try:
            # In a worker thread: on PostgreSQL a database that went away may take seconds
            # to say so, and the loop must keep answering meanwhile.
            volunteers = await asyncio.to_thread(count_volunteers)
            store = "ok"
        except Exception:
            volunteers, store = -1, "error"
        status = 200 if store == "ok" else 503
        body: dict[str, object] = {"status": store, "version": __version__}
        body["volunteers"] = volunteers
        body["database"] = "ok" if store == "ok" else "unreachable"
        if leadership is not None:
            body["role"] = leadership.role  # leader or follower (docs/deploy.md)
        return web.json_response(body, status=status)

    app.router.add_get("/healthz", healthz)
    add_calendar_routes(app, uow)
    if site is not None:
        add_portal(app, site)
    return app


def add_routes(app: web.Application, routes: list[web.RouteDef]) -> None:
    """Mount a platform's routes (e.g. Slack's POST /slack/events) before the portal starts."""
    app.router.add_routes(routes)


class ServerLog(logging.LoggerAdapter):  # type: ignore[type-arg]  # generic only in typeshed
    """aiohttp's server logger, telling a request it could not parse (a line or header over
    8190 bytes, garbage) in one WARNING line: not a traceback per request, and none of the
    request's bytes, which may hold personal data."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            self.logger.warning(
                "refused an unreadable request: %s (HTTP %s)",
                type(exc_info).__name__,
                exc_info.code,
            )
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


class WebPortal:
    """The portal's lifecycle inside the runner's event loop.

    It listens through a ``Listener`` (bot/platforms/listener.py): a connection cap under the
    descriptor limit, slow and idle connections closed after ``HEADER_TIMEOUT``, and an accept
    loop that waits out descriptor exhaustion with one log line.
    """

    def __init__(
        self,
        app: web.Application,
        host: str,
        port: int,
        *,
        max_connections: int = MAX_CONNECTIONS,
        header_timeout: float = HEADER_TIMEOUT,
    ) -> None:
        # aiohttp's own logger, quiet about requests it cannot parse (see ServerLog); its
        # keep-alive timeout also closes a connection that never finishes its request header.
        self._runner = web.AppRunner(
            app,
            access_log=None,
            logger=ServerLog(server_logger, {}),
            keepalive_timeout=header_timeout,
        )
        self.host = host
        self.port = port
        self._max_connections = max_connections
        self._listener: Listener | None = None

    async def start(self) -> int:
        """Start listening; returns the bound port (useful when port 0 asked for any free one)."""
        await self._runner.setup()
        sock = socket.create_server((self.host, self.port), backlog=128)
        server = self._runner.server
        assert server is not None  # set up just above
        self._listener = Listener(server, sock, connection_cap(self._max_connections))
        self._listener.start()
        self.port = self._listener.port
        return self.port

    async def stop(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None
        await self._runner.cleanup()

    @property
    def listener(self) -> Listener | None:
        return self._listener

    @property
    def app(self) -> web.Application:
        return self._runner.app
