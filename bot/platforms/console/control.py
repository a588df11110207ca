"""The local control socket: how `canbot chat` and `canbot export` reach a running `canbot run`.

A Unix domain socket beside the store, readable and writable by its owner only. One JSON
request per line, one JSON answer per line:
``{"op": "chat", "as": "alice", "line": "claim research/interviewer"}`` -> ``{"reply": {...}}``
``{"op": "export"}`` -> ``{"export": {...}}``
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.platforms.console.adapter import ROOM_PREFIX
from bot.reply import Attachment, Button, Reply
from circles.actor import Actor
from circles.services.export import export_network
from circles.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MAX_REQUEST = 64 * 1024


def console_actor(name: str, room: str = "") -> Actor:
    """``console:<name>``, in a private chat, or in the console room ``room`` (a group chat)."""
    if room:
        return Actor(identity=f"console:{name}", name=name, chat=ROOM_PREFIX + room, in_group=True)
    return Actor(identity=f"console:{name}", name=name)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "error": reply.error,
        "buttons": [[[b.label, b.command] for b in row] for row in reply.buttons],
        "attachments": [
            [a.filename, a.mime, base64.b64encode(a.data).decode()] for a in reply.attachments
        ],
    }


def reply_from_json(data: dict[str, Any]) -> Reply:
    return Reply(
        text=str(data["text"]),
        error=bool(data.get("error")),
        buttons=tuple(tuple(Button(label, cmd) for label, cmd in row) for row in data["buttons"]),
        attachments=tuple(
            Attachment(name, mime, base64.b64decode(body))
            for name, mime, body in data["attachments"]
        ),
    )


class ControlServer:
    """Answers chat lines and export requests for the running bot."""

    def __init__(
        self, path: Path, handle_line: Callable[[Actor, str], Reply], uow: UnitOfWork
    ) -> None:
        self.path = path
        self._handle_line = handle_line
        self._uow = uow
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a stale socket of a killed run; the store lock says we own it
        old_umask = os.umask(0o077)  # created owner-only, no window where others could connect
        try:
            self._server = await asyncio.start_unix_server(
                self._serve, path=str(self.path), limit=MAX_REQUEST
            )
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            while line := await reader.readline():
                answer = await loop.run_in_executor(None, self._answer, line)
                writer.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, asyncio.LimitOverrunError, ValueError):
            log.warning("control socket: dropped a bad or broken connection")
        finally:
            writer.close()

    def _answer(self, raw: bytes) -> dict[str, Any]:
        try:
            request = json.loads(raw)
            op = request["op"]
        except (ValueError, KeyError, TypeError):
            return {"error": "bad request"}
        if op == "export":
            return {"export": export_network(self._uow)}
        if op == "chat":
            name = str(request.get("as", "console"))[:64]
            actor = console_actor(name, str(request.get("room", ""))[:64])
            reply = self._handle_line(actor, str(request.get("line", "")))
            return {"reply": reply_to_json(reply)}
        return {"error": f"unknown op {op!r}"}


class BotGone(Exception):
    """The running bot went away in the middle of a request (killed, crashed or stopped).

    Separate from BrokenPipeError on purpose: the CLI treats a closed stdout quietly, but a
    volunteer whose bot vanished must be told that their last line may not have been applied.
    """


class ControlClient:
    """A connection to a running bot's control socket."""

    def __init__(self, path: Path) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.connect(str(path))
        self._file = self._socket.makefile("rwb")

    @classmethod
    def connect(cls, path: Path | None) -> ControlClient | None:
        """A client if a bot is listening at ``path``; None if nothing answers there."""
        if path is None or not path.exists():
            return None
        try:
            return cls(path)
        except OSError:
            return None

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            self._file.write(json.dumps(payload, ensure_ascii=False).encode() + b"\n")
            self._file.flush()
            line = self._file.readline()
        except OSError as error:
            raise BotGone(str(error)) from error
        if not line:
            raise BotGone("the running bot closed the control socket")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def chat(self, name: str, line: str, room: str = "") -> Reply:
        request = {"op": "chat", "as": name, "room": room, "line": line}
        return reply_from_json(self.request(request)["reply"])

    def export(self) -> dict[str, Any]:
        data: dict[str, Any] = self.request({"op": "export"})["export"]
        return data

    def close(self) -> None:
        with contextlib.suppress(OSError):  # flushing to a bot that is gone: nothing to tell
            self._file.close()
        self._socket.close()
