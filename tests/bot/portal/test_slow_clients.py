"""One visitor must not stop everyone: slow headers, idle connections, floods, live-map slots."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app.web import WebPortal, build_web_app
from bot.commands.dispatch import Dispatcher
from bot.portal.site import Site
from tests.bot.portal.support import Running

HALF_HEADER = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"  # no blank line: never finished


async def open_half_requests(port: int, count: int) -> list[asyncio.StreamWriter]:
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(HALF_HEADER)
        writers.append(writer)
    for writer in writers:
        await writer.drain()
    return writers


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), within) == b""
    except TimeoutError:
        return False


@pytest.fixture
async def small_portal(dispatcher: Dispatcher) -> AsyncIterator[Running]:
    """A portal with a low connection cap and a short header timeout, as a test can afford."""
    site = Site(
        dispatcher.uow,
        dispatcher.config,
        dispatcher.catalogs,
        dispatcher.kits,
        dispatcher.kit_press,
        dispatcher.map_drawings,
    )
    app = build_web_app(dispatcher.uow, site)
    portal = WebPortal(app, "127.0.0.1", 0, max_connections=20, header_timeout=1.0)
    port = await portal.start()
    try:
        yield Running(f"http://127.0.0.1:{port}", portal, dispatcher)
    finally:
        await portal.stop()


async def test_a_half_sent_header_is_closed_after_the_header_timeout(
    small_portal: Running,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", small_portal.portal.port)
    writer.write(HALF_HEADER)
    await writer.drain()
    assert await closed_by_server(reader, within=5.0)
    writer.close()


async def test_an_idle_keep_alive_connection_is_closed_after_the_timeout(
    small_portal: Running,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", small_portal.portal.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert head.startswith(b"HTTP/1.1 200")
    length = int(
        next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length"))[15:]
    )
    await reader.readexactly(length)
    assert await closed_by_server(reader, within=5.0)
    writer.close()


async def test_a_flood_of_slow_clients_cannot_lock_out_a_real_one(
    small_portal: Running, caplog: pytest.LogCaptureFixture
) -> None:
    port = small_portal.portal.port
    with caplog.at_level(logging.INFO):
        writers = await open_half_requests(port, 60)  # three times the cap
        try:
            await asyncio.sleep(0.2)
            listener = small_portal.portal.listener
            assert listener is not None
            # Never more open than the cap: the oldest idle ones made room.
            assert listener.open_connections <= 20
            assert listener.evicted >= 40
            url = small_portal.base + "/healthz"
            async with aiohttp.ClientSession() as http, http.get(url) as response:
                assert response.status == 200
        finally:
            for writer in writers:
                writer.close()
    assert len(caplog.records) < 5  # no line (let alone a traceback) per connection


async def test_one_client_cannot_hold_every_live_map_stream(small_portal: Running) -> None:
    async with aiohttp.ClientSession() as http:
        streams = [await http.get(small_portal.base + "/map/events") for _ in range(4)]
        try:
            for stream in streams:
                assert stream.status == 200
            refused = await http.get(small_portal.base + "/map/events?lang=en")
            assert refused.status == 503
            assert "You have 4 live maps open" in await refused.text()
        finally:
            for stream in streams:
                stream.close()
