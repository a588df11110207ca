"""The portal over HTTP: pages in both languages, headers, refusals as pages, kit downloads."""

from __future__ import annotations

import asyncio
import html
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest
from yarl import URL

from bot.app.demo import seed_demo
from bot.commands.dispatch import Dispatcher
from bot.portal.live import MAX_STREAMS_PER_CLIENT, MapFeed
from bot.portal.routes import PORTAL_KEY
from circles.actor import Actor
from circles.model import PROPOSED, Circle, Role
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


def language_link(body: str) -> str:
    found = re.search(r'<a class="lang" href="([^"]*)"', body)
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("path", "link"),
    [
        ("//evil.example/x", "/evil.example/x?lang=zh"),
        ("/%2F%2Fevil.example", "/evil.example?lang=zh"),
        ("/%5C%5Cevil.example", "/evil.example?lang=zh"),
        ("/\\\\evil.example", "/evil.example?lang=zh"),
        ("/x/%5C%5Cy", "/x/%5C%5Cy?lang=zh"),
        ("/kits/a%3Fb", "/kits/a%3Fb?lang=zh"),
        ("/kits/a%23b", "/kits/a%23b?lang=zh"),
    ],
)
async def test_the_language_link_of_a_404_page_stays_on_the_site(
    site: Running, http: aiohttp.ClientSession, path: str, link: str
) -> None:
    async with http.get(URL(site.base + path, encoded=True)) as response:
        assert response.status == 404
        href = language_link(await response.text())
    assert href == link
    # As a browser reads it: backslashes are slashes in http(s) addresses.
    target = urljoin(site.base + "/", href.replace("\\", "/"))
    assert urlsplit(target).netloc == urlsplit(site.base).netloc


async def test_pages_that_follow_the_browsers_language_say_so_to_caches(
    site: Running, http: aiohttp.ClientSession
) -> None:
    for path in ("/", "/map", "/kits", "/kits/parcel-sorting", "/map.svg", "/nowhere"):
        _, _, response = await get(http, site.base + path, **{"Accept-Language": "zh"})
        assert "Accept-Language" in response.headers.get("Vary", ""), path
    _, _, response = await get(http, site.base + "/?lang=en")
    assert "Accept-Language" not in response.headers.get("Vary", "")  # the address chose


async def test_the_language_may_be_asked_in_capitals(
    site: Running, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await get(http, site.base + "/?lang=EN", **{"Accept-Language": "zh"})
    assert status == 200 and "Next meetups" in body and 'href="/map?lang=en"' in body


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/map/", "/map"),
        ("/kits/", "/kits"),
        ("/kits/parcel-sorting/?lang=zh", "/kits/parcel-sorting?lang=zh"),
    ],
)
async def test_a_trailing_slash_redirects_to_the_page(
    site: Running, http: aiohttp.ClientSession, path: str, target: str
) -> None:
    async with http.get(site.base + path, allow_redirects=False) as response:
        assert response.status == 308
        assert response.headers["Location"] == target


async def test_the_favicon_is_served(site: Running, http: aiohttp.ClientSession) -> None:
    async with http.get(site.base + "/favicon.ico") as response:
        assert response.status == 200
        assert (await response.read()).startswith(b"\x00\x00\x01\x00")  # an ICO file


