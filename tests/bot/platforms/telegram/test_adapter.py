"""The Telegram adapter in this process against FakeTelegramAPI: rendering, presses, errors.

The end-to-end tests run the real `canbot run`; these look closer at single behaviours: how
a Reply becomes messages and files, what a forged press gets, that broadcasts are marked for
pacing, that refusals from Telegram are logged and never raised, and that no log line, even
at DEBUG, shows the token.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden

from bot.app.bootstrap import Runtime, build_runtime
from bot.config import Config, ConfigError, StorageConfig, TelegramConfig
from bot.platforms.telegram.adapter import TelegramPlatform, chat_id_of, file_url_for, split_text
from bot.platforms.telegram.limiter import BROADCAST, PacingRateLimiter
from bot.reply import Attachment, Button, Reply
from circles.actor import Actor
from circles.network import Network
from tests.bot.platforms.telegram.harness import ADA, ALICE, BOB, GROUP, TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI


class RecordingLimiter(PacingRateLimiter):
    """The real limiter, noting which requests were marked as broadcasts."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[str, Any, str | None]] = []

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> Any:
        self.marks.append((endpoint, data.get("chat_id"), rate_limit_args))
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


@dataclass
class Bot:
    fake: FakeTelegramAPI
    platform: TelegramPlatform
    limiter: RecordingLimiter
    runtime: Runtime


def config_for(base_url: str, token: str = TOKEN) -> Config:
    network = Network(name="CAN", language="en", admins=frozenset({f"telegram:{ADA['id']}"}))
    return Config(
        network=network,
        storage=StorageConfig("memory://"),
        telegram=TelegramConfig(token=token, base_url=base_url),
    )


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    runtime = build_runtime(config_for(fake.base_url))
    limiter = RecordingLimiter()
    platform = TelegramPlatform(runtime.config.telegram, runtime.dispatcher, limiter)
    await platform.start()
    try:
        yield Bot(fake, platform, limiter, runtime)
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


def test_chat_ids_and_file_urls() -> None:
    assert chat_id_of("telegram:-1001") == -1001
    assert chat_id_of("telegram:42") == 42
    assert chat_id_of("slack:C1") is None
    assert chat_id_of("telegram:abc") is None
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("http://h/api") == "http://h/api/file/bot"


def test_long_text_is_cut_at_lines_within_the_limit() -> None:
    text = "\n".join(f"line {i} " + "x" * 50 for i in range(200))
    parts = split_text(text, 1000)
    assert all(len(p) <= 1000 for p in parts)
    assert "\n".join(parts) == text
    assert split_text("y" * 2500, 1000) == ["y" * 1000, "y" * 1000, "y" * 500]
    assert split_text("") == ["…"]


async def test_a_broadcast_is_marked_for_pacing_and_carries_its_files(bot: Bot) -> None:
    pdf = Attachment("kit.pdf", "application/pdf", b"%PDF-1.7 kit")
    png = Attachment("map.png", "image/png", b"\x89PNG map")
    reply = Reply("Tea house at 20:00", buttons=((Button("Yes", "rsvp m1 yes"),),))
    await bot.platform.send("telegram:-1001", Reply(reply.text, reply.buttons, (pdf, png)))
    marks = [(e, c, a) for e, c, a in bot.limiter.marks if c == -1001]
    assert marks == [
        ("sendMessage", -1001, BROADCAST),
        ("sendDocument", -1001, BROADCAST),
        ("sendPhoto", -1001, BROADCAST),
    ]
    document = bot.fake.sent("sendDocument", -1001)[0]
    assert document.files["document"] == ("kit.pdf", b"%PDF-1.7 kit")
    photo = bot.fake.sent("sendPhoto", -1001)[0]
    assert photo.files["photo"][1] == b"\x89PNG map"
    keyboard = bot.fake.sent("sendMessage", -1001)[0].params["reply_markup"]
    assert keyboard["inline_keyboard"][0][0]["text"] == "Yes"


async def test_a_direct_answer_is_not_marked_as_a_broadcast(bot: Bot) -> None:
    bot.fake.push_message("/help", user=ALICE)
    await bot.fake.wait_for_text(42, "Commands")
    assert ("sendMessage", 42, None) in bot.limiter.marks


async def test_a_long_reply_goes_in_parts_with_the_keyboard_on_the_last(bot: Bot) -> None:
    text = "\n".join(f"{i} " + "z" * 90 for i in range(100))
    await bot.platform.send("telegram:42", Reply(text, buttons=((Button("Ok", "help"),),)))
    parts = bot.fake.sent("sendMessage", 42)
    assert len(parts) == 3
    assert all(len(p.params["text"]) <= 4096 for p in parts)
    assert [("reply_markup" in p.params) for p in parts] == [False, False, True]


