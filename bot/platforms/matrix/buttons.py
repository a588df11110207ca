"""Buttons as numbered reaction keys: which key on which of our messages runs which command.

Matrix has no buttons, so the bot reacts to its own message with 1️⃣ 2️⃣ … and remembers, per
message, the command behind each key and the view that re-renders the message. A reaction on a
message we do not remember (someone else's, or one from before a restart) runs nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bot.reply import Reply

KEYS = (
    "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟",
    "🇦", "🇧", "🇨", "🇩", "🇪", "🇫", "🇬", "🇭", "🇮", "🇯",
)  # fmt: skip
REMEMBERED = 5_000


@dataclass(frozen=True)
class Press:
    """A key's meaning: run ``command`` as the reacting user, then re-render ``refresh``."""

    command: str
    refresh: str = ""


@dataclass
class Board:
    """One message's keys: the press behind each, and our own reaction event per key."""

    presses: dict[str, Press]
    reactions: dict[str, str]


def keyed(reply: Reply) -> list[tuple[str, str, Press]]:
    """(key, label, press) for each button of the reply, in reading order, as many as keys."""
    buttons = [button for row in reply.buttons for button in row]
    return [
        (key, button.label, Press(button.command, reply.refresh))
        for key, button in zip(KEYS, buttons, strict=False)
    ]


class Boards:
    """The boards of our recent messages, oldest forgotten first (bounded memory)."""

    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._remembered = remembered
        self._boards: OrderedDict[tuple[str, str], Board] = OrderedDict()

    def remember(self, room: str, event_id: str, board: Board) -> None:
        self._boards[(room, event_id)] = board
        self._boards.move_to_end((room, event_id))
        while len(self._boards) > self._remembered:
            self._boards.popitem(last=False)

    def get(self, room: str, event_id: str) -> Board | None:
        return self._boards.get((room, event_id))

    def press(self, room: str, event_id: str, key: str) -> Press | None:
        board = self._boards.get((room, event_id))
        return board.presses.get(key) if board is not None else None
