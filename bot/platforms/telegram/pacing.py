"""Pacing of outgoing Telegram messages: sliding windows per group chat and for broadcasts.

Telegram allows about 30 messages a second overall and 20 a minute in one group. Broadcasts
the bot starts itself (reminders, announcements, hand-offs) wait for room in the overall window;
a direct answer to a user never waits for it, but it is counted there, so broadcasts make room
for people. Every message to a group, answer or broadcast, waits for room in that group's window.

A message counts from the moment it may leave until its request has completed, and then as
sent at completion: Telegram counts on arrival, which lies somewhere in between, so requests
that queue in the HTTP client cannot bunch up into a burst at the server. The clock and the
sleep are injected, so the rules are tested without waiting.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Limit:
    """At most ``count`` messages in any ``seconds``-long stretch of time."""

    count: int
    seconds: float


# Below Telegram's 30/s, leaving room for direct answers that do not wait (they are counted, so
# a busy second of answers slows broadcasts down). 28 keeps a 1,000-chat reminder wave at 93% of
# the limit (bench/reminder_fanout.py) with no 429 from a server that counts on arrival.
BROADCAST_LIMIT = Limit(28, 1.0)
GROUP_LIMIT = Limit(20, 60.0)
SWEEP_AT = 1024
# How often a message waiting only for requests still in flight looks again.
IN_FLIGHT_POLL = 0.05


class Slot:
    """One message in a window: in flight (``at`` is infinite) or sent at ``at``."""

    __slots__ = ("at",)

    def __init__(self) -> None:
        self.at = math.inf


class SlidingWindow:
    """The recent messages, and how long until one more fits under a limit."""

    def __init__(self, limit: Limit | None) -> None:
        self.limit = limit  # None: no count limit, only holds
        self._slots: list[Slot] = []
        self._held_until = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before one more message fits (0 when it fits now)."""
        wait = self._held_until - now
        if self.limit is None:
            return max(wait, 0.0)
        self._forget(now)
        excess = len(self._slots) - self.limit.count
        if excess >= 0:
            # Forced records (answers that did not wait) may overfill the window: wait until
            # enough of the oldest have left it.
            blocking = sorted(slot.at for slot in self._slots)[excess]
            # One still in flight has not even arrived yet: look again shortly.
            free_in = (
                IN_FLIGHT_POLL if blocking == math.inf else blocking + self.limit.seconds - now
            )
            wait = max(wait, free_in)
        return max(wait, 0.0)

    def record(self) -> Slot:
        slot = Slot()
        if self.limit is not None:
            self._slots.append(slot)
        return slot

    def hold(self, until: float) -> None:
        """Nothing fits before ``until`` (Telegram said: retry after)."""
        self._held_until = max(self._held_until, until)

    def idle(self, now: float) -> bool:
        """True when the window remembers nothing that still matters (it may be dropped)."""
        self._forget(now)
        return not self._slots and self._held_until <= now

    def _forget(self, now: float) -> None:
        horizon = now - (self.limit.seconds if self.limit else 0.0)
        self._slots = [slot for slot in self._slots if slot.at > horizon]


@dataclass
class Ticket:
    """Permission for one message; hand it back with ``Pacer.done`` when the request ends."""

    slots: list[Slot] = field(default_factory=list)


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

    async def acquire(self, chat: int | None, *, broadcast: bool) -> Ticket:
        """Wait until a message to ``chat`` may leave, and count it from now on."""
        if not broadcast:
            await self._wait_for_chat(chat)
            return self._record(chat)
        while True:
            await self._wait_for_chat(chat)
            async with self._broadcast_turn:
                while (wait := self._overall.delay(self._clock())) > 0:
                    await self._sleep(wait)
                # A direct answer may have taken the chat's last place while we queued.
                if self._chat_delay(chat, self._clock()) <= 0:
                    return self._record(chat)

    def done(self, ticket: Ticket) -> None:
        """The request ended: its message counts as sent now, and leaves the windows later."""
        now = self._clock()
        for slot in ticket.slots:
            slot.at = now

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

    def _record(self, chat: int | None) -> Ticket:
        ticket = Ticket([self._overall.record()])
        window = self._window(chat)
        if window is not None:
            ticket.slots.append(window.record())
        self._drop_idle(self._clock())
        return ticket

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
