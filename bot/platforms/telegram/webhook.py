"""The Telegram webhook endpoint: the secret header is checked before a byte of the body is read.

python-telegram-bot's own webhook server (tornado) reads each body whole, up to 100 MB, before
it looks at the secret, so three large posts from anyone cost hundreds of megabytes. Here a
request without the right ``X-Telegram-Bot-Api-Secret-Token`` is refused from its header, a
body over ``MAX_BODY`` (Telegram's updates are a few kilobytes) is refused from its declared
length or as soon as it grows past it, and the server listens through the same capped,
timed-out ``Listener`` as the portal.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.log import server_logger

from bot.platforms.listener import HEADER_TIMEOUT, MAX_CONNECTIONS, Listener, connection_cap

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


def webhook_app(
    path: str, secret: str, deliver: Deliver, max_body: int = MAX_BODY
) -> web.Application:
    """POST ``/<path>``: a JSON update, handed to ``deliver`` once the secret matched."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="wrong secret token")
        if request.content_length is not None and request.content_length > max_body:
            return web.Response(status=413, text="update too large")
        try:
            body = await request.read()  # client_max_size stops a chunked body past the cap
            data = json.loads(body)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="update too large")
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict):
            return web.Response(status=400, text="not an update")
        await deliver(data)
        return web.Response(text="ok")

    app = web.Application(client_max_size=max_body)
    app.router.add_post("/" + path.strip("/"), receive)
    app.router.add_post("/" + path.strip("/") + "/", receive)
    return app


class WebhookServer:
    """The webhook app on a socket the adapter bound (so port 0 works and the port is known)."""

    def __init__(self, app: web.Application, sock: socket.socket) -> None:
        self._runner = web.AppRunner(
            app, access_log=None, logger=server_logger, keepalive_timeout=HEADER_TIMEOUT
        )
        self._sock = sock
        self._listener: Listener | None = None

    async def start(self) -> None:
        await self._runner.setup()
        assert self._runner.server is not None  # set up just above
        cap = connection_cap(MAX_CONNECTIONS // 4)
        self._listener = Listener(self._runner.server, self._sock, cap)
        self._listener.start()

    async def stop(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None
        await self._runner.cleanup()
