"""Telegram updates as typed requests: who (an Actor), where (the chat), and the command line.

This is the adapter's boundary: raw updates come in, and only an Incoming message or a Click
goes on. Anything unexpected (no sender, a channel post, a command for another bot, a group
message that is not a command) becomes None, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from telegram import Chat, Message, Update, User

from circles.actor import Actor
from circles.text import MARKS_ONLY, visible

GROUP_TYPES = frozenset({Chat.GROUP, Chat.SUPERGROUP})
MAX_NAME = 64
ASK_REFERENCE = re.compile(r"[#＃](\d{1,9})")  # ask ids are short numbers


@dataclass(frozen=True)
class Incoming:
    """A command someone sent: run ``line`` as ``actor`` and answer in ``chat_id``."""

    actor: Actor
    line: str
    chat_id: int
    message_id: int


@dataclass(frozen=True)
class Click:
    """A press on an inline button of one of our messages."""

    actor: Actor
    query_id: str
    data: str
    chat_id: int | None  # None: the message is out of reach (an inline-mode message)
    message_id: int | None


def display_name(user: User) -> str:
    """First and last name as the person set them, made safe to store; may be empty."""
    raw = " ".join(part for part in (user.first_name, user.last_name) if part)
    # The same rule as every platform's: emoji sequences stay, invisible characters go.
    text = " ".join(visible(raw).split())[:MAX_NAME].strip()
    if all(ch in MARKS_ONLY for ch in text):
        text = ""
    if not text and user.username:
        text = user.username[:MAX_NAME]
    return text


def actor_of(user: User, chat: Chat | None) -> Actor:
    return Actor(
        identity=f"telegram:{user.id}",
        name=display_name(user),
        language_hint=(user.language_code or "")[:8],
        chat=f"telegram:{chat.id}" if chat is not None else "",
        in_group=chat is not None and chat.type in GROUP_TYPES,
    )


def command_line(
    text: str | None, bot_username: str, known: Container[str], *, private: bool
) -> str | None:
    """The line for the dispatcher, or None when the text is not addressed to us.

    In a private chat every text is a command (the leading ``/`` is optional). In a group
    only ``/command`` is: ``/command@otherbot`` is someone else's, and a bare ``/word`` we do
    not know may be too, so both are left alone; ``/word@ourbot`` always gets an answer.
    """
    if not text or not text.strip():
        return None
    words = text.strip().split(None, 1)
    head, rest = words[0], (words[1] if len(words) > 1 else "")
    if not head.startswith("/"):
        return text.strip() if private else None
    name, at, addressee = head[1:].partition("@")
    name = name.lower()
    if not name or (at and addressee.lower() != bot_username.lower()):
        return None  # a lone "/" names no command; "/cmd@otherbot" is not ours
    if not private and not at and name not in known:
        return None
    if name == "start":
        rest = ""  # Telegram deep links append a payload to /start; we only onboard.
    return f"{name} {rest}".strip() if rest else name


def reply_to_ask(message: Message, bot_username: str) -> str | None:
    """``say N <text>`` for a private reply to a message of ours about ask N, else None.

    Every message the bot sends a party about an ask names it first (``#N``, before any
    relayed words), so the number is read from the replied-to text: no state to keep, and it
    works on whichever replica gets the reply. A ``/command`` sent as a reply stays a command.
    """
    replied = message.reply_to_message
    text = (message.text or "").strip()
    if replied is None or not text or text.startswith("/"):
        return None
    author = replied.from_user
    if author is None or not author.is_bot:
        return None
    if (author.username or "").lower() != bot_username.lower():
        return None  # another bot's message: its numbers are not our asks
    found = ASK_REFERENCE.search(replied.text or "")
    return f"say {found.group(1)} {text}" if found else None


def incoming_message(update: Update, bot_username: str, known: Container[str]) -> Incoming | None:
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    chat = message.chat
    if chat.type not in GROUP_TYPES and chat.type != Chat.PRIVATE:
        return None
    private = chat.type == Chat.PRIVATE
    line = reply_to_ask(message, bot_username) if private else None
    if line is None:
        line = command_line(message.text, bot_username, known, private=private)
    if line is None:
        return None
    return Incoming(actor_of(message.from_user, chat), line, chat.id, message.message_id)


def incoming_click(update: Update) -> Click | None:
    query = update.callback_query
    if query is None or query.from_user is None:
        return None
    message = query.message
    chat = message.chat if message is not None else None
    return Click(
        actor=actor_of(query.from_user, chat),
        query_id=query.id,
        data=query.data or "",
        chat_id=chat.id if chat is not None else None,
        message_id=message.message_id if message is not None else None,
    )
