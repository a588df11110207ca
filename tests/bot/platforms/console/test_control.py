"""The control socket carries who speaks and from which console room to the running bot."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.platforms.console.control import ControlClient, ControlServer
from bot.reply import Reply
from circles.actor import Actor
from circles.unit_of_work import UnitOfWork


async def test_a_line_from_a_console_room_arrives_as_a_group_chat(
    tmp_path: Path, uow: UnitOfWork
) -> None:
    seen: list[Actor] = []

    def handle(actor: Actor, line: str) -> Reply:
        seen.append(actor)
        return Reply(f"ok {line}")

    server = ControlServer(tmp_path / "bot.sock", handle, uow)
    await server.start()
    try:
        client = ControlClient.connect(tmp_path / "bot.sock")
        assert client is not None
        loop = asyncio.get_running_loop()
        private = await loop.run_in_executor(None, client.chat, "ada", "circles")
        in_room = await loop.run_in_executor(None, client.chat, "ada", "link research", "tea")
        client.close()
    finally:
        await server.stop()
    assert (private.text, in_room.text) == ("ok circles", "ok link research")
    assert seen[0] == Actor("console:ada", "ada")
    assert seen[1] == Actor("console:ada", "ada", chat="console:#tea", in_group=True)
