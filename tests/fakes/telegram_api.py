"""FakeTelegramAPI: a loopback Bot API server for tests (aiohttp, 127.0.0.1, a free port).

It serves what the bot uses (getMe, deleteWebhook, setWebhook, long-polling getUpdates with
offsets, sendMessage, editMessageText, answerCallbackQuery, sendDocument, sendPhoto,
setMyCommands), records every call with its decoded parameters, keeps the messages it "sent"
so a test can press their buttons, answers chosen calls with an error (a 429 with
retry_after, a 403 for a blocked user), and lets a test push updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON_PARAMS = {
    "reply_markup",
    "reply_parameters",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "entities",
}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "max_connections"}
BOT_ID = 777000111
RECHECK = 0.05
FILE_METHODS = {"sendDocument": "document", "sendPhoto": "photo"}
SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto"}


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, uploaded files, when (monotonic)."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = 0.0
    status: int = 200


class ApiError(Exception):
    """Raised by a method to answer with ``ok: false``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None
    times: int
    migrate_to_chat_id: int | None = None


class RateLimits:
    """Telegram's flood limits as the server sees them: sends counted on arrival.

    At most ``overall`` sends in any second, and ``per_group`` in any minute to one group
    (a negative chat id); a send over a limit is answered 429 with a retry_after and not sent.
    """

    def __init__(self, overall: int = 30, per_group: int = 20) -> None:
        self.overall = overall
        self.per_group = per_group
        self.accepted: list[float] = []
        self.by_group: dict[int, list[float]] = {}
        self.refused = 0

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """None when the send may go (and it is counted), else seconds to wait."""
        recent = [at for at in self.accepted[-self.overall :] if now - at < 1.0]
        if len(recent) >= self.overall:
            self.refused += 1
            return 1
        group = self.by_group.setdefault(chat_id, []) if chat_id < 0 else None
        if group is not None:
            last_minute = [at for at in group if now - at < 60.0]
            if len(last_minute) >= self.per_group:
                self.refused += 1
                return max(1, math.ceil(60.0 - (now - last_minute[0])))
            group.append(now)
        self.accepted.append(now)
        return None


