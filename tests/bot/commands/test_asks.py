"""Asks end to end through the console's dispatcher: a neighbor who never joined asks, a volunteer
who opted in is told privately and takes it, they talk through the bot, done is confirmed, an
untaken urgent ask escalates once, flag hides an ask, and forgetme leaves no trace of the asker."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

import pytest

from bot.broadcasts.announcement import render as render_announcement
from bot.broadcasts.ask_message import AskDuties
from bot.commands.dispatch import Dispatcher
from bot.i18n import Catalogs
from bot.reply import Reply
from circles.actor import Actor
from circles.ask import AskRules
from circles.clock import FixedClock
from circles.services.announcements import take_announcements
from circles.services.export import export_network
from circles.services.personal_data import my_data
from circles.unit_of_work import UnitOfWork
from tests.conftest import ADMIN
from tests.fakes.recording_platform import RecordingPlatform

GROUP = "telegram:-100"
CONNECT_GROUP = "telegram:-200"
LIN = Actor("console:lin", "林阿姨")  # a neighbor who never joined
WANG = Actor("console:wang", "Wang Wei")  # a volunteer of 古北


def run(dispatcher: Dispatcher, actor: Actor, line: str) -> Reply:
    return dispatcher.handle(actor, line)


def button(reply: Reply, label: str) -> str:
    for row in reply.buttons:
        for b in row:
            if b.label == label:
                return b.command
    raise AssertionError(f"no button {label!r} in {reply.plain()}")


class Outside:
    """The chats outside the dispatcher: private messages and group announcements, as sent."""

    def __init__(self, uow: UnitOfWork, catalogs: Catalogs, clock: FixedClock) -> None:
        self.duties = AskDuties(uow, catalogs, AskRules())
        self.uow, self.catalogs = uow, catalogs
        self.console = RecordingPlatform("console", clock)
        self.telegram = RecordingPlatform("telegram", clock)

    def private(self, identity: str) -> list[str]:
        """Deliver what is queued, then every private text ``identity`` got so far."""
        routes = {"console": self.console, "telegram": self.telegram}
        asyncio.run(self.duties.deliver(routes))
        return [s.reply.plain() for s in self.console.sent if s.chat == identity]

    def announced(self) -> list[tuple[str, str]]:
        t = self.catalogs.translator("en")
        taken = take_announcements(self.uow, ["telegram"])
        return [(chat, render_announcement(t, a).plain()) for a in taken for chat in a.chats]


@pytest.fixture
def outside(uow: UnitOfWork, catalogs: Catalogs, clock: FixedClock) -> Outside:
    return Outside(uow, catalogs, clock)


@pytest.fixture
def gubei(dispatcher: Dispatcher) -> None:
    """An admin links a group chat to 古北; Wang lives there and opted in."""
    admin = Actor(ADMIN, "admin", chat=GROUP, in_group=True)
    assert not run(dispatcher, admin, "join").error
    linked = run(dispatcher, admin, "link @古北")
    assert not linked.error, linked.text
    assert not run(dispatcher, WANG, "join 古北").error
    assert not run(dispatcher, WANG, "notify asks on").error


def post(dispatcher: Dispatcher, actor: Actor, line: str) -> str:
    preview = run(dispatcher, actor, line)
    assert not preview.error, preview.text
    posted = run(dispatcher, actor, button(preview, "Post it"))
    assert not posted.error, posted.text
    match = re.search(r"ask #(\d+)", posted.text)
    assert match, posted.text
    return match.group(1)


@pytest.mark.usefixtures("gubei")
def test_a_neighbor_asks_a_volunteer_takes_they_talk_and_finish(
    dispatcher: Dispatcher, uow: UnitOfWork, outside: Outside
) -> None:
    # The neighbor's first ask shows what is public and what stays private, and posts nothing yet.
    preview = run(dispatcher, LIN, "求助 买菜 古北 家里没菜了，需要米和鸡蛋 || 12号楼301")
    assert not preview.error, preview.text
    assert "家里没菜了" in preview.text and "12号楼301" in preview.text
    assert "never shown" in preview.text
    assert outside.announced() == [] and outside.private(WANG.identity) == []

    posted = run(dispatcher, LIN, button(preview, "Post it"))
    assert "Announced in one group chat of 古北" in posted.text
    assert "One volunteer nearby was told privately" in posted.text
    number = re.search(r"ask #(\d+)", posted.text).group(1)  # type: ignore[union-attr]

    # The group hears of it, Wang privately; neither learns who asked or the private part.
    [(chat, announcement)] = outside.announced()
    assert chat == GROUP and "家里没菜了" in announcement
    [told] = outside.private(WANG.identity)
    assert f"#{number}" in told and "家里没菜了" in told
    for text in (announcement, told):
        assert "林" not in text and "lin" not in text and "12号楼301" not in text

    # Wang finds it first in `asks` and takes it (in Chinese too); the details are his alone.
    listed = run(dispatcher, WANG, "asks")
    assert listed.text.splitlines()[1].startswith(f"• #{number} ")
    taken = run(dispatcher, WANG, f"接单 {number}")
    assert not taken.error, taken.text
    assert "12号楼301" in taken.text
    assert run(dispatcher, WANG, f"take {number}").error  # not twice
    assert any("took your ask" in m for m in outside.private(LIN.identity))

    # Two messages through the bot; each side sees the words, never the other's account.
    assert not run(dispatcher, LIN, f"say {number} 谢谢！放门口就行").error
    assert not run(dispatcher, WANG, f"留言 {number} 好的，半小时到").error
    to_wang = outside.private(WANG.identity)[-1]
    to_lin = outside.private(LIN.identity)[-1]
    assert "谢谢！放门口就行" in to_wang and "好的，半小时到" in to_lin
    assert "林阿姨" not in to_wang and "console:lin" not in to_wang
    assert "Wang" not in to_lin and "console:wang" not in to_lin
    # A stranger cannot talk into the ask.
    assert run(dispatcher, Actor("console:eve", "Eve"), f"say {number} hi").error

    # The export of each shows their messages but neither's identity in the other's view.
    data = export_network(uow)
    wang_id = next(v["id"] for v in data["volunteers"] if WANG.identity in v["identities"])
    lin_id = next(n["id"] for n in data["neighbors"] if n["identity"] == LIN.identity)
    lin_view = json.dumps(my_data(uow, LIN), ensure_ascii=False)
    wang_view = json.dumps(my_data(uow, WANG), ensure_ascii=False)
    assert "好的，半小时到" in lin_view and "谢谢！放门口就行" in wang_view
    for secret in ("Wang", WANG.identity, wang_id):
        assert secret not in lin_view
    for secret in ("林阿姨", LIN.identity, lin_id, "12号楼301"):
        assert secret not in wang_view

    # Done by the helper, confirmed by the asker.
    claimed = run(dispatcher, WANG, f"done {number}")
    assert "once the other side confirms" in claimed.text
    ask_confirm = outside.private(LIN.identity)[-1]
    assert "Confirm" in ask_confirm
    confirmed = run(dispatcher, LIN, f"完成 {number}")
    assert "is done" in confirmed.text, confirmed.text
    assert "done" in run(dispatcher, LIN, "myasks").text


@pytest.mark.usefixtures("gubei")
def test_an_untaken_urgent_ask_escalates_once_after_its_time(
    dispatcher: Dispatcher, uow: UnitOfWork, outside: Outside, clock: FixedClock
) -> None:
    admin = Actor(ADMIN, "admin", chat=CONNECT_GROUP, in_group=True)
    assert not run(dispatcher, admin, "link connect").error
    number = post(dispatcher, LIN, "ask medicine @古北 urgent insulin from the pharmacy")
    outside.announced()  # the new-ask announcement
    clock.advance(timedelta(hours=1, minutes=59))
    outside.duties.tick()
    assert outside.announced() == []
    clock.advance(timedelta(minutes=2))
    outside.duties.tick()
    escalations = outside.announced()
    assert sorted(chat for chat, _ in escalations) == [GROUP, CONNECT_GROUP]
    assert all(f"Nobody has taken ask #{number}" in text for _, text in escalations)
    assert all("(urgent)" in text and "林" not in text for _, text in escalations)
    clock.advance(timedelta(hours=5))
    outside.duties.tick()
    assert outside.announced() == []  # once


@pytest.mark.usefixtures("gubei")
def test_flag_hides_an_ask_until_a_lead_clears_it(dispatcher: Dispatcher) -> None:
    number = post(dispatcher, LIN, "ask errand @古北 pick up a parcel")
    other = Actor("console:zhao", "Zhao")
    run(dispatcher, other, "join 古北")
    assert f"#{number}" in run(dispatcher, other, "asks").text
    flagged = run(dispatcher, other, f"flag {number}")
    assert "hidden" in flagged.text
    assert f"#{number}" not in run(dispatcher, WANG, "asks").text
    assert run(dispatcher, WANG, f"take {number}").error
    assert run(dispatcher, WANG, f"flag {number} clear").error  # not a lead
    assert not run(dispatcher, Actor(ADMIN, "admin"), f"flag {number} clear").error
    assert f"#{number}" in run(dispatcher, WANG, "asks").text


@pytest.mark.usefixtures("gubei")
def test_forgetme_by_the_asker_leaves_no_name_or_message(
    dispatcher: Dispatcher, uow: UnitOfWork, outside: Outside
) -> None:
    number = post(dispatcher, LIN, "ask groceries @古北 林阿姨 needs rice || room 301")
    run(dispatcher, WANG, f"take {number}")
    run(dispatcher, LIN, f"say {number} the door code is 1234")
    run(dispatcher, WANG, f"say {number} on my way")
    request = run(dispatcher, LIN, "forgetme")
    code = re.search(r"forgetme (\S+)", button(request, "Yes, forget me")).group(1)  # type: ignore[union-attr]
    assert not run(dispatcher, LIN, f"forgetme {code}").error
    dump = json.dumps(export_network(uow), ensure_ascii=False)
    for trace in ("林阿姨", LIN.identity, "door code", "on my way", "room 301"):
        assert trace not in dump
    assert json.loads(dump)["neighbors"] == []
    assert "closed" in run(dispatcher, WANG, "myasks").text


def test_bad_input_is_refused_and_changes_nothing(dispatcher: Dispatcher, uow: UnitOfWork) -> None:
    before = export_network(uow)
    for line in ("ask", "ask groceries", "ask need rice", "take 99", "say 1", "done x"):
        reply = run(dispatcher, LIN, line)
        assert reply.error, line
    assert export_network(uow)["asks"] == before["asks"] == []
    assert export_network(uow)["neighbors"] == []


@pytest.mark.usefixtures("gubei")
def test_at_most_five_open_asks(dispatcher: Dispatcher) -> None:
    for n in range(5):
        post(dispatcher, LIN, f"ask other @古北 thing {n}")
    refused = run(dispatcher, LIN, "ask other @古北 one more")
    assert refused.error and "5 open asks" in refused.text


@pytest.mark.usefixtures("gubei")
def test_a_blocked_account_cannot_ask(dispatcher: Dispatcher) -> None:
    number = post(dispatcher, LIN, "ask other @古北 spam")
    assert run(dispatcher, WANG, f"close {number} block").error  # not a steward
    assert not run(dispatcher, Actor(ADMIN, "admin"), f"close {number} block").error
    refused = run(dispatcher, LIN, "ask other @古北 more spam")
    assert refused.error and "may not post asks" in refused.text


def test_chinese_names_are_listed_in_help(dispatcher: Dispatcher) -> None:
    assert "求助" in run(dispatcher, LIN, "help ask").text
    shown = run(dispatcher, LIN, "help").text
    assert "(接单)" in shown and "(退单)" in shown


def test_the_chinese_words_of_claim_and_release_buttons_stay_theirs(
    dispatcher: Dispatcher,
) -> None:
    """认领 and 放弃 label the claim and release buttons; typed, they must not take an ask."""
    volunteer = Actor("console:mei", "Mei")
    run(dispatcher, volunteer, "join")
    assert "research/interviewer" in run(dispatcher, volunteer, "认领 research/interviewer").text
    assert "research/interviewer" in run(dispatcher, volunteer, "放弃 research/interviewer").text


@pytest.mark.usefixtures("gubei")
def test_a_lead_allows_a_second_helper_with_helpers(dispatcher: Dispatcher) -> None:
    admin = Actor(ADMIN, "admin")
    zhao = Actor("console:zhao", "Zhao")
    assert not run(dispatcher, zhao, "join 古北").error
    number = post(dispatcher, LIN, "ask errand @古北 move a wardrobe")
    assert not run(dispatcher, WANG, f"take {number}").error
    assert run(dispatcher, zhao, f"take {number}").error  # one helper by default
    refused = run(dispatcher, WANG, f"helpers {number} 2")
    assert refused.error and "Only leads" in refused.text
    bad = run(dispatcher, admin, f"帮手 {number} 99")
    assert bad.error and "from 1 to 10" in bad.text
    allowed = run(dispatcher, admin, f"帮手 {number} 2")
    assert not allowed.error and f"up to 2 helpers; volunteers join with take {number}" in (
        allowed.text
    )
    assert not run(dispatcher, zhao, f"take {number}").error
