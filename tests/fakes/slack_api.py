"""FakeSlackAPI: a loopback Slack Web API that records every call the bot makes.

Serves ``/api/<method>`` (auth.test, chat.postMessage, chat.postEphemeral, chat.update,
views.publish, users.info, conversations.open, the files.uploadV2 steps, apps.connections.open),
the upload URLs it hands out, ``/response/<id>`` to use as a response_url, and ``/socket``, a
Socket Mode websocket the test pushes envelopes through. On 127.0.0.1 and a port the OS picks.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TEAM = "T0CAN"
BOT_USER = "UBOT"
JSON_PARAMS = ("blocks", "view", "files", "attachments")


@dataclass
class Call:
    """One request the bot made: the API method (or ``response``, ``upload``, ``socket_ack``),
    its parameters, and the token it authenticated with."""

    method: str
    params: dict[str, Any]
    token: str = ""
    path: str = ""
    data: bytes = b""


@dataclass
class FakeUser:
    name: str
    locale: str = "en-US"
    display_name: str = ""


@dataclass
class FakeSlackAPI:
    bot_token: str
    app_token: str = ""
    users: dict[str, FakeUser] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    socket_frames: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_open = asyncio.Event()

    # Lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file}", self._upload)
        app.router.add_post("/response/{key}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.root}/api"

    def response_url(self, key: str) -> str:
        return f"{self.root}/response/{key}"

    # Looking at what happened

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda call: True,
        timeout: float = 15.0,
    ) -> Call:
        """The first recorded ``method`` call matching ``where``, waiting for it if need be."""

        def found() -> Call | None:
            return next((c for c in self.calls if c.method == method and where(c)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(found), timeout)
        call = found()
        assert call is not None
        return call

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # Socket Mode

    async def push(self, envelope: dict[str, Any], timeout: float = 15.0) -> dict[str, Any]:
        """Send an envelope to the connected bot; returns the ack it sends back."""
        await asyncio.wait_for(self._socket_open.wait(), timeout)
        await self._sockets[-1].send_json(envelope)
        ack = await self.wait_for(
            "socket_ack", lambda c: c.params.get("envelope_id") == envelope["envelope_id"], timeout
        )
        return ack.params

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self._socket_open.set()
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                await self._record(Call("socket_ack", json.loads(frame.data)))
        return ws

    # Handlers

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update((await request.post()).items())
        for key in JSON_PARAMS:
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        await self._record(Call(method, params, token=token))
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != wanted:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        result: dict[str, Any] = answer(params)
        return web.json_response(result)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://can.example.slack.com/",
            "team": "CAN",
            "user": "canbot",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "BCAN",
        }

    def _next_ts(self) -> str:
        return f"1790000000.{next(self._ids):06d}"

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": params.get("channel"), "ts": self._next_ts()}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": f"V{next(self._ids)}", **params.get("view", {})}}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user"))
        user = self.users.get(user_id)
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        data: dict[str, Any] = {"id": user_id, "team_id": TEAM, "name": user.name}
        data["profile"] = {"display_name": user.display_name, "real_name": user.name}
        if str(params.get("include_locale")).lower() in ("true", "1"):
            data["locale"] = user.locale
        return {"ok": True, "user": data}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": "D" + str(params.get("users"))}}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids)}"
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "files": [{"id": f["id"], "title": f["title"]} for f in params["files"]],
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        file_id = request.match_info["file"]
        await self._record(Call("upload", {"file": file_id}, path=request.path, data=data))
        return web.Response(text=f"OK - {len(data)}")

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record(Call("response", body, path=request.path))
        return web.Response(text="ok")
