"""The portal's governance log page (/history, linked from /decisions): who, when, what and why
in zh and en, every user text escaped, narrowed to a circle on request, and never naming who
took which position on a decision."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import aiohttp
import pytest

from bot.commands.dispatch import Dispatcher
from circles.actor import Actor
from circles.clock import FixedClock
from circles.services.decisions import run_decisions
from tests.bot.portal.support import running_portal


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as response:
        return response.status, await response.text()


@pytest.fixture
def governed(dispatcher: Dispatcher, clock: FixedClock) -> Dispatcher:
    """admin appoints ann a lead (with a reason) and makes bob an admin; a decision of bob's
    is blocked by quill and closes, so the log has a lead, an admin and a decision entry."""

    def say(who: str, line: str) -> None:
        reply = dispatcher.handle(Actor(f"console:{who}", who), line)
        assert not reply.error, reply.text

    for who in ("admin", "ann", "bob", "quill"):
        say(who, "join")
    say("bob", "claim research/interviewer")
    say("quill", "claim research/tea-house-host")
    say("admin", "lead research ann she ran <the> interviews")
    say("admin", "admin add bob")
    say("bob", "decide research Tea on <Mondays>")
    say("bob", "position 1 agree")
    say("quill", "position 1 block <b>I work late</b>")
    clock.advance(timedelta(hours=49))
    run_decisions(dispatcher.uow)
    return dispatcher


async def test_the_log_page_says_who_when_what_and_why_escaped(
    governed: Dispatcher, http: aiohttp.ClientSession
) -> None:
    async with running_portal(governed) as site:
        status, body = await get(http, site.base + "/history?lang=en")
        assert status == 200
        text = html.unescape(body)
        assert "admin appointed ann as a lead of research" in text
        assert "why: she ran &lt;the&gt; interviews" in body
        assert "admin made bob an admin" in text
        assert "Decision #1 (Tea on &lt;Mondays&gt;): did not pass" in body
        assert "blocked: &lt;b&gt;I work late&lt;/b&gt;" in body and "<b>I work" not in body
        assert "Agree 1, abstain 0, disagree 0, block 1." in body
        # Newest first: the decision closed after the appointment.
        assert body.index("Decision #1") < body.index("appointed ann")
        _, chinese = await get(http, site.base + "/history?lang=zh")
        assert "治理记录" in chinese and "admin 任命 ann 为 research 的负责人" in chinese
        assert "未通过" in chinese and "被阻止：&lt;b&gt;I work late&lt;/b&gt;" in chinese
        _, decisions = await get(http, site.base + "/decisions?lang=en")
        assert 'href="/history?lang=en"' in decisions


async def test_the_log_names_no_one_by_their_position(
    governed: Dispatcher, http: aiohttp.ClientSession
) -> None:
    for positions in ("names", "counts"):
        rules = replace(governed.uow.network.governance, positions=positions)
        governed.uow.network = replace(governed.uow.network, governance=rules)
        async with running_portal(governed) as site:
            _, body = await get(http, site.base + "/history?lang=en")
        # quill only blocked: the log tells of the block and its reason, never of quill.
        assert "I work late" in body and "quill" not in body


async def test_the_log_narrows_to_one_circle_and_refuses_an_unknown_one(
    governed: Dispatcher, http: aiohttp.ClientSession
) -> None:
    async with running_portal(governed) as site:
        status, body = await get(http, site.base + "/history?circle=research&lang=en")
        assert status == 200
        assert "Governance log of" in body and "appointed ann" in html.unescape(body)
        assert "made bob an admin" not in html.unescape(body)  # a network entry, not research's
        status, body = await get(http, site.base + "/history?circle=%3Cnope%3E&lang=en")
        assert status == 404
        assert "There is no circle &#39;&lt;nope&gt;&#39;." in body


async def test_an_empty_log_says_so(dispatcher: Dispatcher, http: aiohttp.ClientSession) -> None:
    async with running_portal(dispatcher) as site:
        status, body = await get(http, site.base + "/history?lang=zh")
    assert status == 200 and "治理记录里还没有内容" in body
