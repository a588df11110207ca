"""The database goes away under a running replica and comes back: answers, health, leadership.

The outage is a loopback proxy that drops every connection and refuses new ones (the shared
test server itself is never stopped). OUTAGE_SECONDS is shorter than the issue's 30 s to keep
the suite fast; nothing in the behaviour depends on the length.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.app.bootstrap import build_runtime
from bot.app.leader import LEADER, Leadership
from bot.app.web import WebPortal, build_web_app
from bot.config import Config, StorageConfig
from circles.actor import Actor
from circles.network import Network
from circles.storage.postgres import LeaderLock
from tests.fakes.tcp_proxy import CuttableProxy

OUTAGE_SECONDS = 5.0


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[str, CuttableProxy]]:
    parts = urlsplit(pg_url)
    proxy = CuttableProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    url = pg_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
    yield url, proxy
    proxy.close()


async def test_an_outage_is_answered_politely_and_everything_comes_back(
    proxied: tuple[str, CuttableProxy],
) -> None:
    url, proxy = proxied
    config = Config(network=Network(language="zh"), storage=StorageConfig(url=url))
    runtime = build_runtime(config)
    leadership = Leadership(LeaderLock(url), interval=0.2)
    elected: list[str] = []

    async def lead() -> None:
        elected.append("up")

    async def follow() -> None:
        elected.append("down")

    portal = WebPortal(build_web_app(runtime.uow, leadership=leadership), "127.0.0.1", 0)
    port = await portal.start()
    alice = Actor("console:alice", "alice")
    try:
        await leadership.start(lead, follow)
        assert leadership.role == LEADER
        assert "志愿者" in (await runtime.dispatcher.answer(alice, "join")).text
        claimed = await runtime.dispatcher.answer(alice, "claim research/interviewer")
        assert not claimed.error

        async with aiohttp.ClientSession() as http:
            proxy.cut()
            cut_at = time.monotonic()
            reply = await runtime.dispatcher.answer(alice, "release research/interviewer")
            assert reply.error and reply.text == "数据库暂时没有响应，请稍后再试。"
            assert time.monotonic() - cut_at < 8  # answered soon, not after a long hang
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 503
                assert (await health.json())["database"] == "unreachable"
            while elected[-1] != "down":  # the leader gave its duties up
                assert time.monotonic() - cut_at < 10
                await asyncio.sleep(0.1)
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
            proxy.restore()
            back_at = time.monotonic()
            while True:  # every part reconnects by itself
                async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                    body = await health.json()
                if health.status == 200 and body["role"] == LEADER:
                    break
                assert time.monotonic() - back_at < 15, body
                await asyncio.sleep(0.2)
        assert elected == ["up", "down", "up"]
        mine = await runtime.dispatcher.answer(alice, "myroles")
        assert "research/interviewer" in mine.text  # the confirmed claim survived
    finally:
        await leadership.stop()
        await portal.stop()
        runtime.close()
