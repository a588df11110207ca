"""Who a Slack user is (display name and locale, from users.info), cached per user."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackUser:
    name: str
    locale: str  # e.g. "zh-CN", "en-US"; "" when unknown


class SlackDirectory:
    """Looks users up once per ``ttl`` seconds, so most commands cost no extra API call."""

    def __init__(
        self,
        client: Any,  # slack_sdk AsyncWebClient (untyped library)
        *,
        ttl: float = 3600.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, SlackUser]] = OrderedDict()

    async def lookup(self, user: str, fallback_name: str = "") -> SlackUser:
        """The user's name and locale; on any API trouble, the fallback name and no locale."""
        now = self._clock()
        cached = self._cache.get(user)
        if cached is not None and now - cached[0] < self._ttl:
            self._cache.move_to_end(user)
            return cached[1]
        try:
            response = await self._client.users_info(user=user, include_locale=True)
        except SlackApiError as error:
            # A missing users:read scope must not cost the user their answer.
            log.warning("slack: users.info failed (%s)", error.response.get("error", "?"))
            return SlackUser(fallback_name or user, "")
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            log.warning("slack: users.info unreachable (%s)", type(error).__name__)
            return SlackUser(fallback_name or user, "")
        found = self._parse(response.get("user") or {}, fallback_name or user)
        self._cache[user] = (now, found)
        self._cache.move_to_end(user)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
        return found

    @staticmethod
    def _parse(data: dict[str, Any], fallback: str) -> SlackUser:
        profile = data.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or data.get("real_name")
            or data.get("name")
            or fallback
        )
        return SlackUser(str(name)[:80], str(data.get("locale") or ""))
