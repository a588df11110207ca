"""The Telegram platform: python-telegram-bot inside `canbot run`'s event loop.

Updates (long polling or a webhook with its secret token checked) become command lines for the
Dispatcher, run off the event loop; Replies become messages with inline keyboards, documents
and photos. A button press runs its command as the presser, answers the press, and re-renders
the message it sits on in place. Every request goes through the PacingRateLimiter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import warnings
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.commands.dispatch import Dispatcher
from bot.config import ConfigError, TelegramConfig
from bot.platforms.redaction import SecretRedactor, redact_logs, remove_redactor
from bot.platforms.telegram.button import ButtonCodec, ButtonError, Press
from bot.platforms.telegram.limiter import BROADCAST, Departure, PacingRateLimiter
from bot.platforms.telegram.menu import menu
from bot.platforms.telegram.raw import post_undecoded
from bot.platforms.telegram.update import incoming_click, incoming_message
from bot.platforms.telegram.webhook import WebhookServer, webhook_app
from bot.reply import Attachment, Reply
from circles.actor import Actor
from circles.services.chats import move_chat
from circles.text import LANGUAGES

log = logging.getLogger(__name__)

PREFIX = "telegram:"
MAX_TEXT = 4096
MAX_ANSWER = 200
MAX_PHOTO = 10 * 1024 * 1024
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
ALLOWED_UPDATES = ["message", "callback_query"]
CONCURRENT_UPDATES = 64
POLL_TIMEOUT = 10
# Libraries whose debug or info lines may quote request URLs, which carry the token.
QUIET_LOGGERS = ("httpx", "httpcore", "telegram.request", "telegram.Bot", "telegram.ext.ExtBot")


def chat_id_of(chat: str) -> int | None:
    """``telegram:-1001`` -> -1001; None for other platforms' chats or malformed ones."""
    if not chat.startswith(PREFIX):
        return None
    rest = chat[len(PREFIX) :]
    return int(rest) if rest.lstrip("-").isdigit() else None


def file_url_for(base_url: str) -> str:
    """A self-hosted Bot API server serves files beside its methods: .../bot -> .../file/bot."""
    root, bot, _ = base_url.rpartition("/bot")
    return f"{root}/file/bot" if bot else f"{base_url}/file/bot"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram messages hold 4096 characters; longer replies go out in parts, cut at lines."""
    text = text or "…"
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text or "…")
    return parts


def short(text: str, limit: int = MAX_ANSWER) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChatLocks:
    """One lock per chat, so a chat's commands are answered in order while chats run in
    parallel; a lock lives only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat]
            if users <= 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)


