"""Which room messages are commands, and how their senders become Actors."""

from __future__ import annotations

from bot.platforms.matrix.message import actor_of, command_line, display_name, room_of

BOT = "@canbot:example.org"


def line(
    body: str, *, direct: bool = False, content: dict[str, object] | None = None
) -> str | None:
    return command_line(
        body, content or {}, direct=direct, prefix="!can", bot_id=BOT, bot_names=("CAN bot",)
    )


def test_every_line_is_a_command_in_a_direct_room_but_not_in_a_group() -> None:
    assert line("join 新华路", direct=True) == "join 新华路"
    assert line("hello everyone") is None


def test_the_prefix_and_mentions_address_the_bot_in_a_group() -> None:
    assert line("!can claim research/interviewer") == "claim research/interviewer"
    assert line("!CAN") == "help"
    assert line("CAN bot: roles") == "roles"
    assert line("@canbot:example.org，roles") == "roles"
    assert line("CAN botanist says hi") is None  # a longer name is someone else
    assert line("CAN bot is helpful") is None  # talk about the bot is not a command
    assert line("roles please", content={"m.mentions": {"user_ids": [BOT]}}) == "roles please"


def test_a_rich_replys_quoted_fallback_is_not_part_of_the_command() -> None:
    content = {"m.relates_to": {"m.in_reply_to": {"event_id": "$x"}}}
    assert line("> <@a:b> old text\n\n!can myroles", content=content) == "myroles"


def test_actor_identity_name_and_chat() -> None:
    actor = actor_of("@ada:example.org", "Ada\u200d 🌱", "!room:example.org", direct=False)
    assert actor.identity == "matrix:@ada:example.org"
    assert actor.chat == "matrix:!room:example.org" and actor.in_group
    assert actor.name == "Ada 🌱"
    assert display_name(None, "@bo:example.org") == "bo"


def test_only_matrix_rooms_are_matrix_chats() -> None:
    assert room_of("matrix:!abc:example.org") == "!abc:example.org"
    assert room_of("telegram:-100") is None
    assert room_of("matrix:!v12roomid") == "!v12roomid"  # room version 12: no server part
    assert room_of("matrix:@user:example.org") is None
