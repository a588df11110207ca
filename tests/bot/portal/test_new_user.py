"""As a new user would: ``canbot demo`` then ``canbot run``, and the portal in Chromium."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest_asyncio

from tests.bot.app.canbot_process import CANBOT, start_run
from tests.bot.portal.browser import chromium, watched_page

ROOTS = {"connect", "research", "practice", "product", "content"}


@pytest_asyncio.fixture
async def canbot_run(tmp_path: Path) -> AsyncIterator[tuple[str, subprocess.Popen[str]]]:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"storage:\n  url: tinydb://{tmp_path}/data/can.json\nweb:\n  port: 0\n"
        "network:\n  language: en\n"
    )
    demo = subprocess.run(
        [*CANBOT, "demo", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert demo.returncode == 0, demo.stderr
    bot = start_run(tmp_path, config)
    process = bot.process
    try:
        yield bot.portal, process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


async def test_a_new_user_sees_the_portal_of_the_demo_network(
    canbot_run: tuple[str, subprocess.Popen[str]],
) -> None:
    base, _ = canbot_run
    async with chromium() as browser, watched_page(browser) as watched:
        for path in ("/", "/map", "/kits"):
            response = await watched.page.goto(base + path)
            assert response is not None and response.ok, path
            await watched.page.wait_for_load_state("networkidle")
        assert watched.errors == []
    async with aiohttp.ClientSession() as http, http.get(base + "/map.svg") as response:
        svg = ET.fromstring(await response.text())
    slugs = {g.get("data-slug") for g in svg.iter() if g.get("data-depth") == "1"}
    assert slugs == ROOTS
    assert "Mei" in "".join(svg.itertext())  # the demo's volunteers hold roles


async def test_canbot_run_stops_promptly_with_a_live_map_open(
    canbot_run: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = canbot_run
    async with aiohttp.ClientSession() as http:
        stream = await http.get(base + "/map/events")
        assert stream.content_type == "text/event-stream"
        await asyncio.wait_for(stream.content.readline(), 10)
        process.send_signal(signal.SIGTERM)
        # aiohttp alone would wait up to a minute for the open stream; the feed closes it.
        code = await asyncio.wait_for(asyncio.to_thread(process.wait), 20)
        stream.close()
    assert code == 0
