"""End to end: the real `canbot run` process talking to FakeTelegramAPI over loopback.

Each test starts `python -m bot run --config cfg.yaml` with ``telegram.base_url`` pointing at
the fake, pushes updates as Telegram would, and checks the Bot API calls the bot made and the
network `canbot export` reads from the running bot.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp

from tests.bot.platforms.telegram.harness import (
    ADA,
    ALICE,
    BOB,
    GROUP,
    SECRET,
    CanbotRun,
    circle,
    export,
    role,
    token_leaks,
    volunteer_id,
    write_config,
)
from tests.fakes.telegram_api import FakeTelegramAPI


async def test_private_chat_onboarding_claim_and_group_link(
    fake: FakeTelegramAPI, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake.base_url)
    async with CanbotRun(config) as run:
        # The command menu, in both languages and the network's default.
        await fake.wait_for(lambda: len(fake.sent("setMyCommands")) == 3, what="menus")
        menus = {
            c.params.get("language_code"): c.params["commands"]
            for c in fake.calls
            if c.method == "setMyCommands"
        }
        assert set(menus) == {None, "zh", "en"}
        assert {"start", "claim", "link", "circle"} <= {c["command"] for c in menus["en"]}

        # /start in a private chat onboards with a join button; pressing it joins.
        fake.push_message("/start", user=ALICE)
        await fake.wait_for_text(42, "Welcome to CAN test")
        welcome = fake.last_message(42)
        fake.press(welcome, "Join", user=ALICE)
        await fake.wait_for_text(42, "You are now a volunteer")
        assert fake.sent("answerCallbackQuery")

        # /join typed by another person.
        fake.push_message("/join Xinhua Rd", user=BOB)
        await fake.wait_for_text(43, "You are now a volunteer")

        # /circle research shows claim buttons; pressing one edits that message in place.
        fake.push_message("/circle research", user=ALICE)
        await fake.wait_for_text(42, "Interviewer (0/1): open")
        view = fake.last_message(42)
        fake.press(view, "Claim Interviewer", user=ALICE)
        edit = await fake.wait_for(
            lambda: fake.sent("editMessageText"), what="the circle message edited"
        )
        assert edit[0].params["message_id"] == view["message_id"]
        assert "Interviewer (1/1): Alice" in edit[0].params["text"]
        buttons = [b["text"] for row in view["reply_markup"]["inline_keyboard"] for b in row]
        assert "Claim Interviewer" not in buttons  # the edited keyboard lost the taken role
        await fake.wait_for_text(42, "You now hold research/interviewer")
        answers = [c.params.get("text", "") for c in fake.sent("answerCallbackQuery")]
        assert any("You now hold research/interviewer" in a for a in answers)

        # A second person's claim of the same role is refused, and nothing changes.
        fake.push_message("/claim research/interviewer", user=BOB)
        await fake.wait_for_text(43, "is full")

        # A group chat: an admin links it; another bot's command and a non-lead are ignored
        # or refused; the same command in a private chat is refused.
        fake.push_message("/join", user=ADA)
        await fake.wait_for_text(ADA["id"], "You are now a volunteer")
        fake.push_message("/link@some_other_bot research", user=ADA, chat=GROUP)
        fake.push_message("/link@canbot_test_bot research", user=BOB, chat=GROUP)
        await fake.wait_for_text(GROUP["id"], "Only a lead of research")
        fake.push_message("/link@canbot_test_bot research", user=ADA, chat=GROUP)
        linked = await fake.wait_for_text(GROUP["id"], "now linked")
        assert "reply_parameters" in linked.params  # answers in a group quote the command
        fake.push_message("/link research", user=ADA)
        await fake.wait_for_text(ADA["id"], "Only a group chat can be linked")
        assert len(fake.sent("sendMessage", GROUP["id"])) == 2  # the other bot's got nothing

        data = await export(config)
        alice, bob = volunteer_id(data, "telegram:42"), volunteer_id(data, "telegram:43")
        assert role(data, "research/interviewer")["holders"] == [alice]
        assert bob not in circle(data, "research")["members"]
        assert circle(data, "research")["chats"] == [f"telegram:{GROUP['id']}"]
        names = {v["name"] for v in data["volunteers"]}
        assert names == {"Alice", "Bob Wu", "Ada"}
        assert [v["neighborhood"] for v in data["volunteers"] if v["id"] == bob] == ["Xinhua Rd"]

    assert run.lines, "the run said nothing"
    assert token_leaks(run.output) == []


async def test_a_429_on_a_reply_is_waited_out_and_delivered(
    fake: FakeTelegramAPI, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake.base_url)
    async with CanbotRun(config) as run:
        fake.fail_next("sendMessage", retry_after=1)
        fake.push_message("/help", user=ALICE)
        await fake.wait_for_text(42, "Commands")
        sent = [c for c in fake.calls if c.method == "sendMessage"]
        # The help list may come in two messages; the refused first one is sent again once.
        attempts = [c for c in sent if c.params["text"] == sent[0].params["text"]]
        assert [c.status for c in attempts] == [429, 200]
        await run.wait_for_line("flood control on sendMessage")
    assert token_leaks(run.output) == []


async def test_a_blocked_user_is_logged_and_the_bot_goes_on(
    fake: FakeTelegramAPI, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake.base_url)
    async with CanbotRun(config) as run:
        fake.fail_next(
            "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
        )
        fake.push_message("/help", user=ALICE)
        await run.wait_for_line("Forbidden: bot was blocked by the user")
        fake.push_message("/circles", user=BOB)
        await fake.wait_for_text(43, "research")
    assert token_leaks(run.output) == []


async def test_webhook_checks_the_secret_token(fake: FakeTelegramAPI, tmp_path: Path) -> None:
    config = write_config(tmp_path, fake.base_url, webhook=True)
    async with CanbotRun(config) as run:
        match = await run.wait_for_line(r"Telegram webhook listening on (http://\S+)")
        hook = match.group(1)
        assert hook.endswith("/telegram/hook")
        assert fake.webhook["url"] == "https://bot.example.org/telegram/hook"
        assert fake.webhook["secret_token"] == SECRET
        assert not [c for c in fake.calls if c.method == "getUpdates"]

        def update(text: str, number: int) -> dict[str, object]:
            return {"update_id": number, "message": fake.incoming_message(text, user=ALICE)}

        header = "X-Telegram-Bot-Api-Secret-Token"
        async with aiohttp.ClientSession() as http:
            wrong = await http.post(hook, json=update("/help", 1), headers={header: "guess"})
            missing = await http.post(hook, json=update("/circles", 2))
            right = await http.post(hook, json=update("/start", 3), headers={header: SECRET})
            assert (wrong.status, missing.status, right.status) == (403, 403, 200)
        await fake.wait_for_text(42, "Welcome to CAN test")
        texts = fake.texts(42)
        assert len(texts) == 1  # the two refused updates were not handled
    assert token_leaks(run.output) == []
    assert SECRET not in run.output