async def test_a_refused_broadcast_is_logged_and_raised_for_the_caller_to_record(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ValueError, match="not a Telegram chat"):
        await bot.platform.send("slack:C123", Reply("hello"))
    bot.fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    files = (Attachment("a.pdf", "application/pdf", b"%PDF"),)
    with pytest.raises(BadRequest):
        await bot.platform.send("telegram:-999", Reply("hello", attachments=files))
    bot.fake.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )
    with pytest.raises(Forbidden):
        await bot.platform.send("telegram:77", Reply("hello"))
    assert "chat not found" in caplog.text.lower()
    assert "blocked by the user" in caplog.text
    assert bot.fake.sent("sendDocument") == []  # after the refusal, the files were not tried
    await bot.platform.send("telegram:77", Reply("still here"))
    assert bot.fake.texts(77) == ["still here"]


async def test_a_refused_direct_answer_never_stops_the_bot(bot: Bot) -> None:
    bot.fake.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )
    bot.fake.push_message("/help", user=ALICE)
    await bot.fake.wait_for(lambda: [c for c in bot.fake.calls if c.status == 403], what="403")
    bot.fake.push_message("/help", user=BOB)
    await bot.fake.wait_for_text(BOB["id"], "Commands")
    bot.fake.push_message("/circles", user=ALICE)
    await bot.fake.wait_for_text(ALICE["id"], "research")


async def test_a_forged_or_stale_press_gets_an_answer_and_runs_nothing(bot: Bot) -> None:
    bot.fake.push_message("/start", user=ALICE)
    await bot.fake.wait_for_text(42, "Welcome")
    message = bot.fake.last_message(42)
    bot.fake.press_data(message, "1AAAAAAAAjoin|", user=ALICE)
    bot.fake.press_data(message, "", user=ALICE)
    await bot.fake.wait_for(lambda: len(bot.fake.sent("answerCallbackQuery")) == 2)
    answers = bot.fake.sent("answerCallbackQuery")
    assert all("not one of mine" in a.params["text"] for a in answers)
    assert all(a.params["show_alert"] == "true" for a in answers)
    with bot.runtime.uow.begin() as s:
        assert s.volunteers.count() == 0


async def test_a_press_in_a_group_edits_the_shared_message_for_everyone(bot: Bot) -> None:
    for person in (ALICE, BOB):
        bot.fake.push_message("/join", user=person)
        await bot.fake.wait_for_text(person["id"], "You are now a volunteer")
    bot.fake.push_message("/circle@canbot_test_bot connect", user=ALICE, chat=GROUP)
    await bot.fake.wait_for_text(GROUP["id"], "Resource scout")
    view = bot.fake.last_message(GROUP["id"])
    stale = _data_of(view, "Claim Partner liaison")
    bot.fake.press(view, "Claim Partner liaison", user=BOB)
    await bot.fake.wait_for(lambda: bot.fake.sent("editMessageText"), what="an edit")
    assert "Partner liaison (1/1): Bob Wu" in view["text"]
    # Alice presses the same button on her screen, which she had not seen change.
    bot.fake.press_data(view, stale, user=ALICE)
    await bot.fake.wait_for(lambda: len(bot.fake.sent("answerCallbackQuery")) == 2)
    refused = bot.fake.sent("answerCallbackQuery")[-1].params
    assert refused["show_alert"] == "true"
    assert "full" in refused["text"]
    assert len(bot.fake.sent("sendMessage", GROUP["id"])) == 2  # the view and Bob's claim


