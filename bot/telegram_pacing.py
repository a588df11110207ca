"""Pacing of outgoing Telegram messages: sliding windows per group chat and for broadcasts.

Telegram allows about 30 messages a second overall and 20 a minute in one group. Broadcasts
the bot starts itself (reminders, announcements, hand-offs) wait for room in the overall window;
a direct answer to a user never waits for it, but it is counted there, so broadcasts make room
for people. Every message to a group, answer or broadcast, waits for room in that group's window.
The clock and the sleep are injected, so the rules are tested without waiting.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Limit:
    """At most ``count`` messages in any ``seconds``-long stretch of time."""

    count: int
    seconds: float


# Below Telegram's 30/s, leaving room for direct answers that do not wait.
BROADCAST_LIMIT = Limit(25, 1.0)
GROUP_LIMIT = Limit(20, 60.0)
SWEEP_AT = 1024


class SlidingWindow:
    """The moments of recent messages, and how long until one more fits under a limit."""

    def __init__(self, limit: Limit | None) -> None:
        self.limit = limit  # None: no count limit, only holds
        self._times: deque[float] = deque()
        self._held_until = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before one more message fits (0 when it fits now)."""
        self._forget(now)
        wait = self._held_until - now
        if self.limit is None:
            return max(wait, 0.0)
        excess = len(self._times) - self.limit.count
        if excess >= 0:
            # Forced records (answers that did not wait) may overfill the window: wait until
            # enough of the oldest have left it.
            wait = max(wait, self._times[excess] + self.limit.seconds - now)
        return max(wait, 0.0)

    def record(self, now: float) -> None:
        if self.limit is not None:
            self._times.append(now)

    def hold(self, until: float) -> None:
        """Nothing fits before ``until`` (Telegram said: retry after)."""
        self._held_until = max(self._held_until, until)

    def idle(self, now: float) -> bool:
        """True when the window remembers nothing that still matters (it may be dropped)."""
        self._forget(now)
        return not self._times and self._held_until <= now

    def _forget(self, now: float) -> None:
        if self.limit is None:
            return
        while self._times and self._times[0] <= now - self.limit.seconds:
            self._times.popleft()


class Pacer:
    """Decides when each outgoing message may leave; ``acquire`` returns when it may."""

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep,
        broadcast_limit: Limit = BROADCAST_LIMIT,
        group_limit: Limit = GROUP_LIMIT,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._overall = SlidingWindow(broadcast_limit)
        self._group_limit = group_limit
        self._chats: dict[int, SlidingWindow] = {}
        self._sweep_at = SWEEP_AT
        # Broadcasts queue for the overall window one by one, first come first served.
        self._broadcast_turn = asyncio.Lock()

    async def acquire(self, chat: int | None, *, broadcast: bool) -> None:
        """Wait until a message to ``chat`` may leave, and count it as sent."""
        if not broadcast:
            await self._wait_for_chat(chat)
            self._record(chat, self._clock())
            return
        while True:
            await self._wait_for_chat(chat)
            async with self._broadcast_turn:
                while (wait := self._overall.delay(self._clock())) > 0:
                    await self._sleep(wait)
                now = self._clock()
                # A direct answer may have taken the chat's last place while we queued.
                if self._chat_delay(chat, now) <= 0:
                    self._record(chat, now)
                    return

    def hold(self, chat: int | None, seconds: float) -> None:
        """Telegram asked to wait: nothing more goes to ``chat`` (or anywhere) until then."""
        until = self._clock() + seconds
        window = self._window(chat) if chat is not None else self._overall
        if window is not None:
            window.hold(until)

    @property
    def tracked_chats(self) -> int:
        """How many chats' windows are kept (a sweep drops the idle ones)."""
        return len(self._chats)

    @staticmethod
    def is_group(chat: int | None) -> bool:
        # Telegram gives groups, supergroups and channels negative ids, people positive ones.
        return chat is not None and chat < 0

    async def _wait_for_chat(self, chat: int | None) -> None:
        while (wait := self._chat_delay(chat, self._clock())) > 0:
            await self._sleep(wait)

    def _chat_delay(self, chat: int | None, now: float) -> float:
        window = self._chats.get(chat) if chat is not None else None
        return window.delay(now) if window is not None else 0.0

    def _record(self, chat: int | None, now: float) -> None:
        self._overall.record(now)
        window = self._window(chat)
        if window is not None:
            window.record(now)
        self._drop_idle(now)

    def _window(self, chat: int | None) -> SlidingWindow | None:
        if chat is None:
            return None
        window = self._chats.get(chat)
        if window is None:
            # Private chats get a window too, but only to hold them after a 429.
            limit = self._group_limit if self.is_group(chat) else None
            window = self._chats[chat] = SlidingWindow(limit)
        return window

    def _drop_idle(self, now: float) -> None:
        # Memory grows with the chats active within the last window, not with all chats ever;
        # sweeping only when the map doubled keeps the cost per message constant.
        if len(self._chats) > self._sweep_at:
            for key in [k for k, w in self._chats.items() if w.idle(now)]:
                del self._chats[key]
            self._sweep_at = max(SWEEP_AT, 2 * len(self._chats))
