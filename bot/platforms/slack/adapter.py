"""The Slack platform: slack-bolt's AsyncApp in the runner's loop, one `/can` slash command.

Slack wants an answer within 3 seconds, so every listener acks first and does the work after:
the command runs through the dispatcher in a worker thread (the store is synchronous) and the
reply goes out through the request's response_url. Buttons carry the command line they run, so
a press is the same as typing it; the message is then replaced in place. Socket Mode when an app
token is set; otherwise the portal serves ``POST /slack/events`` and Bolt checks every request's
signature (a bad, missing or stale one gets 401 and runs nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.commands.dispatch import Dispatcher
from bot.config import Config, ConfigError, SlackConfig
from bot.platforms.slack.blocks import ACTION_PATTERN, home_view, message
from bot.platforms.slack.directory import SlackDirectory
from bot.platforms.slack.payload import (
    BadPayload,
    Invocation,
    from_action,
    from_command,
    from_home_opened,
)
from bot.reply import Attachment, Reply
from circles.actor import Actor

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
SLASH_COMMAND = "/can"
CHAT_PREFIX = "slack:"
DEFAULT_API = "https://slack.com/api/"
NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, OSError)
DRAIN_SECONDS = 5.0


def api_base_url(config: SlackConfig) -> str:
    """``slack.api_base_url`` is the Web API root (``https://slack.com/api``); the client wants
    the trailing slash to join method names onto it."""
    return config.api_base_url.rstrip("/") + "/" if config.api_base_url else DEFAULT_API


class SlackPlatform:
    """Slack through slack-bolt: commands, buttons, the App Home, and broadcasts to channels."""

    name = "Slack"

    def __init__(self, config: Config, dispatcher: Dispatcher) -> None:
        self._config = config.slack
        if not self.socket_mode and not self._config.signing_secret:
            # Checked by the config loader too; an empty secret would let anyone sign requests.
            raise ConfigError("slack.signing_secret: required in HTTP mode")
        self._network_name = config.network.name
        self._dispatcher = dispatcher
        self.app = AsyncApp(
            name="canbot",
            # Both passed explicitly, so Bolt never falls back to SLACK_* environment variables.
            token=self._config.bot_token,
            signing_secret=self._config.signing_secret,
            logger=logging.getLogger("bot.platforms.slack.adapter.bolt"),
        )
        # Bolt logs the whole body of a request with a bad signature (user text, response URLs);
        # handle_http says briefly that it happened instead. Set after AsyncApp() because Bolt
        # resets its middleware loggers' levels when it builds them.
        logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
        # Bolt copies its client's base URL and retry handlers into every per-request client,
        # so pointing this one elsewhere points them all (a GovSlack host, the test fake).
        self.client: AsyncWebClient = self.app.client
        self.client.base_url = api_base_url(self._config)
        # Broadcasts may hit Slack's per-channel rate limit; wait as Slack asks, then retry.
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        self.directory = SlackDirectory(self.client)
        self.team = ""
        self.bot_user = ""
        self._socket: AsyncSocketModeHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.app.command(SLASH_COMMAND)(self._on_command)
        self.app.action(ACTION_PATTERN)(self._on_button)
        self.app.event("app_home_opened")(self._on_home_opened)

    @property
    def socket_mode(self) -> bool:
        return bool(self._config.app_token)

    # Lifecycle

    def web_routes(self) -> list[web.RouteDef]:
        """HTTP mode: slash commands, interactivity and events all arrive on one URL."""
        return [] if self.socket_mode else [web.post(EVENTS_PATH, self.handle_http)]

    async def start(self) -> None:
        await self._verify_token()
        if self.socket_mode:
            self._socket = AsyncSocketModeHandler(
                self.app, self._config.app_token, web_client=self.client
            )
            try:
                # slack_bolt's socket handler methods are unannotated, hence the ignores.
                await self._socket.connect_async()  # type: ignore[no-untyped-call]
            except SlackApiError as error:
                await self._socket.close_async()  # type: ignore[no-untyped-call]
                raise ConfigError(
                    f"slack.app_token: Slack refused it ({error.response.get('error', '?')})"
                ) from None
        mode = "Socket Mode" if self.socket_mode else f"HTTP mode on {EVENTS_PATH}"
        log.info("slack: connected to team %s as %s, %s", self.team, self.bot_user, mode)

    async def _verify_token(self) -> None:
        """auth.test at start, so a wrong token stops the start with one clear line."""
        try:
            result = await self.client.auth_test()
        except SlackApiError as error:
            raise ConfigError(
                f"slack.bot_token: Slack refused it ({error.response.get('error', '?')})"
            ) from None
        except NETWORK_ERRORS as error:
            raise ConfigError(
                f"slack.api_base_url: cannot reach the Slack API ({type(error).__name__})"
            ) from None
        self.team = str(result.get("team_id") or "")
        self.bot_user = str(result.get("user_id") or "")

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if not self._tasks:
            return
        # Let answers already under way reach their users; only then give up on the rest.
        _, pending = await asyncio.wait(set(self._tasks), timeout=DRAIN_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def handle_http(self, request: web.Request) -> web.Response:
        """Every Slack HTTP request ends in Bolt's dispatch, signature check first."""
        response = await self.app.async_dispatch(await to_bolt_request(request))
        if response.status == 401:
            # Bolt's own notice of this prints the whole body; ours says only that it happened.
            log.warning("slack: refused a request with a missing, bad or stale signature")
        return await to_aiohttp_response(response)

    # Sending

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        """Post a broadcast to ``slack:<channel>``; raises SlackApiError if Slack refuses.
        ``departing`` runs just before the first request (Slack needs no pacing of ours)."""
        if not chat.startswith(CHAT_PREFIX):
            raise ValueError(f"not a Slack chat: {chat[:40]}")
        channel = chat[len(CHAT_PREFIX) :]
        if departing is not None:
            departing()
        await self.client.chat_postMessage(channel=channel, **message(reply))
        for attachment in reply.attachments:
            await self._upload_one(channel, attachment)

    # Listeners: each acks at once and leaves the work to a task it keeps track of.

    def _later(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        task = asyncio.get_running_loop().create_task(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            await work()
        except BadPayload as error:
            log.warning("slack: dropped a request: %s", error)
        except SlackApiError as error:
            log.warning("slack: the Web API refused a call (%s)", error.response.get("error", "?"))
        except NETWORK_ERRORS as error:
            log.warning("slack: could not reach Slack (%s)", type(error).__name__)
        except Exception:
            # The platform's error edge: never the user's text, never a token.
            log.exception("slack: a listener failed")

    async def _on_command(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._later(lambda: self._answer_command(from_command(body)))

    async def _on_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        self._later(lambda: self._answer_button(from_action(body, action)))

    async def _on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        self._later(lambda: self._publish_home(from_home_opened(body, event)))

    # The work after the ack

    async def _actor(self, invocation: Invocation) -> Actor:
        user = await self.directory.lookup(invocation.user, invocation.user_name)
        return Actor(
            identity=invocation.identity,
            name=user.name,
            language_hint=user.locale,
            chat=invocation.chat,
            in_group=invocation.in_group,
        )

    async def _run(self, actor: Actor, line: str) -> Reply:
        return await self._dispatcher.answer(actor, line)

    async def _answer_command(self, invocation: Invocation) -> None:
        actor = await self._actor(invocation)
        reply = await self._run(actor, invocation.line)
        payload = message(reply, note=f"{SLASH_COMMAND} {invocation.line}")
        await self._respond(invocation, payload, response_type="ephemeral")
        await self._upload(invocation, reply)

    async def _answer_button(self, invocation: Invocation) -> None:
        actor = await self._actor(invocation)
        reply = await self._run(actor, invocation.line)
        if invocation.in_home:
            await self._publish_home(invocation, actor=actor, banner=reply)
        else:
            payload = message(reply, note=f"{SLASH_COMMAND} {invocation.line}")
            if invocation.response_url:
                await self._respond(invocation, payload, replace_original=True)
            elif invocation.channel and invocation.message_ts:
                await self.client.chat_update(
                    channel=invocation.channel, ts=invocation.message_ts, **payload
                )
        await self._upload(invocation, reply)

    async def _respond(self, invocation: Invocation, payload: dict[str, Any], **how: Any) -> None:
        """Post to the request's response_url (the one way to answer in an ephemeral message)."""
        if not invocation.response_url:
            # Slack always sends one with a command; without it, an ephemeral post still works.
            await self.client.chat_postEphemeral(
                channel=invocation.channel, user=invocation.user, **payload
            )
            return
        webhook = AsyncWebhookClient(invocation.response_url, logger=log)
        answer = await webhook.send_dict({**payload, **how})
        if answer.status_code != 200:
            log.warning("slack: response_url answered HTTP %s", answer.status_code)

    async def _upload(self, invocation: Invocation, reply: Reply) -> None:
        """Files go to the channel the command came from, or to the user's DM when that is
        refused (the bot is not in the channel) or there is no channel (the App Home)."""
        if not reply.attachments:
            return
        channel = invocation.channel or await self._direct_channel(invocation.user)
        for attachment in reply.attachments:
            try:
                await self._upload_one(channel, attachment)
            except SlackApiError:
                if channel != invocation.channel:
                    raise
                channel = await self._direct_channel(invocation.user)
                await self._upload_one(channel, attachment)

    async def _upload_one(self, channel: str, attachment: Attachment) -> None:
        await self.client.files_upload_v2(
            channel=channel,
            file=attachment.data,
            filename=attachment.filename,
            title=attachment.filename,
        )

    async def _direct_channel(self, user: str) -> str:
        opened = await self.client.conversations_open(users=user)
        return str(opened["channel"]["id"])

    # The App Home

    async def _publish_home(
        self, invocation: Invocation, *, actor: Actor | None = None, banner: Reply | None = None
    ) -> None:
        actor = actor or await self._actor(invocation)
        loop = asyncio.get_running_loop()
        view = await loop.run_in_executor(None, self._home, actor, banner)
        await self.client.views_publish(user_id=invocation.user, view=view)

    def _home(self, actor: Actor, banner: Reply | None) -> dict[str, Any]:
        """Your roles (or a welcome), open roles matching your skills, then the next meetups."""
        handle = self._dispatcher.handle
        t = self._dispatcher.translator_for(actor)
        mine = handle(actor, "myroles")
        if mine.error:  # not a volunteer yet: the welcome, with its join button
            mine = handle(actor, "start")
        parts = [mine, handle(actor, "roles"), *self.home_meetups(actor)]
        if banner is not None:
            parts.insert(0, banner)
        footer = t("Type {command} help in any channel for every command.", command=SLASH_COMMAND)
        return home_view(self._network_name, parts, footer)

    def home_meetups(self, actor: Actor) -> Sequence[Reply]:
        """The network's next sessions with their ids (nothing when none is planned)."""
        coming = self._dispatcher.handle(actor, "meetups")
        return () if coming.error else (coming,)