def _data_of(message: dict[str, Any], label: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise KeyError(label)


async def test_group_commands_for_others_are_left_alone(bot: Bot) -> None:
    bot.fake.push_message("/dance", user=ALICE, chat=GROUP)
    bot.fake.push_message("/help@other_bot", user=ALICE, chat=GROUP)
    bot.fake.push_message("just chatting", user=ALICE, chat=GROUP)
    bot.fake.push_message("/dance@canbot_test_bot", user=ALICE, chat=GROUP)
    await bot.fake.wait_for_text(GROUP["id"], "Unknown command 'dance'")
    assert len(bot.fake.sent("sendMessage", GROUP["id"])) == 1


async def test_an_edited_message_does_not_run_its_command_again(bot: Bot) -> None:
    edited = bot.fake.incoming_message("/join", user=ALICE)
    bot.fake.push({"edited_message": {**edited, "edit_date": edited["date"]}})
    bot.fake.push_message("/help", user=ALICE)
    await bot.fake.wait_for_text(42, "Commands")
    assert len(bot.fake.texts(42)) == 1


async def test_the_menu_is_set_in_both_languages(bot: Bot) -> None:
    menus = {
        c.params.get("language_code"): {
            x["command"]: x["description"] for x in c.params["commands"]
        }
        for c in bot.fake.sent("setMyCommands")
    }
    assert set(menus) == {None, "zh", "en"}
    assert set(menus["en"]) == set(bot.runtime.dispatcher.registry.names())
    assert menus["zh"]["link"].startswith("在群聊中使用")
    assert menus[None] == menus["en"]  # the network's language is en in this test


async def test_a_rejected_token_fails_start_with_one_clear_line() -> None:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    runtime = build_runtime(config_for(fake.base_url, token="999:WrongTokenForTheFakeServer"))
    platform = TelegramPlatform(runtime.config.telegram, runtime.dispatcher)
    try:
        with pytest.raises(ConfigError, match="rejected") as caught:
            await platform.start()
        assert "WrongToken" not in str(caught.value)
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


async def test_no_log_line_shows_the_token_even_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    runtime = build_runtime(config_for(fake.base_url))
    platform = TelegramPlatform(runtime.config.telegram, runtime.dispatcher)
    await platform.start()
    try:
        fake.fail_next("sendMessage", retry_after=1)
        fake.push_message("/help", user=ALICE)
        await fake.wait_for_text(42, "Commands")
        logging.getLogger("test").error("a library quoting %s/getMe", fake.base_url + TOKEN)
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()
    assert "flood control" in caplog.text
    assert "[secret]" in caplog.text
    secret_half = TOKEN.split(":", 1)[1]
    assert [r for r in caplog.records if secret_half in r.getMessage()] == []
    assert secret_half not in caplog.text


async def test_commands_in_one_chat_are_answered_in_order(bot: Bot) -> None:
    bot.fake.push_message("/join Xinhua Rd", user=ALICE)
    bot.fake.push_message("/profile", user=ALICE)
    bot.fake.push_message("/profile skills interviews", user=ALICE)
    await bot.fake.wait_for(lambda: len(bot.fake.texts(42)) == 3, what="three answers")
    joined, profile, saved = bot.fake.texts(42)
    assert "You are now a volunteer" in joined
    assert "Neighborhood: Xinhua Rd" in profile
    assert "Skills: (not set)" in profile
    assert saved.startswith("Saved.")


async def test_a_webhook_port_in_use_fails_start_with_one_clear_line() -> None:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        telegram = TelegramConfig(
            token=TOKEN,
            base_url=fake.base_url,
            mode="webhook",
            webhook_url="https://bot.example.org/hook",
            secret_token="s3cret-s3cret-s3cret",
            port=port,
        )
        runtime = build_runtime(replace(config_for(fake.base_url), telegram=telegram))
        platform = TelegramPlatform(telegram, runtime.dispatcher)
        try:
            with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
                await platform.start()
        finally:
            runtime.close()
            await fake.stop()
    await platform.stop()  # already stopped by the failed start: nothing left to do


def link(bot: Bot, chat: int, circle: str = "research") -> None:
    admin = Actor(f"telegram:{ADA['id']}", "Ada", chat=f"telegram:{chat}", in_group=True)
    bot.runtime.dispatcher.handle(admin, "join")
    assert not bot.runtime.dispatcher.handle(admin, f"link {circle}").error


def chats_of(bot: Bot, circle: str = "research") -> list[str]:
    with bot.runtime.uow.begin() as s:
        return s.circles.require(circle).chats


async def test_a_group_that_became_a_supergroup_is_followed_to_its_new_id(bot: Bot) -> None:
    link(bot, -5)
    bot.fake.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1005,
    )
    await bot.platform.send("telegram:-5", Reply("Tea house in one hour"))
    assert bot.fake.texts(-1005) == ["Tea house in one hour"]
    assert chats_of(bot) == ["telegram:-1005"]


async def test_the_migration_notice_in_a_group_moves_its_links(bot: Bot) -> None:
    link(bot, -6)
    old_group = {"id": -6, "type": "group", "title": "Research"}
    notice = bot.fake.incoming_message("", user=ADA, chat=old_group)
    del notice["text"]
    bot.fake.push({"message": {**notice, "migrate_to_chat_id": -1006}})
    await bot.fake.wait_for(lambda: chats_of(bot) == ["telegram:-1006"], what="the move")


async def test_a_slot_press_on_a_relay_board_edits_the_board(bot: Bot) -> None:
    for person in (ADA, BOB):
        bot.fake.push_message("/join", user=person)
        await bot.fake.wait_for_text(person["id"], "You are now a volunteer")
    start = (date.today() + timedelta(days=100)).isoformat()  # within the two-year reach
    bot.fake.push_message(f"/relay new {start}T20:00 3x60 Poetry relay", user=ADA, chat=GROUP)
    created = await bot.fake.wait_for_text(GROUP["id"], "Relay created")
    relay_id = created.params["text"].split("Relay created: ", 1)[1].split(".", 1)[0]
    bot.fake.push_message(f"/relay {relay_id}", user=BOB, chat=GROUP)
    await bot.fake.wait_for_text(GROUP["id"], "3 slots open")
    board = bot.fake.last_message(GROUP["id"])
    bot.fake.press(board, "Claim slot 2", user=BOB)
    await bot.fake.wait_for(lambda: bot.fake.sent("editMessageText"), what="the board edited")
    assert "2 slots open" in board["text"]
    assert "Bob Wu" in board["text"]
    labels = [b["text"] for row in board["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["Claim slot 1", "Claim slot 3"]
