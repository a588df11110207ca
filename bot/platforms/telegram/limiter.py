"""The rate limiter every Bot API request goes through: pacing, then retry when told to wait.

python-telegram-bot hands each request to ``process_request`` with the method name, its
parameters and the ``rate_limit_args`` the caller gave; ``BROADCAST`` marks a message the bot
starts itself. A 429 (``RetryAfter``) is waited out and the request sent again, so nothing is
lost to flood control; a refused connection is retried a few times. Other errors go back to the
caller, which logs them.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.platforms.telegram.pacing import Clock, Pacer, Sleep

log = logging.getLogger(__name__)

BROADCAST = "broadcast"


class Departure:
    """Marks a broadcast like ``BROADCAST`` and says when it leaves: ``callback`` runs once,
    after pacing let the first request go and just before it is made. The scheduler records
    it, so after a crash it knows which reminders may have reached their chat."""

    def __init__(self, callback: Callable[[], None]) -> None:
        self._callback: Callable[[], None] | None = callback

    def depart(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


# Methods that put a message in a chat and so count towards Telegram's per-chat limits.
PACED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendAnimation",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendLocation",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)
MAX_FLOOD_RETRIES = 8
MAX_NETWORK_RETRIES = 3

Result = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait, whichever type this PTB version reports it as."""
    with warnings.catch_warnings():
        # PTB 22 warns that the attribute will become a timedelta; both are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 0.0)


def chat_of(data: dict[str, Any]) -> int | None:
    """The numeric chat a request goes to, if it names one (``@channel`` names are not paced)."""
    value = data.get("chat_id")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


class PacingRateLimiter(BaseRateLimiter["str | Departure"]):
    """Paces messages per chat and broadcasts overall, and retries after flood control."""

    def __init__(
        self,
        pacer: Pacer | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self._sleep = sleep
        self.pacer = pacer or Pacer(clock, sleep)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | Departure | None,
    ) -> Result:
        paced = endpoint in PACED_METHODS
        chat = chat_of(data) if paced else None
        floods = failures = 0
        while True:
            try:
                if not paced:
                    return await callback(*args, **kwargs)
                return await self._paced(callback, args, kwargs, chat, rate_limit_args)
            except RetryAfter as error:
                floods += 1
                if floods > MAX_FLOOD_RETRIES:
                    raise
                delay = retry_seconds(error)
                log.warning(
                    "Telegram flood control on %s: waiting %.1f s, then retry %d",
                    endpoint,
                    delay,
                    floods,
                )
                self.pacer.hold(chat, delay)
                await self._sleep(delay)
            except (BadRequest, TimedOut):
                # A bad request will not get better; a timeout may have been delivered, and
                # sending again could post the message twice.
                raise
            except NetworkError as error:
                failures += 1
                if failures > MAX_NETWORK_RETRIES:
                    raise
                log.warning(
                    "Telegram unreachable on %s (%s): retry %d",
                    endpoint,
                    type(error).__name__,
                    failures,
                )
                await self._sleep(float(failures))

    async def _paced(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        chat: int | None,
        rate_limit_args: str | Departure | None,
    ) -> Result:
        departure = rate_limit_args if isinstance(rate_limit_args, Departure) else None
        broadcast = departure is not None or rate_limit_args == BROADCAST
        ticket = await self.pacer.acquire(chat, broadcast=broadcast)
        try:
            if departure is not None:
                departure.depart()
            return await callback(*args, **kwargs)
        finally:
            self.pacer.done(ticket)
