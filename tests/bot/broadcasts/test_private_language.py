"""Private messages (lead notices, decision reminders, term questions) read in their reader's
language: the volunteer's own `lang`, else the network's, while chat announcements stay in the
network's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app.scheduler import MeetupScheduler
from bot.broadcasts.announcement import render
from bot.i18n import Catalogs
from circles.clock import FixedClock
from circles.network import Network
from circles.services.announcements import Announcement, pending
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
