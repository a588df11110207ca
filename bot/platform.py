"""What every chat platform adapter offers the runner: start, stop, and sending to a chat."""

from __future__ import annotations

from typing import Protocol

from bot.reply import Reply


class Platform(Protocol):
    """A chat platform running inside `canbot run`'s event loop."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, chat: str, reply: Reply) -> None:
        """Post ``reply`` to ``chat`` (``telegram:<id>``, ``slack:<channel>``) as a broadcast."""
