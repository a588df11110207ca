"""The portal's /asks page: open asks by neighborhood and kind, counts, never who asked or the
private part; the overview shows the counts."""

from __future__ import annotations

import re

import aiohttp

from bot.commands.dispatch import Dispatcher
from circles.actor import Actor
from tests.bot.portal.support import running_portal


async def test_asks_page_shows_public_fields_and_counts_only(dispatcher: Dispatcher) -> None:
    async with running_portal(dispatcher) as site:
        lin = Actor("console:lin", "林阿姨")
        preview = dispatcher.handle(lin, "ask 买菜 @古北 urgent rice and eggs <b> || room 301")
        command = re.search(r"\[Post it: (ask post \d+)\]", preview.plain())
        assert command, preview.plain()
        assert not dispatcher.handle(lin, command.group(1)).error
        async with aiohttp.ClientSession() as http:
            async with http.get(site.base + "/asks?lang=en") as response:
                body = await response.text()
            async with http.get(site.base + "/asks?lang=zh") as response:
                zh = await response.text()
            async with http.get(site.base + "/?lang=en") as response:
                home = await response.text()
    assert response.status == 200
    assert "古北" in body and "groceries" in body and "urgent" in body
    assert "rice and eggs &lt;b&gt;" in body  # escaped
    for secret in ("林阿姨", "console:lin", "room 301"):
        assert secret not in body and secret not in zh
    assert "1 open" in body and "买菜" in zh and "1 条待接" in zh
    assert "Asks: 1 open, 0 being helped, 0 done in 30 days" in home
