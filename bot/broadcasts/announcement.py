"""How a queued announcement reads in a chat, and its delivery to every chat it names."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from bot.i18n import Translator
from bot.platforms.base import Platform
from bot.reply import Button, Reply
from circles.services.announcements import Announcement
from circles.text import pick

log = logging.getLogger(__name__)


def render(t: Translator, announcement: Announcement) -> Reply:
    params = {
        key: pick(value, t.language) if isinstance(value, dict) else value
        for key, value in announcement.params.items()
    }
    buttons = tuple(Button(t(label), command) for label, command in announcement.buttons)
    return Reply(t(announcement.message, **params), buttons=(buttons,) if buttons else ())


async def send_announcements(
    announcements: Sequence[Announcement], routes: Mapping[str, Platform], t: Translator
) -> int:
    """Send each announcement, in order, to each of its chats; returns the messages sent."""
    sent = 0
    for announcement in announcements:
        reply = render(t, announcement)
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
