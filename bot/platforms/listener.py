"""A TCP listener for aiohttp servers that one slow or greedy client cannot stop.

asyncio's own ``create_server`` accepts without limit and, when descriptors run out, logs a
traceback a second while the listening socket spins; aiohttp keeps a connection that never
finishes its request header for an hour. This listener runs its own accept loop instead:

- at most ``max_connections`` connections are open; a new one beyond that first closes the
  oldest *idle* connection (no request in progress: a half-sent header, or a keep-alive
  between requests), so a flood of slow clients cannot lock out a real one; when none is idle
  the new connection is closed at once;
- the cap stays under the process's descriptor limit, leaving room for the store, the chat
  platforms and the control socket;
- when ``accept`` fails for want of descriptors or memory, the loop waits (backing off up to
  two seconds) and logs one line per episode, not a traceback per try;
- aiohttp's ``keepalive_timeout`` (set by the caller to ``header_timeout``) closes a connection
  that has not sent a whole request header that long after connecting or after its last answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import resource
import socket
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

HEADER_TIMEOUT = 10.0  # seconds to send a whole request header, and to stay idle between requests
MAX_CONNECTIONS = 500
# Descriptors kept back from the cap for everything else the process opens.
RESERVED_DESCRIPTORS = 128
SCARCE = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
MIN_BACKOFF, MAX_BACKOFF = 0.05, 2.0


def connection_cap(wanted: int = MAX_CONNECTIONS) -> int:
    """``wanted``, lowered to half the descriptors left after the reserve (at least 8)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, (soft - RESERVED_DESCRIPTORS) // 2))


def _idle(handler: Any) -> bool:
    """Whether an aiohttp connection waits for a request (none in progress)."""
    waiter = getattr(handler, "_waiter", None)
    return waiter is not None and not waiter.done()


class Listener:
    """Accepts connections on ``sock`` for an aiohttp ``web.Server``, within a cap."""

    def __init__(self, server: web.Server, sock: socket.socket, max_connections: int) -> None:
        self._server = server
        self._sock = sock
        self.max_connections = max_connections
        self._task: asyncio.Task[None] | None = None
        self.refused = 0  # connections closed at once: the cap was reached and none was idle
        self.evicted = 0  # idle connections closed to make room
        self.scarce = 0  # accept failures for want of descriptors

    @property
    def open_connections(self) -> int:
        return len(self._server.connections)

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    def start(self) -> None:
        self._sock.setblocking(False)
        self._task = asyncio.get_running_loop().create_task(self._accept_loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._sock.close()

    async def _accept_loop(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = 0.0
        while True:
            try:
                conn, _ = await loop.sock_accept(self._sock)
            except OSError as error:
                if error.errno not in SCARCE:
                    log.warning("accept failed: %s", error.strerror or error)
                    await asyncio.sleep(MIN_BACKOFF)
                    continue
                if backoff == 0.0:
                    log.warning(
                        "out of descriptors (%s): waiting before accepting more connections "
                        "(%d open)",
                        errno.errorcode.get(error.errno or 0, error.errno),
                        len(self._server.connections),
                    )
                self.scarce += 1
                backoff = min(max(backoff * 2, MIN_BACKOFF), MAX_BACKOFF)
                await asyncio.sleep(backoff)
                continue
            if backoff:
                log.warning("accepting connections again")
                backoff = 0.0
            self._admit(loop, conn)

    def _admit(self, loop: asyncio.AbstractEventLoop, conn: socket.socket) -> None:
        open_now = self._server.connections
        if len(open_now) >= self.max_connections:
            idle = next((h for h in open_now if _idle(h)), None)  # the oldest first
            if idle is None:
                self.refused += 1
                conn.close()
                return
            self.evicted += 1
            idle.force_close()
        conn.setblocking(False)
        task = loop.create_task(loop.connect_accepted_socket(self._server, sock=conn))
        task.add_done_callback(_close_on_failure(conn))


def _close_on_failure(conn: socket.socket) -> Any:
    def done(task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            conn.close()

    return done
