"""Announcements in chat: rendered in the network language, delivered by the scheduler once.

The scheduler runs on the wall clock here; the domain clock is a FixedClock set so that a role
proposal is already 48 hours old, which the scheduler's settle at start must notice.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.app.scheduler import MeetupScheduler
from bot.broadcasts.announcement import render, send_announcements
from bot.commands.dispatch import Dispatcher
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.clock import FixedClock
from circles.services.announcements import Announcement, pending
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say
from tests.fakes.recording_platform import RecordingPlatform

CHAT = "telegram:-100"


def link_research(uow: UnitOfWork, *chats: str) -> None:
    with uow.begin() as s:
        research = s.circles.require("research")
        research.chats = list(chats)
        s.circles.save(research)
        s.commit()


def an_announcement(clock: FixedClock) -> Announcement:
    return Announcement(
        id="a1",
        chats=(CHAT,),
        message="✅ {name} accepted the role {role} ({title}): it can be claimed now.",
        params={"name": "Lena", "role": "research/x", "title": {"zh": "翻译", "en": "Translator"}},
        buttons=(("Claim", "claim research/x"),),
        created_at=clock.now(),
    )


def test_an_announcement_reads_in_the_chat_language(catalogs: Catalogs, clock: FixedClock) -> None:
    item = an_announcement(clock)
    english = render(catalogs.translator("en"), item)
    assert english.text == (
        "✅ Lena accepted the role research/x (Translator): it can be claimed now."
    )
    assert english.buttons[0][0].label == "Claim"
    chinese = render(catalogs.translator("zh"), item)
    assert "翻译" in chinese.text and "接受了角色" in chinese.text
    assert chinese.buttons[0][0].label == "认领"
    assert chinese.buttons[0][0].command == "claim research/x"


async def test_a_failing_chat_does_not_stop_the_others(
    catalogs: Catalogs, clock: FixedClock
) -> None:
    broken = RecordingPlatform("slack", clock, fail_with=RuntimeError("down"))
    working = RecordingPlatform("telegram", clock)
    item = an_announcement(clock)
    both = Announcement(item.id, ("slack:C1", CHAT), item.message, item.params, (), item.created_at)
    sent = await send_announcements(
        [both], {"slack": broken, "telegram": working}, catalogs.translator("en")
    )
    assert sent == 1 and [s.chat for s in working.sent] == [CHAT]


async def test_the_scheduler_settles_at_start_and_sends_each_announcement_once(
    say: Say, uow: UnitOfWork, clock: FixedClock, catalogs: Catalogs
) -> None:
    for name in ("lena", "alice"):
        say(name, "join")
    with uow.begin() as s:
        lena = s.require_volunteer("console:lena").id
    appoint_lead(uow, "research", lena)
    link_research(uow, CHAT, "slack:C1")  # slack is not running: that chat is dropped
    assert not say("lena", "newrole research translator Translator").error
    clock.advance(timedelta(hours=48))
    platform = RecordingPlatform("telegram", clock)
    scheduler = MeetupScheduler(
        uow, [platform], catalogs.translator("en"), (timedelta(hours=1),), tick_seconds=0.05
    )
    await scheduler.start()
    try:
        for _ in range(100):
            if platform.sent:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # more ticks: a chance to send something twice
    finally:
        await scheduler.stop()
    # The proposal's own announcement waited 48 h (no platform ran): stale, dropped, not sent late.
    (sent,) = platform.sent
    assert sent.chat == CHAT
    assert sent.reply.text.startswith("✅ The role research/translator (Translator) stands")
    with uow.begin() as s:
        assert pending(s) == []
        assert s.circles.require("research").role("translator").status == "active"


async def test_a_command_announcement_reaches_the_chat_on_the_next_tick(
    dispatcher: Dispatcher, uow: UnitOfWork, clock: FixedClock, catalogs: Catalogs
) -> None:
    network_chat = "telegram:-1"
    with uow.begin() as s:
        network = s.circles.require("network")
        network.chats = [network_chat]
        s.circles.save(network)
        s.commit()
    platform = RecordingPlatform("telegram", clock)
    scheduler = MeetupScheduler(
        uow, [platform], catalogs.translator("zh"), (timedelta(hours=1),), tick_seconds=0.05
    )
    await scheduler.start()
    try:
        ann = Actor("console:ann", "ann")
        dispatcher.handle(ann, "join")
        assert not dispatcher.handle(ann, "propose Water").error
        await asyncio.wait_for(platform.arrived.wait(), timeout=5)
    finally:
        await scheduler.stop()
    (sent,) = platform.sent
    assert sent.chat == network_chat and "ann 提议了一个话题：Water（1）" in sent.reply.text
    assert sent.reply.buttons[0][0].command == "back 1"