async def test_a_kit_refusal_links_back_to_the_kits_form(
    site: Running, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await get(http, site.base + "/kits/parcel-sorting.md?buildings=9-1")
    assert status == 400
    assert 'href="/kits/parcel-sorting"' in body and "Back to the kit&#39;s form" in body


async def test_the_overview_counts_roles_held_with_the_plural_form(
    site: Running, http: aiohttp.ClientSession
) -> None:
    _, english, _ = await get(http, site.base + "/?lang=en")
    assert re.search(r"<span>0 of \d\d+ roles held</span>", english)
    _, chinese, _ = await get(http, site.base + "/?lang=zh")
    assert re.search(r"<span>\d\d+ 个角色中 0 个已有人担任</span>", chinese)


async def test_the_kit_form_sends_the_readers_language_beside_the_kits(
    site: Running, http: aiohttp.ClientSession
) -> None:
    _, english, _ = await get(http, site.base + "/kits/parcel-sorting?lang=en")
    assert '<input type="hidden" name="page_lang" value="en">' in english
    _, chinese, _ = await get(http, site.base + "/kits/parcel-sorting", **{"Accept-Language": "zh"})
    assert '<input type="hidden" name="page_lang" value="zh">' in chinese
    # What the form sends downloads: page_lang is not taken for a kit parameter.
    url = "/kits/parcel-sorting.md?neighborhood=&group_size=&lang=zh&page_lang=en"
    status, body, _ = await get(http, site.base + url)
    assert status == 200 and "快递" in body


@pytest.mark.parametrize(
    ("query", "accept", "says", "not_says"),
    [
        # An English reader's form asking for the Chinese kit: refused in English.
        ("lang=zh&page_lang=en&buildings=9-1", "zh", "backwards", "写反了"),
        # A Chinese reader's form asking for the English kit: refused in Chinese.
        ("lang=en&page_lang=zh&buildings=9-1", "en", "写反了", "backwards"),
        # A link from the chat (no page_lang): the browser's language, not the kit's.
        ("lang=zh&buildings=9-1", "en", "backwards", "写反了"),
        ("lang=zh&group_size=lots", "en", "must be a whole number", "整数"),
    ],
)
async def test_a_kit_refusal_is_in_the_readers_language_not_the_kits(
    site: Running, http: aiohttp.ClientSession, query: str, accept: str, says: str, not_says: str
) -> None:
    url = f"{site.base}/kits/parcel-sorting.pdf?{query}"
    status, body, _ = await get(http, url, **{"Accept-Language": accept})
    assert status == 400
    text = html.unescape(body)
    assert says in text and not_says not in text
    if "page_lang=" in query:
        page_lang = query.split("page_lang=")[1].split("&")[0]
        assert f'href="/kits/parcel-sorting?lang={page_lang}"' in body  # the form, same language


async def test_a_circle_with_only_a_proposed_role_shows_it_and_not_every_role_taken(
    site: Running, http: aiohttp.ClientSession, dispatcher: Dispatcher
) -> None:
    with dispatcher.uow.begin() as s:
        s.circles.save(
            Circle(
                "radio",
                {"en": "Radio circle"},
                {},
                "content",
                roles=[Role("host", {"en": "Radio host"}, {}, status=PROPOSED)],
            )
        )
        s.commit()
    _, body, _ = await get(http, site.base + "/")
    card = body[body.index("Radio circle") :].split("</li>\n  \n")[0].split('<li class="circle')[0]
    assert "Radio host" in card and "Every role is taken." not in card


async def test_a_daily_meetup_shows_at_most_its_next_two_sessions_on_the_overview(
    site: Running, http: aiohttp.ClientSession, dispatcher: Dispatcher
) -> None:
    seed_demo(dispatcher.uow)
    _, body, _ = await get(http, site.base + "/")
    meetups = body[body.index('<ul class="meetups">') :].split("</ul>")[0]
    titles = re.findall(r"<strong>(.*?)</strong>", meetups)
    assert len(titles) > 2
    assert max(titles.count(title) for title in titles) <= 2


def feed_of(site: Running) -> MapFeed:
    return site.portal.app[PORTAL_KEY].feed


async def test_head_and_dropped_streams_do_not_hold_live_map_slots(
    site: Running, http: aiohttp.ClientSession
) -> None:
    for _ in range(5):
        async with http.head(site.base + "/map/events") as response:
            assert response.status == 200
            assert response.content_type == "text/event-stream"
    assert feed_of(site).streams == 0
    for _ in range(MAX_STREAMS_PER_CLIENT):  # all from one address: at most that many at once
        response = await http.get(site.base + "/map/events")
        await asyncio.wait_for(read_event(response.content), 10)
        response.close()  # the reader goes away at once
    for _ in range(40):  # the heartbeat is 15 s away; the slots must free well before
        if feed_of(site).streams == 0:
            break
        await asyncio.sleep(0.1)
    assert feed_of(site).streams == 0


async def test_an_oversized_request_line_logs_one_warning_without_its_content(
    site: Running, caplog: pytest.LogCaptureFixture
) -> None:
    host, port = urlsplit(site.base).hostname, urlsplit(site.base).port
    for _ in range(3):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"GET /" + b"secret" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        assert (await reader.read(100)).split(b" ")[1] == b"400"
        writer.close()
        await writer.wait_closed()
    records = [r for r in caplog.records if r.name.startswith("aiohttp")]
    assert [r.levelname for r in records] == ["WARNING"] * 3
    assert all(r.exc_info is None and "secret" not in r.getMessage() for r in records)


async def test_the_decisions_page_counts_positions_and_shows_reasons_for_blocks(
    dispatcher: Dispatcher, http: aiohttp.ClientSession
) -> None:
    def say(who: str, line: str) -> None:
        reply = dispatcher.handle(Actor(f"console:{who}", who), line)
        assert not reply.error, reply.text

    for who in ("ann", "bob"):
        say(who, "join")
    say("ann", "claim research/interviewer")
    say("bob", "claim research/tea-house-host")
    say("ann", "decide research Tea on <Mondays> --why a quieter day")
    say("ann", "position 1 agree")
    say("bob", "position 1 block Mondays I work late")
    async with running_portal(dispatcher) as site:
        status, body, _ = await get(http, site.base + "/decisions?lang=en")
        assert status == 200
        assert "#1 Tea on &lt;Mondays&gt;" in body and "a quieter day" in body
        assert "Agree 1, abstain 0, disagree 0, block 1." in body
        assert "Block: Mondays I work late" in body and "agree: ann" in body
        _, body, _ = await get(http, site.base + "/decisions?lang=zh")
        assert (
            "同意 1，弃权 0，反对 0，阻止 1。" in body and "阻止理由：Mondays I work late" in body
        )


async def test_the_decisions_page_shows_counts_only_when_the_network_says_so(
    dispatcher: Dispatcher, http: aiohttp.ClientSession
) -> None:
    rules = replace(dispatcher.uow.network.governance, positions="counts")
    dispatcher.uow.network = replace(dispatcher.uow.network, governance=rules)
    for who in ("ann", "bob"):
        dispatcher.handle(Actor(f"console:{who}", who), "join")
    dispatcher.handle(Actor("console:ann", "ann"), "claim research/interviewer")
    dispatcher.handle(Actor("console:ann", "ann"), "decide research Tea")
    dispatcher.handle(Actor("console:ann", "ann"), "position 1 agree")
    async with running_portal(dispatcher) as site:
        _, body, _ = await get(http, site.base + "/decisions?lang=en")
    assert "Agree 1, abstain 0" in body and "agree: ann" not in body