class TelegramPlatform:
    """Telegram, started and stopped by the runner; ``send`` posts broadcasts, paced."""

    name = "telegram"

    def __init__(
        self,
        config: TelegramConfig,
        dispatcher: Dispatcher,
        limiter: PacingRateLimiter | None = None,
    ) -> None:
        self._config = config
        self._dispatcher = dispatcher
        self._limiter = limiter or PacingRateLimiter()
        self._codec = ButtonCodec(config.token)
        self._locks = ChatLocks()
        self._app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._redactor: SecretRedactor | None = None
        self._webhook_socket: socket.socket | None = None
        self._webhook: WebhookServer | None = None
        self.username = ""
        self.webhook_port: int | None = None
        # Whether start() does the leader's work too (the menu; polling). One process on an
        # embedded store always does; replicas on PostgreSQL leave it to lead()/follow().
        self.leads_at_start = True

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._redactor = redact_logs([self._config.token, self._config.secret_token])
        # PTB 22 reads its own deprecated RetryAfter.retry_after while building the error, so
        # every 429 would warn; we read the value without the warning (telegram_limiter).
        warnings.filterwarnings(
            "ignore", message=".*`retry_after`.*", category=PTBDeprecationWarning
        )
        for name in QUIET_LOGGERS:
            logger = logging.getLogger(name)
            logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
        app = self._build()
        try:
            await self._initialize(app)
            self._app = app
            self.username = app.bot.username
            if self._config.mode == "webhook":
                await self._start_webhook(app)
            await app.start()
            if self.leads_at_start:
                await self.lead()
        except BaseException:
            await self.stop()  # the runner only stops what started
            raise
        log.info("Telegram bot @%s is up (%s mode)", self.username, self._config.mode)

    async def lead(self) -> None:
        """The leader's part: the command menu, and in polling mode the polling (Telegram
        serves updates to one poller only; a second would make both fail with 409)."""
        app = self._require_app()
        await self._set_menu()
        if self._config.mode != "webhook" and not self._updater(app).running:
            await self._updater(app).start_polling(
                timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
            )

    async def follow(self) -> None:
        """Leadership lost: stop polling (webhook updates keep arriving at every replica)."""
        app = self._app
        if app is not None and self._config.mode != "webhook":
            updater = self._updater(app)
            if updater.running:
                await updater.stop()

    async def _initialize(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Ask the Bot API who we are; a refusal becomes one clear line without the token."""
        try:
            await app.initialize()
        except TelegramError as error:
            await app.bot.shutdown()  # close the HTTP clients initialize opened
            if isinstance(error, InvalidToken):
                raise ConfigError("telegram.token: the Bot API rejected this token") from None
            where = self._config.base_url or "api.telegram.org"
            raise ConfigError(
                f"telegram: cannot reach the Bot API at {where} ({type(error).__name__})"
            ) from None

    async def stop(self) -> None:
        app = self._app
        try:
            if self._webhook is not None:
                await self._webhook.stop()
                self._webhook = None
            if app is not None:
                updater = self._updater(app)
                if updater.running:
                    await updater.stop()
                if app.running:
                    await app.stop()  # lets the updates in hand finish, so _app stays set
                await app.shutdown()
        finally:
            self._app = None
            if self._webhook_socket is not None:
                with contextlib.suppress(OSError):
                    self._webhook_socket.close()
            if self._redactor is not None:
                remove_redactor(self._redactor)

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        builder = (
            Application.builder()
            .token(self._config.token)
            .rate_limiter(self._limiter)
            .concurrent_updates(CONCURRENT_UPDATES)
            .job_queue(None)
        )
        if self._config.base_url:
            base = self._config.base_url
            builder = builder.base_url(base).base_file_url(file_url_for(base))
        app = builder.build()
        names = [c.name for c in self._dispatcher.registry]
        only_new = filters.UpdateType.MESSAGE  # an edited message must not run a command twice
        app.add_handler(CommandHandler(names, self._on_message, filters=only_new))
        app.add_handler(MessageHandler(only_new & filters.TEXT, self._on_message))
        app.add_handler(CallbackQueryHandler(self._on_click))
        app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        app.add_error_handler(self._on_error)
        return app

    @staticmethod
    def _updater(app: Application[Any, Any, Any, Any, Any, Any]) -> Any:
        if app.updater is None:  # never: the builder makes one unless told not to
            raise RuntimeError("the Telegram application has no updater")
        return app.updater

    async def _start_webhook(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        config = self._config
        # We bind the socket ourselves, so that port 0 works and the bound port can be told.
        try:
            sock = socket.create_server((config.listen, config.port))
        except OSError as error:
            raise ConfigError(
                f"telegram.port: cannot listen on {config.listen}:{config.port} "
                f"({error.strerror or error})"
            ) from None
        self._webhook_socket = sock
        self.webhook_port = int(sock.getsockname()[1])
        path = urlsplit(config.webhook_url).path.strip("/") or "telegram"

        async def deliver(data: dict[str, Any]) -> None:
            try:
                update = Update.de_json(data, app.bot)
            except Exception as error:  # the edge: a malformed update is dropped, not fatal
                log.warning("dropped a webhook update that is not one (%s)", type(error).__name__)
                return
            await app.update_queue.put(update)

        # Our own server rather than PTB's: it checks the secret before reading the body.
        self._webhook = WebhookServer(webhook_app(path, config.secret_token, deliver), sock)
        await self._webhook.start()
        await app.bot.set_webhook(
            url=config.webhook_url,
            secret_token=config.secret_token,
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info(
            "Telegram webhook listening on http://%s:%d/%s", config.listen, self.webhook_port, path
        )

    async def _set_menu(self) -> None:
        app = self._require_app()
        registry, catalogs = self._dispatcher.registry, self._dispatcher.catalogs
        default = self._dispatcher.config.network.language
        scopes: list[tuple[str | None, str]] = [(None, default)]
        scopes += [(language, language) for language in LANGUAGES]
        for code, language in scopes:
            commands = [BotCommand(n, d) for n, d in menu(registry, catalogs, language)]
            try:
                await app.bot.set_my_commands(commands, language_code=code)
            except TelegramError as error:
                log.warning("could not set the %s command menu: %s", language, error)

    def _require_app(self) -> Application[Any, Any, Any, Any, Any, Any]:
        if self._app is None:
            raise RuntimeError("the Telegram platform is not started")
        return self._app

    # -- incoming ----------------------------------------------------------------------------

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = incoming_message(update, self.username, self._dispatcher.registry.names())
        if incoming is None:
            return
        async with self._locks.hold(incoming.chat_id):
            reply = await self._run(incoming.actor, incoming.line)
            quote = incoming.message_id if incoming.actor.in_group else None
            await self._deliver(incoming.chat_id, reply, broadcast=False, quote=quote)

    async def _on_click(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        click = incoming_click(update)
        if click is None:
            return
        try:
            press = self._codec.decode(click.data)
        except ButtonError as error:
            t = await self._in_executor(self._dispatcher.translator_for, click.actor)
            await self._answer(click.query_id, t(error.message), alert=True)
            return
        lock = click.chat_id if click.chat_id is not None else 0
        async with self._locks.hold(lock):
            reply = await self._run(click.actor, press.command)
            await self._answer(click.query_id, reply.text, alert=reply.error)
            if press.refresh and click.chat_id is not None and click.message_id is not None:
                view = await self._run(click.actor, press.refresh)
                if not view.error:
                    await self._edit(click.chat_id, click.message_id, view)
            if not reply.error and click.chat_id is not None:
                await self._deliver(click.chat_id, reply, broadcast=False)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self._move(message.chat.id, message.migrate_to_chat_id)

    async def _move(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: linked circles follow it."""
        moved = await self._in_executor(
            move_chat, self._dispatcher.uow, f"{PREFIX}{old}", f"{PREFIX}{new}"
        )
        if moved:
            log.info("a linked Telegram group got a new id; moved %d circle link(s)", len(moved))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error(
            "Telegram handler failed with %s",
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )

    async def _run(self, actor: Actor, line: str) -> Reply:
        return await self._dispatcher.answer(actor, line)

    @staticmethod
    async def _in_executor(function: Any, *args: Any) -> Any:
        # The dispatcher and the store block; the event loop must keep serving other chats.
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)

    # -- outgoing ----------------------------------------------------------------------------

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        """Post a broadcast (reminder, announcement, hand-off), paced; ``departing`` runs when
        pacing lets it leave. A refusal by Telegram is logged and raised, so the caller can
        record that this one did not arrive."""
        chat_id = chat_id_of(chat)
        if chat_id is None:
            raise ValueError(f"not a Telegram chat: {chat[:40]}")
        self._require_app()
        async with self._locks.hold(chat_id):
            refusal = await self._deliver(chat_id, reply, broadcast=True, departing=departing)
        if refusal is not None:
            raise refusal

    def keyboard(self, reply: Reply) -> InlineKeyboardMarkup | None:
        rows = [
            [
                InlineKeyboardButton(
                    button.label[:64] or "•",
                    callback_data=self._codec.encode(Press(button.command, reply.refresh)),
                )
                for button in row
            ]
            for row in reply.buttons
            if row
        ]
        return InlineKeyboardMarkup(rows) if rows else None

    async def _deliver(
        self,
        chat_id: int,
        reply: Reply,
        *,
        broadcast: bool,
        quote: int | None = None,
        departing: Callable[[], None] | None = None,
    ) -> TelegramError | None:
        """Send the reply, following a group that became a supergroup to its new id; the
        first refusal by Telegram (already logged), or None when all of it went out."""
        try:
            return await self._deliver_to(
                chat_id, reply, broadcast=broadcast, quote=quote, departing=departing
            )
        except ChatMigrated as moved:
            await self._move(chat_id, moved.new_chat_id)
            try:
                return await self._deliver_to(
                    moved.new_chat_id, reply, broadcast=broadcast, departing=departing
                )
            except ChatMigrated as again:
                log.warning("Telegram moved a group twice in a row; a reply was not sent")
                return again

    async def _deliver_to(
        self,
        chat_id: int,
        reply: Reply,
        *,
        broadcast: bool,
        quote: int | None = None,
        departing: Callable[[], None] | None = None,
    ) -> TelegramError | None:
        """Send the text (in parts if long, the keyboard on the last) and then each file."""
        bot = self._require_app().bot
        limit: str | Departure | None = None
        if broadcast:
            limit = Departure(departing) if departing is not None else BROADCAST
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            request: dict[str, Any] = {"chat_id": chat_id, "text": part}
            keyboard = self.keyboard(reply) if last else None
            if keyboard is not None:
                request["reply_markup"] = keyboard
            if quote is not None and index == 0:
                request["reply_parameters"] = ReplyParameters(
                    quote, allow_sending_without_reply=True
                )
            refusal = await self._call(
                "sendMessage", post_undecoded(bot, "sendMessage", request, limit)
            )
            if refusal is not None:
                return refusal  # the chat refused us (blocked, gone): the rest would fail too
        for attachment in reply.attachments:
            refusal = await self._send_file(chat_id, attachment, limit)
            if refusal is not None:
                return refusal
        return None

    async def _send_file(
        self, chat_id: int, attachment: Attachment, limit: str | Departure | None
    ) -> TelegramError | None:
        bot = self._require_app().bot
        if attachment.mime in PHOTO_TYPES and len(attachment.data) <= MAX_PHOTO:
            return await self._call(
                "sendPhoto",
                bot.send_photo(
                    chat_id, attachment.data, filename=attachment.filename, rate_limit_args=limit
                ),
            )
        document = InputFile(attachment.data, filename=attachment.filename)
        return await self._call(
            "sendDocument", bot.send_document(chat_id, document, rate_limit_args=limit)
        )

    async def _edit(self, chat_id: int, message_id: int, view: Reply) -> None:
        bot = self._require_app().bot
        text = split_text(view.text)[0]
        try:
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=self.keyboard(view)
            )
        except BadRequest as error:
            # Pressing a button that changed nothing leaves the message as it was.
            if "not modified" not in str(error).lower():
                log.warning("Telegram refused editMessageText: %s", error)
        except TelegramError as error:
            log.warning("Telegram refused editMessageText: %s", error)

    async def _answer(self, query_id: str, text: str, *, alert: bool) -> None:
        bot = self._require_app().bot
        first = text.strip().split("\n", 1)[0] if not alert else text.strip()
        try:
            await bot.answer_callback_query(query_id, short(first), show_alert=alert)
        except TelegramError as error:
            # A press older than Telegram's window cannot be answered; the reply still goes.
            log.info("could not answer a button press: %s", error)

    @staticmethod
    async def _call(method: str, request: Any) -> TelegramError | None:
        """Await a Bot API call; a refusal is logged and returned, never raised, so it cannot
        stop the bot (a group's move to a supergroup is raised, for _deliver to follow)."""
        try:
            await request
        except ChatMigrated:
            raise
        except Forbidden as error:
            log.warning("Telegram refused %s (forbidden): %s", method, error)
            return error
        except BadRequest as error:
            log.warning("Telegram refused %s (bad request): %s", method, error)
            return error
        except TelegramError as error:
            log.error("Telegram %s failed: %s: %s", method, type(error).__name__, error)
            return error
        return None
