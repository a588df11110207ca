"""The portal over HTTP: pages in both languages, headers, refusals as pages, kit downloads."""

from __future__ import annotations

import asyncio
import html
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.commands.dispatch import Dispatcher
from circles.actor import Actor
from circles.services.checkins import record_checkin
from tests.bot.portal.support import Running, running_portal


@pytest.fixture
async def site(dispatcher: Dispatcher) -> AsyncIterator[Running]:
    async with running_portal(dispatcher) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get(
    http: aiohttp.ClientSession, url: str, **headers: str
) -> tuple[int, str, aiohttp.ClientResponse]:
    async with http.get(url, headers=headers) as response:
        return response.status, await response.text(errors="replace"), response


async def test_the_overview_shows_circles_kits_and_meetups(
    site: Running, http: aiohttp.ClientSession
) -> None:
    status, body, response = await get(http, site.base + "/")
    assert status == 200
    assert "Research circle" in body and "Parcel sorting" in body and "Next meetups" in body
    assert "claim research/interviewer" in body
    assert response.headers["Content-Language"] == "en"


async def test_the_language_follows_the_address_then_the_browser(
    site: Running, http: aiohttp.ClientSession
) -> None:
    _, body, _ = await get(http, site.base + "/", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "研发圈" in body and "近期聚会" in body
    _, body, _ = await get(http, site.base + "/?lang=en", **{"Accept-Language": "zh-CN"})
    assert "Next meetups" in body and 'href="/map?lang=en"' in body  # links keep the choice
    _, body, _ = await get(http, site.base + "/kits", **{"Accept-Language": "fr, en;q=0.4"})
    assert "Action kits" in body


async def test_pages_carry_security_headers_without_inline_script(
    site: Running, http: aiohttp.ClientSession
) -> None:
    for path in ("/", "/map", "/kits", "/kits/parcel-sorting", "/nowhere", "/map.svg"):
        _, body, response = await get(http, site.base + path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "<script>" not in body and "style=" not in body, path


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/kits/no-such-kit", 404, "没有叫 'no-such-kit' 的工具包"),
        ("/kits/no-such-kit.pdf", 404, "没有叫 'no-such-kit' 的工具包"),
        ("/nowhere", 404, "这个地址没有页面"),
        ("/?lang=fr", 400, "没有 'fr' 这种语言"),
        ("/map?lang=zh&lang=en", 400, "参数 lang 在地址里出现了不止一次"),
        ("/kits/parcel-sorting?x=" + "a" * 3000, 414, "这个地址太长了"),
        ("/kits/parcel-sorting.md?neighborhood=%01", 400, "控制字符"),
        ("/kits/parcel-sorting.md?group_size=lots", 400, "参数 group_size 必须是整数"),
        ("/kits/parcel-sorting.md?buildings=9-1", 400, "写反了"),
        ("/kits/parcel-sorting.md?colour=red", 400, "没有参数 colour"),
        ("/kits/parcel-sorting.md?neighborhood=" + "x" * 200, 400, "最多 40 个字符"),
    ],
)
async def test_bad_addresses_get_a_clear_page_in_the_readers_language(
    site: Running, http: aiohttp.ClientSession, path: str, status: int, says: str
) -> None:
    got, body, response = await get(http, site.base + path, **{"Accept-Language": "zh"})
    assert got == status
    assert response.content_type == "text/html"
    assert says in html.unescape(body)


async def test_a_refusal_in_english_for_an_english_reader(
    site: Running, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await get(http, site.base + "/kits/parcel-sorting.md?group_size=99")
    assert status == 400 and "The parameter group_size must be between 1 and 20." in body


async def test_a_kit_downloads_with_its_parameters_and_language(
    site: Running, http: aiohttp.ClientSession
) -> None:
    url = site.base + "/kits/parcel-sorting.md?lang=en&neighborhood=Elm+Court&buildings=1-4"
    status, body, response = await get(http, url)
    assert status == 200
    assert response.content_type == "text/markdown"
    assert 'filename="parcel-sorting-en.md"' in response.headers["Content-Disposition"]
    assert "Elm Court" in body
    status, body, _ = await get(http, site.base + "/kits/parcel-sorting.md?lang=zh")
    assert status == 200 and "快递" in body


async def test_a_kit_parameter_cannot_inject_markup(
    site: Running, http: aiohttp.ClientSession
) -> None:
    url = site.base + "/kits/parcel-sorting.html?neighborhood=%3Cscript%3Ealert(1)%3C/script%3E"
    status, body, response = await get(http, url)
    assert status == 200
    assert "<script>alert(1)" not in body
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none'


async def test_user_text_is_escaped_on_the_overview(
    site: Running, http: aiohttp.ClientSession, dispatcher: Dispatcher
) -> None:
    name = "<script>alert(1)</script>"
    site.say("xss", "join <b>Elm</b>", name=name)
    site.say("xss", "claim research/interviewer")
    record_checkin(
        dispatcher.uow,
        Actor(identity="console:xss", name=name),
        'Sorted parcels <img src=x onerror="alert(2)"> #parcel-sorting',
        dispatcher.kits,
    )
    _, body, _ = await get(http, site.base + "/")
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=" in body
    assert "&lt;b&gt;Elm&lt;/b&gt;" in body
    _, body, _ = await get(http, site.base + "/kits")
    assert "used once" in body


async def test_healthz_reports_the_version_and_the_store(
    site: Running, http: aiohttp.ClientSession
) -> None:
    async with http.get(site.base + "/healthz") as response:
        assert response.status == 200
        data = await response.json()
    assert data["status"] == "ok" and data["version"]


async def test_map_images(site: Running, http: aiohttp.ClientSession) -> None:
    async with http.get(site.base + "/map.png") as response:
        assert response.status == 200 and response.content_type == "image/png"
        assert (await response.read()).startswith(b"\x89PNG")
    status, body, response = await get(http, site.base + "/map.svg?lang=zh")
    assert status == 200 and response.content_type == "image/svg+xml" and "研发圈" in body


async def test_map_png_without_cairo_is_a_clear_503(
    site: Running, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # as on a machine without libcairo2
    status, body, _ = await get(http, site.base + "/map.png?lang=zh")
    assert status == 503 and "无法生成地图图片" in body
    status, _, _ = await get(http, site.base + "/map.svg")
    assert status == 200


async def read_event(stream: aiohttp.StreamReader) -> str:
    """The data of the next ``map`` event."""
    event = ""
    while True:
        line = (await stream.readline()).decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == "map":
            return line[6:]


async def test_the_event_stream_announces_a_claimed_role(
    site: Running, http: aiohttp.ClientSession
) -> None:
    async with http.get(site.base + "/map/events") as response:
        assert response.content_type == "text/event-stream"
        first = await asyncio.wait_for(read_event(response.content), 10)
        site.say("ann", "join")
        site.say("ann", "claim research/interviewer")
        second = await asyncio.wait_for(read_event(response.content), 10)
    assert second != first
    _, svg, _ = await get(http, site.base + "/map.svg")
    assert f'data-revision="{second}"' in svg and "ann" in svg


async def test_stopping_the_portal_ends_open_event_streams(dispatcher: Dispatcher) -> None:
    async with aiohttp.ClientSession() as http, running_portal(dispatcher) as site:
        response = await http.get(site.base + "/map/events")
        await asyncio.wait_for(read_event(response.content), 10)
        # Without the shutdown hook aiohttp would wait a minute for the stream to end.
        await asyncio.wait_for(site.portal.stop(), 5)
        response.close()
