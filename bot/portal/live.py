"""Live map updates: server-sent events that announce each new revision of the circle map.

How changes are noticed: every open ``/map/events`` stream checks the store's commit counter
(``DocumentStore.version()``, an integer read without a lock) twice a second. Only when it moved
is the map read again, once for all streams, and only when the map's revision (a hash of what
the map shows) changed are the streams told; the page then fetches ``/map.svg``. A check-in or an
RSVP moves the counter but not the map, so it costs one read and no event.

Stopping: the app's shutdown signal closes the feed, which wakes every stream so it returns at
once; otherwise aiohttp would wait for open streams up to its shutdown timeout (a minute).

Slots: at most ``max_streams`` streams are open at once, and at most ``max_per_client`` from
one client address, so one client cannot hold them all. A reader that goes away frees its slot
at the next check (half a second), not at the next write: aiohttp does not cancel a handler when
its client disconnects, and a write to a closed socket would only fail at the heartbeat. A HEAD
request gets the headers and no stream at all.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from bot.circle_map.snapshot import CircleMap, read_circle_map
from bot.portal.page_error import PageError
from circles.errors import N_, plural
from circles.unit_of_work import UnitOfWork

POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0  # a comment line now and then keeps proxies from closing the stream
MAX_STREAMS = 200
# One address may hold only a few: a tab or two per person behind it, not every slot.
MAX_STREAMS_PER_CLIENT = 4


class MapFeed:
    """The current circle map, re-read only when the store changed, and its waiting streams."""

    def __init__(
        self,
        uow: UnitOfWork,
        *,
        poll: float = POLL_SECONDS,
        max_streams: int = MAX_STREAMS,
        max_per_client: int = MAX_STREAMS_PER_CLIENT,
    ) -> None:
        self._uow = uow
        self._poll = poll
        self._max_streams = max_streams
        self._max_per_client = max_per_client
        self._by_client: dict[str, int] = {}
        self._seen_version = -1
        self._map: CircleMap | None = None
        self._changed = asyncio.Event()
        self._closed = False
        self.streams = 0

    def current(self) -> CircleMap:
        """The map as the store has it now (read again only when the store's version moved)."""
        version = self._uow.store.version()
        if self._map is None or version != self._seen_version:
            self._seen_version = version
            fresh = read_circle_map(self._uow)
            if self._map is None or fresh.revision != self._map.revision:
                self._map = fresh
                self._wake()
        return self._map

    def close(self) -> None:
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def stream(self, request: web.Request) -> web.StreamResponse:
        if self._closed:
            raise PageError(503, N_("The portal is stopping; please try again in a minute."))
        if self.streams >= self._max_streams:
            raise PageError(503, N_("Too many live maps are open; please try again in a minute."))
        client = request.remote or ""
        if self._by_client.get(client, 0) >= self._max_per_client:
            raise PageError(
                503,
                plural(
                    "You have {count} live map open; close it and try again.",
                    "You have {count} live maps open; close one and try again.",
                ),
                count=self._max_per_client,
            )
        headers = {
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # nginx: pass events through unbuffered
        }
        if request.method == "HEAD":
            return web.Response(headers=headers)
        response = web.StreamResponse(headers=headers)
        self.streams += 1
        self._by_client[client] = self._by_client.get(client, 0) + 1
        try:
            await response.prepare(request)
            await response.write(b"retry: 2000\n\n")
            await self._pump(request, response)
        except (ConnectionResetError, ConnectionAbortedError):
            pass  # the reader went away
        finally:
            self.streams -= 1
            left = self._by_client.pop(client) - 1
            if left:
                self._by_client[client] = left
        return response

    async def _pump(self, request: web.Request, response: web.StreamResponse) -> None:
        sent = ""
        quiet = 0.0
        while not self._closed and not _gone(request):
            changed = self._changed
            revision = self.current().revision
            if revision != sent:
                await response.write(f"event: map\ndata: {revision}\n\n".encode())
                sent, quiet = revision, 0.0
            elif quiet >= HEARTBEAT_SECONDS:
                await response.write(b": still here\n\n")
                quiet = 0.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), self._poll)
            quiet += self._poll


def _gone(request: web.Request) -> bool:
    """Whether the reader closed the connection."""
    transport = request.transport
    return transport is None or transport.is_closing()