class FakeTelegramAPI:
    """Start with ``await fake.start()``; point the bot's base_url at ``fake.base_url``."""

    def __init__(
        self,
        token: str,
        username: str = "canbot_test_bot",
        limits: RateLimits | None = None,
        *,
        lean: bool = False,
    ) -> None:
        # ``lean``: sent messages come back with only the fields a Message requires (id, date,
        # chat), as small as the Bot API's contract allows, so a benchmark measures the bot's
        # own cost rather than the parsing of what the fake echoes back.
        self.lean = lean
        self.token = token
        self.limits = limits
        self.username = username
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._confirmed = 0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._failures: dict[str, list[Failure]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        return self.base_url

    async def stop(self) -> None:
        self._closing = True  # wakes long polls a stopped bot no longer waits for
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what tests do -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        description: str = "",
        retry_after: int | None = None,
        times: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or (
            f"Too Many Requests: retry after {retry_after}" if status == 429 else "Bad Request"
        )
        failure = Failure(status, text, retry_after, times, migrate_to_chat_id)
        self._failures.setdefault(method, []).append(failure)

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        task = asyncio.get_running_loop().create_task(self._notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update

    def push_message(
        self,
        text: str,
        *,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user sends ``text`` in ``chat`` (their private chat by default)."""
        return self.push({"message": self.incoming_message(text, user=user, chat=chat)})

    def incoming_message(
        self, text: str, *, user: dict[str, Any], chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0].encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return message

    def press(self, message: dict[str, Any], label: str, *, user: dict[str, Any]) -> dict[str, Any]:
        """``user`` presses the button labelled ``label`` on a message the bot sent."""
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return self.press_data(message, button["callback_data"], user=user)
        raise KeyError(f"no button {label!r} on message {message['message_id']}")

    def press_data(
        self, message: dict[str, Any], data: str, *, user: dict[str, Any]
    ) -> dict[str, Any]:
        query = {
            "id": f"q{next(self._query_ids)}",
            "from": user,
            "chat_instance": "fake-instance",
            "message": message,
            "data": data,
        }
        return self.push({"callback_query": query})

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        """Successful calls of ``method`` (to ``chat_id`` if given), oldest first."""
        return [
            c
            for c in self.calls
            if c.method == method
            and c.status == 200
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.sent("sendMessage", chat_id)]

    def last_message(self, chat_id: int) -> dict[str, Any]:
        mine = [m for (c, _), m in self.messages.items() if c == chat_id]
        if not mine:
            raise KeyError(f"nothing was sent to {chat_id}")
        return max(mine, key=lambda m: int(m["message_id"]))

    async def wait_for(
        self, condition: Callable[[], Any], timeout: float = 15.0, what: str = "condition"
    ) -> Any:
        """Wait until ``condition()`` is truthy: re-checked on every call the bot makes, and
        every few milliseconds for conditions on other things (the bot's store)."""

        async def check() -> Any:
            async with self._changed:
                while not (result := condition()):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), RECHECK)
                return result

        try:
            return await asyncio.wait_for(check(), timeout)
        except TimeoutError:
            methods = [c.method for c in self.calls[-15:]]
            raise AssertionError(f"timed out waiting for {what}; last calls: {methods}") from None

    async def wait_for_text(self, chat_id: int, needle: str, after: int = 0) -> Call:
        """The first sendMessage to ``chat_id`` (after ``after`` earlier ones) containing text."""

        def found() -> Call | None:
            for call in self.sent("sendMessage", chat_id)[after:]:
                if needle in str(call.params.get("text", "")):
                    return call
            return None

        result: Call = await self.wait_for(found, what=f"{needle!r} in chat {chat_id}")
        return result

    # -- the server --------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _serve(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, files, time.monotonic())
        self.calls.append(call)
        try:
            failure = self._take_failure(method) or self._flood(method, params, call.at)
            if failure is not None:
                call.status = failure.status
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": failure.status,
                    "description": failure.description,
                }
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
                if failure.migrate_to_chat_id is not None:
                    body["parameters"] = {"migrate_to_chat_id": failure.migrate_to_chat_id}
                return web.json_response(body, status=failure.status)
            handler = getattr(self, "_m_" + method, None)
            if handler is None:
                call.status = 404
                return web.json_response(
                    {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
                )
            try:
                result = await handler(params, files)
            except ApiError as error:
                call.status = error.status
                return web.json_response(
                    {"ok": False, "error_code": error.status, "description": error.description},
                    status=error.status,
                )
            return web.json_response({"ok": True, "result": result})
        finally:
            await self._notify()

    def _flood(self, method: str, params: dict[str, Any], now: float) -> Failure | None:
        if self.limits is None or method not in SEND_METHODS:
            return None
        wait = self.limits.retry_after(int(params.get("chat_id", 0)), now)
        if wait is None:
            return None
        return Failure(429, f"Too Many Requests: retry after {wait}", wait, 1)

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    @staticmethod
    async def _params(request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            raw = await request.json()
            return dict(raw), files
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = (value.filename, value.file.read())
                continue
            text = str(value)
            if name in JSON_PARAMS:
                params[name] = json.loads(text)
            elif name in INT_PARAMS and text.lstrip("-").isdigit():
                params[name] = int(text)
            else:
                params[name] = text
        # An uploaded file is named by an attach:// reference in its parameter.
        for name, ref in list(params.items()):
            if isinstance(ref, str) and ref.startswith("attach://"):
                params[name] = files.get(ref[len("attach://") :], ("", b""))[0]
        return params, files

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": f"group {chat_id}"}
        return {"id": chat_id, "type": "private", "first_name": f"user {chat_id}"}

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if self.lean:
            chat = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"}
            return {"message_id": next(self._message_ids), "date": 0, "chat": chat}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "CAN",
                "username": self.username,
            },
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    # -- Bot API methods ---------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "CAN",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _m_setWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.webhook = dict(params)
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        offset = int(params.get("offset", 0) or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset)
        timeout = float(params.get("timeout", 0) or 0)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= self._confirmed]

        if not pending() and timeout > 0:
            async with self._changed:
                with_timeout = asyncio.wait_for(
                    self._changed.wait_for(lambda: pending() or self._closing), timeout
                )
                with contextlib.suppress(TimeoutError):
                    await with_timeout
        return pending()[: int(params.get("limit", 100) or 100)]

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._new_message(params, text=params.get("text", ""))

    async def _m_sendDocument(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        name, _data = files.get("document", ("", b""))
        document = {"file_id": f"doc{len(self.calls)}", "file_unique_id": "d", "file_name": name}
        return self._new_message(params, document=document)

    async def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        photo = [
            {"file_id": f"ph{len(self.calls)}", "file_unique_id": "p", "width": 1, "height": 1}
        ]
        return self._new_message(params, photo=photo)

    async def _m_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        message["text"] = params.get("text", "")
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True
