"""The webhook checks the secret before it reads a body, and caps the body."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.platforms.telegram.webhook import SECRET_HEADER, WebhookServer, webhook_app

SECRET = "hook-Secret_0123456789"
CAP = 64 * 1024


class Hook:
    def __init__(self, url: str, received: list[dict[str, Any]]) -> None:
        self.url = url
        self.received = received


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    received: list[dict[str, Any]] = []

    async def deliver(data: dict[str, Any]) -> None:
        received.append(data)

    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = WebhookServer(webhook_app("telegram/hook", SECRET, deliver, max_body=CAP), sock)
    await server.start()
    try:
        yield Hook(f"http://127.0.0.1:{port}/telegram/hook", received)
    finally:
        await server.stop()


async def test_a_good_update_is_delivered_and_a_wrong_secret_is_refused(hook: Hook) -> None:
    async with aiohttp.ClientSession() as http:
        right = await http.post(hook.url, json={"update_id": 1}, headers={SECRET_HEADER: SECRET})
        wrong = await http.post(hook.url, json={"update_id": 2}, headers={SECRET_HEADER: "x"})
        missing = await http.post(hook.url, json={"update_id": 3})
        assert (right.status, wrong.status, missing.status) == (200, 403, 403)
    assert hook.received == [{"update_id": 1}]


async def test_a_wrong_secret_is_refused_before_the_body_is_sent(hook: Hook) -> None:
    """A 95 MB post announced but never sent: the 403 comes from the header alone."""
    host, port = hook.url.split("/")[2].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 99614720\r\n" + SECRET_HEADER.encode() + b': guess\r\n\r\n{"upd'
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    assert status.startswith(b"HTTP/1.1 403")
    writer.close()


async def test_a_body_over_the_cap_is_refused(hook: Hook) -> None:
    big = b'{"update_id": 1, "pad": "' + b"x" * (CAP + 10) + b'"}'
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the cap stops it mid-way
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    async with aiohttp.ClientSession() as http:
        declared = await http.post(hook.url, data=big, headers=headers)
        chunked = await http.post(hook.url, data=chunks(), headers=headers)
        assert (declared.status, chunked.status) == (413, 413)
    assert hook.received == []


async def test_a_body_that_is_not_an_update_is_refused(hook: Hook) -> None:
    headers = {SECRET_HEADER: SECRET}
    async with aiohttp.ClientSession() as http:
        garbage = await http.post(hook.url, data=b"{nope", headers=headers)
        listed = await http.post(hook.url, json=[1, 2], headers=headers)
        assert (garbage.status, listed.status) == (400, 400)
    assert hook.received == []
