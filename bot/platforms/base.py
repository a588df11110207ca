"""What every chat platform adapter provides: start, stop, and sending to a chat.

How to add a platform (``bot/platforms/<name>/``, a package of its own that imports no other
platform):

1. **Incoming.** Turn each message the platform delivers into an ``Actor`` (``identity`` is
   ``<name>:<the platform's stable user id>``, ``name`` the display name, ``language_hint`` the
   user's language if the platform tells it, ``chat`` ``<name>:<chat id>`` and ``in_group``)
   and one command line (strip the platform's own prefix: ``/cmd@bot``, ``/can cmd``,
   ``!can cmd``), then ``await dispatcher.answer(actor, line)``. It never raises: every outcome,
   including a refusal, is a ``Reply``.
2. **Rendering.** Turn the ``Reply`` into the platform's message: ``text`` (plain, escaped for
   the platform's markup), ``buttons`` (each runs ``button.command`` as the presser, as if they
   had typed it; where the reply has ``refresh``, re-run it after the press and edit the message
   in place), ``attachments`` (files: a PDF as a document, a PNG as an image).
3. **Broadcasts.** ``send`` posts a reminder, announcement or hand-off to a linked chat, paced
   under the platform's limits; the scheduler chooses the platform by the chat's prefix.
4. **Lifecycle.** ``start`` connects (and fails with a ``ConfigError`` naming the key when the
   platform refuses the credentials); ``stop`` lets answers under way finish. Tokens never reach a
   log line.
5. Register it in ``bot/app/runner.py`` (``build_platforms``) and its config section in
   ``bot/config.py``, and pass the platform contract suite (``tests/bot/platforms/contract.py``)
   with a driver of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from aiohttp import web

from bot.reply import Reply


class Platform(Protocol):
    """A chat platform running inside `canbot run`'s event loop (see the module docstring)."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(
        self, chat: str, reply: Reply, *, departing: Callable[[], None] | None = None
    ) -> None:
        """Post ``reply`` to ``chat`` (``telegram:<id>``, ``slack:<channel>``) as a broadcast.

        ``departing`` (if given) runs once, right before the first request leaves for the
        platform: after any wait for rate limits, so the caller knows it may have arrived.
        """


@runtime_checkable
class ServesWeb(Protocol):
    """A platform that receives its requests on the web portal (Slack's HTTP mode)."""

    def web_routes(self) -> list[web.RouteDef]:
        """Routes to mount on the portal before it starts (none when not needed)."""
        ...
