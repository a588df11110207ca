"""Room messages as command lines and senders as Actors: the adapter's typed boundary.

In a direct room every text is a command; in a group room only a line that starts with the
prefix (``!can help``) or that mentions the bot (``canbot: help``, or a pill Element puts in
``m.mentions``) is. Anything else, including the bot's own messages, becomes None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from circles.actor import Actor

PREFIX = "matrix:"
MAX_NAME = 64
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# What follows a name when a client mentions someone at the start of a line: "bot: help".
MENTION_TAIL = re.compile(r"^\s*[:,，：]?\s*")


def identity_of(user_id: str) -> str:
    return f"{PREFIX}{user_id}"


def room_of(chat: str) -> str | None:
    """``matrix:!abc:server`` -> ``!abc:server``; None for another platform's chat."""
    if not chat.startswith(PREFIX):
        return None
    room = chat[len(PREFIX) :]
    # Room ids of room version 12 carry no server part (``!abc``), older ones do (``!abc:s``).
    return room if room.startswith("!") and len(room) > 1 else None


def server_of(user_id: str) -> str:
    return user_id.partition(":")[2]


def display_name(raw: str | None, user_id: str) -> str:
    """The room member's display name made safe to store, else the user id's localpart."""
    text = "".join(ch for ch in (raw or "") if unicodedata.category(ch) not in HIDDEN)
    text = " ".join(text.split())[:MAX_NAME].strip()
    return text or user_id.removeprefix("@").partition(":")[0][:MAX_NAME]


def strip_reply_fallback(body: str, content: Mapping[str, Any]) -> str:
    """A rich reply's body starts with quoted lines ("> <@a:b> text"); the command follows."""
    relates = content.get("m.relates_to")
    if not isinstance(relates, Mapping) or "m.in_reply_to" not in relates:
        return body
    lines = body.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip()


def mentions_bot(content: Mapping[str, Any], bot_id: str) -> bool:
    mentions = content.get("m.mentions")
    if not isinstance(mentions, Mapping):
        return False
    users = mentions.get("user_ids")
    return isinstance(users, list) and bot_id in users


def command_line(
    body: str,
    content: Mapping[str, Any],
    *,
    direct: bool,
    prefix: str,
    bot_id: str,
    bot_names: tuple[str, ...] = (),
) -> str | None:
    """The line for the dispatcher, or None when the message is not addressed to us."""
    text = strip_reply_fallback(body or "", content).strip()
    if not text:
        return None
    head, _, rest = text.partition(" ")
    if head.lower() == prefix.lower():
        return rest.strip() or "help"
    for name in (bot_id, *bot_names):
        if name and text.lower().startswith(name.lower()):
            after = text[len(name) :]
            # "canbot: roles" addresses us; "canbot is great" is talk about us.
            ends = " :,，：" if name == bot_id else ":,，："
            if not after or after[0] in ends:
                return MENTION_TAIL.sub("", after, count=1).strip() or "help"
    if mentions_bot(content, bot_id):
        return text  # a pill that is not at the start: the whole line is the command
    return text if direct else None


def actor_of(user_id: str, name: str | None, room_id: str, *, direct: bool) -> Actor:
    return Actor(
        identity=identity_of(user_id),
        name=display_name(name, user_id),
        chat=f"{PREFIX}{room_id}",
        in_group=not direct,
    )
