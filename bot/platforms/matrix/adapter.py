"""The Matrix platform: matrix-nio inside `canbot run`'s event loop.

The bot joins rooms it is invited to from allowed servers. In a direct room every message is a
command; in a group room `!can <command>` or a mention is. Answers are replies (in the thread
the command came from) with a plain body and org.matrix.custom.html. A reply's buttons become
numbered reactions the bot puts on its own message; a user's reaction runs the button's command
as that user, and the message is edited in place (m.replace) with the fresh view. Kit PDFs and
map images go through the media repository as m.file / m.image. Encrypted rooms work when
matrix-nio's end-to-end extra is installed (it is a dependency), with keys under the data dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from nio import (
    InviteMemberEvent,
    MegolmEvent,
    ReactionEvent,
    RoomMessageText,
    RoomSendResponse,
    UploadResponse,
)

from bot.commands.dispatch import Dispatcher
from bot.config import MatrixConfig
from bot.i18n import Translator
from bot.platforms.matrix import content
from bot.platforms.matrix.buttons import Board, Boards, Press, keyed
from bot.platforms.matrix.message import actor_of, command_line, room_of, server_of
from bot.platforms.matrix.pacing import Pacer, RoomLocks
from bot.platforms.matrix.session import encryption_supported, open_client
from bot.platforms.redaction import SecretRedactor, redact_logs, remove_redactor
from bot.reply import Attachment, Reply
from circles.actor import Actor

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
ADMIN_POWER = 50
ROOM_ADMIN_COMMANDS = frozenset({"link", "unlink"})
# Libraries whose debug lines may quote requests; the token travels in a header, but be sure.
QUIET_LOGGERS = ("nio.client", "nio.http", "nio.rooms", "nio.crypto", "peewee", "aiohttp.client")


class MatrixRefusal(Exception):
    """The homeserver refused a message (logged); raised from ``send`` for the delivery record."""


class MatrixPlatform:
    """Matrix, started and stopped by the runner; ``send`` posts broadcasts, paced."""

    name = "matrix"

    def __init__(
        self,
        config: MatrixConfig,
        dispatcher: Dispatcher,
        data_dir: Path,
        pacer: Pacer | None = None,
    ) -> None:
        self._config = config
        self._dispatcher = dispatcher
        self._data_dir = data_dir
        self._pacer = pacer or Pacer()
        self._locks = RoomLocks()
        self._boards = Boards()
        self._client: Any = None
        self._sync: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._redactor: SecretRedactor | None = None
        self._live = False
        self._warned_encrypted: set[str] = set()
        self.user_id = config.user_id

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._redactor = redact_logs([self._config.access_token, self._config.password])
        for name in QUIET_LOGGERS:
            logger = logging.getLogger(name)
            logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
        try:
            client, login = await open_client(self._config, self._data_dir)
            self._client = client
            if self._redactor is not None:  # a password login's token is a secret too
                remove_redactor(self._redactor)
            self._redactor = redact_logs(
                [self._config.access_token, self._config.password, login.access_token]
            )
            client.add_event_callback(self._on_invite, InviteMemberEvent)
            client.add_event_callback(self._on_text, RoomMessageText)
            client.add_event_callback(self._on_reaction, ReactionEvent)
            client.add_event_callback(self._on_undecryptable, MegolmEvent)
            # A first start answers nothing from before it; a restart answers what came while
            # it was down (the sync token is kept in the store).
            self._live = bool(client.loaded_sync_token)
            response = await client.sync(timeout=0, full_state=True)
            if getattr(response, "status_code", None):
                raise ConnectionError(f"the first sync failed ({response.status_code})")
            if client.should_upload_keys:
                await client.keys_upload()
            self._live = True
            self._sync = asyncio.create_task(self._sync_forever())
        except BaseException:
            await self.stop()
            raise
        crypto = "on" if encryption_supported() else "off"
        log.info(
            "Matrix bot %s is up (device %s, encryption %s)", login.user_id, login.device_id, crypto
        )

    async def _sync_forever(self) -> None:
        client = self._client
        while True:
            try:
                await client.sync_forever(timeout=SYNC_TIMEOUT_MS)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # A homeserver restart or a dropped connection: keep the bot, try again soon.
                log.warning("Matrix sync failed with %s; retrying", type(error).__name__)
                await asyncio.sleep(5)

    async def stop(self) -> None:
        try:
            if self._sync is not None:
                self._sync.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._sync
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=10)
            if self._client is not None:
                await self._client.close()
        finally:
            self._sync = None
            self._client = None
            if self._redactor is not None:
                remove_redactor(self._redactor)
                self._redactor = None

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Handle an event in its own task: a slow command must not hold up the sync loop."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error(
                "Matrix handler failed with %s",
                type(error).__name__,
                exc_info=(type(error), error, error.__traceback__),
            )

    # -- incoming ----------------------------------------------------------------------------

    async def _on_invite(self, room: Any, event: Any) -> None:
        if event.state_key != self.user_id or event.membership != "invite":
            return
        self._spawn(self._answer_invite(room.room_id, event.sender))

    async def _answer_invite(self, room_id: str, inviter: str) -> None:
        client = self._client
        if server_of(inviter) not in self._config.servers:
            log.info("declined an invite from a server not in matrix.allowed_servers")
            await client.room_leave(room_id)
            return
        response = await client.join(room_id)
        if getattr(response, "status_code", None):
            log.warning("could not join an invited room (%s)", response.status_code)

    def _is_direct(self, room: Any) -> bool:
        # Two people (the bot and one person, joined or invited) make a direct room.
        return int(room.member_count) <= 2

    def _actor(self, room: Any, sender: str) -> Actor:
        return actor_of(sender, room.user_name(sender), room.room_id, direct=self._is_direct(room))

    async def _on_text(self, room: Any, event: Any) -> None:
        if not self._live or event.sender == self.user_id:
            return
        source = event.source.get("content", {})
        if source.get("msgtype") != "m.text" or _is_edit(source):
            return
        localpart = self.user_id.removeprefix("@").partition(":")[0]
        names = tuple(n for n in (room.user_name(self.user_id), localpart) if n)
        line = command_line(
            event.body,
            source,
            direct=self._is_direct(room),
            prefix=self._config.prefix,
            bot_id=self.user_id,
            bot_names=names,
        )
        if line is None:
            return
        thread = _thread_of(source)
        self._spawn(self._answer(room, event.sender, line, event.event_id, thread))

    async def _answer(
        self, room: Any, sender: str, line: str, event_id: str, thread: str | None
    ) -> None:
        actor = self._actor(room, sender)
        async with self._locks.hold(room.room_id):
            reply = await self._gate(room, actor, line)
            if reply is None:
                reply = await self._dispatcher.answer(actor, line)
            await self._deliver(room.room_id, reply, reply_to=event_id, thread=thread)

    async def _gate(self, room: Any, actor: Actor, line: str) -> Reply | None:
        """Linking a room is for its admins (power level 50+) or the network's admins."""
        name = line.strip().removeprefix("/").partition(" ")[0].lower()
        if name not in ROOM_ADMIN_COMMANDS or not actor.in_group:
            return None
        sender = actor.identity.removeprefix("matrix:")
        level = int(room.power_levels.get_user_level(sender))
        if level >= ADMIN_POWER or actor.identity in self._dispatcher.config.network.admins:
            return None
        t = await self._translator(actor)
        return Reply(
            t(
                "Only an admin of this room (power level {level} or more) can link it to a circle.",
                level=ADMIN_POWER,
            ),
            error=True,
        )

    async def _translator(self, actor: Actor) -> Translator:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._dispatcher.translator_for, actor)

    async def _on_reaction(self, room: Any, event: Any) -> None:
        if not self._live or event.sender == self.user_id:
            return
        press = self._boards.press(room.room_id, event.reacts_to, event.key)
        if press is None:
            return  # a reaction on someone else's message, or on one from before a restart
        self._spawn(self._press(room, event.sender, event.reacts_to, press))

    async def _press(self, room: Any, sender: str, message: str, press: Press) -> None:
        actor = self._actor(room, sender)
        async with self._locks.hold(room.room_id):
            reply = await self._dispatcher.answer(actor, press.command)
            if press.refresh:
                view = await self._dispatcher.answer(actor, press.refresh)
                if not view.error:
                    await self._edit(room.room_id, message, view)
            await self._deliver(room.room_id, reply, reply_to=message)

    async def _on_undecryptable(self, room: Any, event: Any) -> None:
        if not encryption_supported():
            self._spawn(self._warn_encrypted(room))
            return
        # The room key may arrive later; ask the sender's devices for it.
        log.info("could not decrypt a message yet; asking for its key")
        with contextlib.suppress(Exception):
            await self._client.request_room_key(event)

    async def _warn_encrypted(self, room: Any) -> None:
        if room.room_id in self._warned_encrypted:
            return
        self._warned_encrypted.add(room.room_id)
        actor = Actor(identity="", name="", chat=f"matrix:{room.room_id}", in_group=True)
        t = await self._translator(actor)
        text = t(
            "This room is encrypted and I cannot read it. Make a room without encryption "
            "(in Element: New room, then turn off end-to-end encryption) and invite me there."
        )
        await self._deliver(room.room_id, Reply(text))

    # -- outgoing ----------------------------------------------------------------------------

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        """Post a broadcast (reminder, announcement, hand-off), paced; ``departing`` runs right
        before the first request leaves. A refusal is logged and raised for the caller."""
        room_id = room_of(chat)
        if room_id is None:
            raise ValueError(f"not a Matrix room: {chat[:40]}")
        if self._client is None:
            raise RuntimeError("the Matrix platform is not started")
        async with self._locks.hold(room_id), self._pacer.turn():
            if departing is not None:
                departing()
            await self._deliver(room_id, reply, raising=True)

    async def _deliver(
        self,
        room_id: str,
        reply: Reply,
        *,
        reply_to: str | None = None,
        thread: str | None = None,
        raising: bool = False,
    ) -> None:
        """The text with its keys as reactions, then each file; stops at the first refusal.

        Files are uploaded first, so the text and its files arrive together, not the text and,
        a slow upload later, the files.
        """
        files: list[dict[str, Any]] = []
        for attachment in reply.attachments:
            uploaded = await self._upload(room_id, attachment, reply_to, thread, raising=raising)
            if uploaded is None:
                break
            files.append(uploaded)
        keys = keyed(reply)
        body = content.notice(
            reply.text, [(k, label) for k, label, _ in keys], reply_to=reply_to, thread=thread
        )
        event_id = await self._send_event(room_id, "m.room.message", body, raising=raising)
        if event_id is None:
            return
        for message in files:
            if await self._send_event(room_id, "m.room.message", message, raising=raising) is None:
                return
        if keys:
            board = Board({key: press for key, _, press in keys}, {})
            self._boards.remember(room_id, event_id, board)
            await self._add_reactions(room_id, event_id, board, [k for k, _, _ in keys])

    async def _add_reactions(
        self, room_id: str, event_id: str, board: Board, keys: list[str]
    ) -> None:
        for key in keys:
            sent = await self._send_event(room_id, "m.reaction", content.reaction(event_id, key))
            if sent is not None:
                board.reactions[key] = sent

    async def _edit(self, room_id: str, message: str, view: Reply) -> None:
        """Replace our message with the fresh view; its reactions follow the new buttons."""
        keys = keyed(view)
        fresh = content.notice(view.text, [(k, label) for k, label, _ in keys])
        await self._send_event(room_id, "m.room.message", content.edit(message, fresh))
        old = self._boards.get(room_id, message)
        reactions = old.reactions if old is not None else {}
        board = Board({key: press for key, _, press in keys}, {})
        for key, reaction in reactions.items():
            if key in board.presses:
                board.reactions[key] = reaction
            else:
                await self._client.room_redact(room_id, reaction)
        self._boards.remember(room_id, message, board)
        await self._add_reactions(
            room_id, message, board, [k for k, _, _ in keys if k not in board.reactions]
        )

    async def _upload(
        self,
        room_id: str,
        attachment: Attachment,
        reply_to: str | None,
        thread: str | None,
        *,
        raising: bool,
    ) -> dict[str, Any] | None:
        """Put the file in the media repository (encrypted for an encrypted room); the
        m.file / m.image content that shows it, or None when the homeserver refused it."""
        room = self._client.rooms.get(room_id)
        encrypt = bool(room is not None and room.encrypted and encryption_supported())
        data = attachment.data
        response, keys = await self._client.upload(
            lambda *_: data,
            content_type=attachment.mime,
            filename=attachment.filename,
            encrypt=encrypt,
            filesize=len(data),
        )
        if not isinstance(response, UploadResponse):
            self._refused("upload", response, raising=raising)
            return None
        return content.file_message(
            attachment.filename,
            attachment.mime,
            len(data),
            url=response.content_uri,
            encrypted=keys if encrypt else None,
            reply_to=reply_to,
            thread=thread,
        )

    async def _send_event(
        self, room_id: str, kind: str, body: dict[str, Any], *, raising: bool = False
    ) -> str | None:
        """One event; the client waits out M_LIMIT_EXCEEDED itself (retry_after_ms), with the
        same transaction id, so a retry cannot post twice."""
        started = time.monotonic()
        try:
            response = await self._client.room_send(
                room_id, kind, body, tx_id=str(uuid.uuid4()), ignore_unverified_devices=True
            )
        except Exception as error:
            log.error("Matrix %s failed: %s", kind, type(error).__name__)
            if raising:
                raise MatrixRefusal(type(error).__name__) from None
            return None
        if not isinstance(response, RoomSendResponse):
            self._refused(kind, response, raising=raising)
            return None
        waited = time.monotonic() - started
        if waited > 1:
            log.info("Matrix %s left after %.1f s (rate limit waited out)", kind, waited)
        return str(response.event_id)

    @staticmethod
    def _refused(what: str, response: Any, *, raising: bool) -> bool:
        code = getattr(response, "status_code", None) or "error"
        log.warning("the homeserver refused %s (%s)", what, code)
        if raising:
            raise MatrixRefusal(f"{what}: {code}")
        return False


def _is_edit(source: dict[str, Any]) -> bool:
    """An edit of a message must not run its command a second time."""
    relates = source.get("m.relates_to")
    return isinstance(relates, dict) and relates.get("rel_type") == "m.replace"


def _thread_of(source: dict[str, Any]) -> str | None:
    relates = source.get("m.relates_to")
    if isinstance(relates, dict) and relates.get("rel_type") == "m.thread":
        root = relates.get("event_id")
        return root if isinstance(root, str) else None
    return None
