"""Telegram updates to actors and command lines: groups, /cmd@bot, and random payloads."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update, User

from bot.platforms.telegram.update import (
    MAX_NAME,
    command_line,
    display_name,
    incoming_click,
    incoming_message,
)

BOT = "canbot_test_bot"
KNOWN = {"start", "help", "claim", "link", "circle"}


@pytest.mark.parametrize(
    ("text", "private", "line"),
    [
        ("/claim research/interviewer", True, "claim research/interviewer"),
        ("claim research/interviewer", True, "claim research/interviewer"),
        ("/claim@canbot_test_bot research/interviewer", False, "claim research/interviewer"),
        ("/claim@CanBot_Test_Bot  research/x", False, "claim research/x"),
        ("/CLAIM research/x", False, "claim research/x"),
        ("/claim@other_bot research/interviewer", False, None),
        ("/claim@other_bot research/interviewer", True, None),
        ("/dance", False, None),  # someone else's bare command in a group
        ("/dance@canbot_test_bot", False, "dance"),  # ours, unknown: it gets an answer
        ("/dance", True, "dance"),
        ("claim research/interviewer", False, None),  # group chatter is not for us
        ("/start join-from-link", True, "start"),  # a deep-link payload
        ("/link\nresearch", False, "link research"),
        ("/", True, None),
        ("/@canbot_test_bot help", False, None),
        ("   ", True, None),
        ("", True, None),
        (None, True, None),
    ],
)
def test_command_line(text: str | None, private: bool, line: str | None) -> None:
    assert command_line(text, BOT, KNOWN, private=private) == line


def user(**fields: Any) -> dict[str, Any]:
    return {"id": 42, "is_bot": False, "first_name": "Alice", **fields}


def message_update(text: str, chat: dict[str, Any], sender: dict[str, Any]) -> Update:
    payload = {
        "update_id": 1,
        "message": {"message_id": 5, "date": 0, "chat": chat, "from": sender, "text": text},
    }
    update = Update.de_json(payload, None)
    assert update is not None
    return update


def test_a_group_command_becomes_an_actor_in_that_group() -> None:
    sender = user(last_name="Liu", language_code="zh-hans")
    chat = {"id": -1001, "type": "supergroup", "title": "Research"}
    incoming = incoming_message(message_update("/link research", chat, sender), BOT, KNOWN)
    assert incoming is not None
    assert incoming.line == "link research"
    assert incoming.chat_id == -1001
    actor = incoming.actor
    assert actor.identity == "telegram:42"
    assert actor.name == "Alice Liu"
    assert actor.language_hint == "zh-hans"
    assert actor.chat == "telegram:-1001"
    assert actor.in_group


def test_a_private_message_is_not_in_a_group() -> None:
    chat = {"id": 42, "type": "private", "first_name": "Alice"}
    incoming = incoming_message(message_update("help", chat, user()), BOT, KNOWN)
    assert incoming is not None
    assert not incoming.actor.in_group
    assert incoming.actor.chat == "telegram:42"


def test_channel_posts_and_bots_are_ignored() -> None:
    channel = {"id": -100, "type": "channel", "title": "News"}
    assert incoming_message(message_update("/help", channel, user()), BOT, KNOWN) is None
    private = {"id": 42, "type": "private"}
    robot = user(is_bot=True)
    assert incoming_message(message_update("/help", private, robot), BOT, KNOWN) is None


def test_names_keep_emoji_sequences_lose_invisible_characters_and_stay_short() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # joined by zero-width joiners
    person = User(42, f"Mei {family}\u202e", False, last_name="x" * 100)
    name = display_name(person)
    assert "\u202e" not in name
    assert name.startswith(f"Mei {family}")
    assert len(name) <= MAX_NAME


def test_a_name_of_only_invisible_characters_falls_back_to_the_username() -> None:
    assert display_name(User(42, "\u200b\u200d", False, username="mei_sh")) == "mei_sh"
    assert display_name(User(42, "\u200b", False)) == ""


# -- random payloads ------------------------------------------------------------------------

ids = st.integers(min_value=-(2**52), max_value=2**52)
texts = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.sampled_from(
        ["/", "/@", "/@@", "/start", "/claim@", "/claim@canbot_test_bot", "@", " /help"]
    ),
)
users = st.fixed_dictionaries(
    {"id": ids, "is_bot": st.booleans(), "first_name": st.text(max_size=80)},
    optional={
        "last_name": st.text(max_size=80),
        "username": st.text(max_size=40),
        "language_code": st.text(max_size=12),
    },
)
chats = st.fixed_dictionaries(
    {
        "id": ids,
        "type": st.sampled_from(["private", "group", "supergroup", "channel", "sender", "x"]),
    },
    optional={"title": st.text(max_size=40)},
)
messages = st.fixed_dictionaries(
    {"message_id": ids, "date": st.integers(0, 2**31), "chat": chats},
    optional={"from": users, "text": texts},
)
callbacks = st.fixed_dictionaries(
    {"id": st.text(max_size=20), "from": users, "chat_instance": st.text(max_size=10)},
    optional={"message": messages, "data": st.text(max_size=80)},
)
updates = st.fixed_dictionaries(
    {"update_id": ids},
    optional={"message": messages, "callback_query": callbacks},
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(payload=updates, username=st.text(max_size=40))
def test_random_updates_never_raise(payload: dict[str, Any], username: str) -> None:
    update = Update.de_json(payload, None)
    assert update is not None
    incoming = incoming_message(update, username, KNOWN)
    if incoming is not None:
        assert incoming.line.strip()
        assert incoming.actor.identity.startswith("telegram:")
        assert len(incoming.actor.name) <= MAX_NAME
    click = incoming_click(update)
    if click is not None:
        assert click.actor.identity.startswith("telegram:")


OUR_BOT: dict[str, Any] = {"id": 7, "is_bot": True, "first_name": "CAN", "username": BOT}


def reply_update(
    text: str, replied_text: str, *, author: dict[str, Any] = OUR_BOT, private: bool = True
) -> Update:
    sender = user()
    chat = (
        {"id": sender["id"], "type": "private"}
        if private
        else {"id": -1001, "type": "supergroup", "title": "Research"}
    )
    replied = {"message_id": 4, "date": 0, "chat": chat, "from": author, "text": replied_text}
    payload = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 0,
            "chat": chat,
            "from": sender,
            "text": text,
            "reply_to_message": replied,
        },
    }
    update = Update.de_json(payload, None)
    assert update is not None
    return update


@pytest.mark.parametrize(
    ("replied_text", "line"),
    [
        ("💬 Your helper for ask #12 says: see you at #3", "say 12 好的，谢谢"),
        ("💬 求助 #7 的邻居说：放门口", "say 7 好的，谢谢"),
        ("🤝 有志愿者接下了你的求助 ＃31。通过我传话", "say 31 好的，谢谢"),
        ("Welcome! Send help for the commands.", "好的，谢谢"),  # no ask: the text as is
    ],
)
def test_a_private_reply_to_our_message_about_an_ask_says_to_it(
    replied_text: str, line: str
) -> None:
    incoming = incoming_message(reply_update("好的，谢谢", replied_text), BOT, KNOWN)
    assert incoming is not None and incoming.line == line


def test_a_reply_is_a_say_only_to_our_bot_in_private_and_not_for_commands() -> None:
    other = {**OUR_BOT, "username": "other_bot"}
    person = user(first_name="Liu")
    relayed = "💬 Your helper for ask #12 says: hi"
    cases = [
        (reply_update("thanks", relayed, author=other), "thanks"),  # another bot's numbers
        (reply_update("thanks", relayed, author=person), "thanks"),  # a person's message
        (reply_update("/myasks", relayed), "myasks"),  # a command stays a command
        (reply_update("/help", relayed, private=False), "help"),  # groups: no relay
    ]
    for update, line in cases:
        incoming = incoming_message(update, BOT, KNOWN)
        assert incoming is not None and incoming.line == line
    assert incoming_message(reply_update("thanks", relayed, private=False), BOT, KNOWN) is None
