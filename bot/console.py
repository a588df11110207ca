"""The console platform: commands from stdin, replies as plain text on stdout, one per line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.reply import Reply

PROMPT = "> "


def chat_loop(
    answer: Callable[[str], Reply], stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Answer each line as soon as it arrives (flushed, even into a pipe); 0 at end of input."""
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
        stdout.write(answer(line).plain() + "\n")
        if not interactive:
            stdout.write("\n")  # a blank line between answers, so a script can split them
        stdout.flush()
