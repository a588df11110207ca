"""The console platform: commands from stdin, replies as plain text on stdout, one per line.

Files a reply carries (a kit's PDF, the map, `mydata`'s JSON) are saved into a folder and named
in the answer, so a neighbor at a terminal gets the same things a chat user does.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.reply import Attachment, Reply

PROMPT = "> "
ROOM_PREFIX = "console:#"  # a group chat held in terminals, e.g. ``console:#tea-house``
FILES_FOLDER = Path("canbot-files")
_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")


class FileShelf:
    """Saves attachments into one folder, private to the user (they may hold personal data).

    A file is never overwritten: a second ``circle-map.png`` becomes ``circle-map-2.png``.
    """

    def __init__(self, folder: Path = FILES_FOLDER) -> None:
        self.folder = folder

    def save(self, attachment: Attachment) -> Path:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stem, dot, suffix = _safe_name(attachment.filename).rpartition(".")
        if not dot:
            stem, suffix = suffix, ""
        for number in range(1, 10_000):
            name = stem if number == 1 else f"{stem}-{number}"
            path = self.folder / (f"{name}.{suffix}" if suffix else name)
            try:
                # O_EXCL: two consoles saving at once cannot write into the same file.
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(handle, "wb") as file:
                file.write(attachment.data)
            return path
        raise FileExistsError(f"{self.folder} holds too many files named {stem}")


def _safe_name(filename: str) -> str:
    """Only the last path part, with anything but letters, digits, dot and dash made a dash."""
    name = _UNSAFE_IN_NAME.sub("-", Path(filename).name).strip(".-")
    return name or "file"


def console_text(reply: Reply, shelf: FileShelf) -> str:
    """The reply as plain text; each file is saved and shown as a line naming where it is.

    The file lines are symbols and numbers only, so they need no translation.
    """
    lines = [replace(reply, attachments=()).plain()]
    for attachment in reply.attachments:
        try:
            lines.append(f"📎 {shelf.save(attachment)} · {_size(len(attachment.data))}")
        except OSError as error:
            lines.append(f"📎 {attachment.filename} ⚠ {error.strerror or error}")
    return "\n".join(lines)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


def chat_loop(
    answer: Callable[[str], Reply],
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    shelf: FileShelf | None = None,
) -> int:
    """Answer each line as soon as it arrives (flushed, even into a pipe); 0 at end of input."""
    shelf = shelf or FileShelf()
    interactive = stdin.isatty() and stdout.isatty()
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        stdout.write(console_text(answer(line), shelf) + "\n")
        if not interactive:
            stdout.write("\n")  # a blank line between answers, so a script can split them
        stdout.flush()


class ConsolePlatform:
    """Broadcasts to console rooms (``console:#<room>``) written as plain text to a stream.

    A console room is a group chat held in a terminal (``canbot chat --room``): it can be linked
    to a circle like a Telegram group, and its reminders and announcements are written here,
    each headed by the room it was meant for.
    """

    name = "console"

    def __init__(self, out: TextIO = sys.stdout, shelf: FileShelf | None = None) -> None:
        self.out = out
        self.shelf = shelf or FileShelf()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        if not chat.startswith(ROOM_PREFIX):
            raise ValueError(f"not a console room: {chat[:40]}")
        if departing is not None:
            departing()
        self.out.write(f"[{chat}]\n{console_text(reply, self.shelf)}\n\n")
        self.out.flush()
