"""The accept loop waits out descriptor exhaustion with one log line, then serves again."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.platforms.listener import Listener, connection_cap


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


async def test_running_out_of_descriptors_logs_once_and_recovers(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    assert runner.server is not None
    loop = asyncio.get_running_loop()
    real_accept = loop.sock_accept
    failures = 0

    async def scarce_accept(sock: socket.socket) -> Any:
        nonlocal failures
        if failures < 6:  # the first six tries find no descriptor left
            failures += 1
            await asyncio.sleep(0)
            raise OSError(errno.EMFILE, "Too many open files")
        return await real_accept(sock)

    monkeypatch.setattr(loop, "sock_accept", scarce_accept)
    listener = Listener(runner.server, socket.create_server(("127.0.0.1", 0)), 16)
    with caplog.at_level(logging.INFO, logger="bot.platforms.listener"):
        listener.start()
        try:
            url = f"http://127.0.0.1:{listener.port}/"
            async with aiohttp.ClientSession() as http, http.get(url) as response:
                assert await response.text() == "hello"
        finally:
            await listener.stop()
            await runner.cleanup()
    assert listener.scarce == 6
    lines = [r.getMessage() for r in caplog.records]
    assert len([m for m in lines if "out of descriptors" in m]) == 1
    assert len([m for m in lines if "accepting connections again" in m]) == 1
    assert not any(r.exc_info for r in caplog.records)


def test_the_connection_cap_leaves_descriptors_for_the_rest_of_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("resource.getrlimit", lambda _: (1024, 4096))
    assert connection_cap(500) == 448
    monkeypatch.setattr("resource.getrlimit", lambda _: (256, 4096))
    assert connection_cap(500) == 64
    assert connection_cap(20) == 20
