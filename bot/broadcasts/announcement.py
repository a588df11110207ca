"""How a queued announcement reads in a chat, and its delivery to every chat it names.

A chat's announcement is read in the network's language; a private message in its reader's,
which the use case wrote with it (``direct.tell``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from bot.i18n import Catalogs, Translator
from bot.platforms.base import Platform
from bot.reply import Button, Reply
from circles.services.announcements import Announcement
from circles.text import pick

log = logging.getLogger(__name__)


def render(t: Translator, announcement: Announcement, catalogs: Catalogs | None = None) -> Reply:
    """``t`` is the network's translator; with ``catalogs``, a message that names its reader's
    language is rendered in that one instead."""
    if catalogs is not None and announcement.language:
        t = catalogs.translator(announcement.language)
    params = {
        key: pick(value, t.language) if isinstance(value, dict) else value
        for key, value in announcement.params.items()
    }
    buttons = tuple(Button(t(label), command) for label, command in announcement.buttons)
    return Reply(t(announcement.message, **params), buttons=(buttons,) if buttons else ())


async def send_announcements(
    announcements: Sequence[Announcement],
    routes: Mapping[str, Platform],
    t: Translator,
    catalogs: Catalogs | None = None,
) -> int:
    """Send each announcement, in order, to each of its chats; returns the messages sent."""
    sent = 0
    for announcement in announcements:
        reply = render(t, announcement, catalogs)
        for chat in announcement.chats:
            platform = routes.get(chat.partition(":")[0])
            if platform is None:
                continue
            try:
                await platform.send(chat, reply)
                sent += 1
            except Exception:
                # Not retried, like reminders: the chat may have got it before the error.
                log.exception("sending announcement %s failed", announcement.id)
    return sent
