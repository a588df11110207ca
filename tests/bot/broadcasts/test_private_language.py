"""Private messages (lead notices, decision reminders, term questions) read in their reader's
language: the volunteer's own `lang`, else the network's, while chat announcements stay in the
network's language."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.bootstrap import build_runtime
from bot.app.runner import serve
from bot.app.scheduler import MeetupScheduler
from bot.broadcasts.announcement import render
from bot.config import Config, StorageConfig, WebConfig
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.clock import FixedClock, SystemClock
from circles.errors import N_
from circles.network import Network
from circles.services.announcements import Announcement, pending
from circles.services.direct import tell
from circles.services.membership import join, set_language
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN, Say
from tests.fakes.recording_platform import RecordingPlatform

LEAD_NOTICE = "made you a lead of research"


@pytest.fixture
def network() -> Network:
    return Network(language="zh", admins=frozenset({ADMIN}))


def test_a_private_message_carries_its_readers_language(say: Say, uow: UnitOfWork) -> None:
    for name in ("admin", "ann", "bob"):
        assert not say(name, "join").error
    assert not say("ann", "lang en").error
    assert not say("admin", "lead research ann").error
    assert not say("admin", "lead research bob").error
    with uow.begin() as s:
        by_chat = {item.chats: item.language for item in pending(s)}
    assert by_chat[("console:ann",)] == "en"
    assert by_chat[("console:bob",)] == ""  # no choice: the network's, decided when sent


def test_render_uses_the_readers_language_over_the_networks(
    catalogs: Catalogs, clock: FixedClock
) -> None:
    item = Announcement(
        id="a1",
        chats=("console:ann",),
        message="{by} removed you as an admin.",
        params={"by": "Ada"},
        buttons=(),
        created_at=clock.now(),
        language="en",
    )
    network = catalogs.translator("zh")
    assert render(network, item, catalogs).text == "Ada removed you as an admin."
    # Without the catalogs (or without a reader's language) it is the network's.
    assert render(network, item).text != "Ada removed you as an admin."


async def test_a_volunteer_with_lang_en_in_a_zh_network_is_told_in_english(
    say: Say, uow: UnitOfWork, clock: FixedClock, catalogs: Catalogs
) -> None:
    for name in ("admin", "ann", "bob"):
        assert not say(name, "join").error
    assert not say("ann", "lang en").error
    with uow.begin() as s:
        research = s.circles.require("research")
        research.chats = ["console:room"]
        s.circles.save(research)
        s.commit()
    assert not say("admin", "lead research ann").error
    assert not say("admin", "lead research bob").error
    platform = RecordingPlatform("console", clock)
    scheduler = MeetupScheduler(
        uow, [platform], catalogs.translator("zh"), (timedelta(hours=1),), catalogs=catalogs
    )
    await scheduler.announce()
    await scheduler.stop()
    said = {}
    for sent in platform.sent:
        said.setdefault(sent.chat, []).append(sent.reply)
    (to_ann,) = said["console:ann"]
    assert LEAD_NOTICE in to_ann.text and to_ann.buttons[0][0].label == "Decline"
    (to_bob,) = said["console:bob"]
    assert LEAD_NOTICE not in to_bob.text and "负责人" in to_bob.text
    assert to_bob.buttons[0][0].label != "Decline"
    # The circle's chat is the network's: Chinese, whoever is named in it.
    assert all("appointed" not in r.text for r in said["console:room"])


async def test_canbot_run_sends_a_private_message_in_its_readers_language(
    tmp_path: Path,
) -> None:
    """The scheduler `canbot run` starts (LeaderDuties) is given every language's catalog."""
    config = Config(
        network=Network(language="zh", admins=frozenset({ADMIN})),
        storage=StorageConfig(url=f"tinydb://{tmp_path / 'can.json'}"),
        web=WebConfig(host="127.0.0.1", port=0),
    )
    runtime = build_runtime(config)
    try:
        for identity, lang in (("telegram:1", "en"), ("telegram:2", "")):
            actor = Actor(identity, identity)
            join(runtime.uow, actor)
            if lang:
                set_language(runtime.uow, actor, lang)
        with runtime.uow.begin() as s:
            for identity in ("telegram:1", "telegram:2"):
                tell(
                    s,
                    s.require_volunteer(identity).id,
                    N_("{by} removed you as an admin."),
                    by="Ada",
                )
            s.commit()
        platform = RecordingPlatform("telegram", SystemClock())
        running = asyncio.create_task(serve(runtime, [platform]))
        for _ in range(500):
            if len(platform.sent) == 2:
                break
            await asyncio.sleep(0.02)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=10)
    finally:
        runtime.close()
    said = {sent.chat: sent.reply.text for sent in platform.sent}
    assert said["telegram:1"] == "Ada removed you as an admin."
    assert said["telegram:2"] != "Ada removed you as an admin." and "Ada" in said["telegram:2"]
