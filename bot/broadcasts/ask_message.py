"""The scheduler's part for asks: run the ask tick (nudges, escalations, retention) and send the
queued private messages, each in its reader's language."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.i18n import Catalogs
from bot.platforms.base import Platform
from bot.reply import Button, Reply
from circles.ask import AskRules
from circles.services.ask_outbox import PrivateMessage, take_private
from circles.services.ask_schedule import run_ask_tick
from circles.text import pick
from circles.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def render(catalogs: Catalogs, default_language: str, item: PrivateMessage) -> Reply:
    t = catalogs.translator(item.language or default_language)
    params = {
        key: pick(value, t.language) if isinstance(value, dict) else value
        for key, value in item.params.items()
    }
    buttons = tuple(Button(t(label), command) for label, command in item.buttons)
    return Reply(t(item.message, **params), buttons=(buttons,) if buttons else ())


class AskDuties:
    """What `canbot run` does for asks on its schedule (the MeetupScheduler calls it)."""

    def __init__(self, uow: UnitOfWork, catalogs: Catalogs, rules: AskRules) -> None:
        self.uow = uow
        self.catalogs = catalogs
        self.rules = rules

    def tick(self) -> None:
        """Nudge, escalate and purge what is due; the messages go out with ``deliver``."""
        done = run_ask_tick(self.uow, self.rules)
        if done.nudged or done.escalated or done.purged:
            log.info(
                "asks: %d nudged, %d escalated, %d past retention",
                done.nudged,
                done.escalated,
                done.purged,
            )

    async def deliver(self, routes: Mapping[str, Platform]) -> int:
        """Send every queued private message once; returns how many left."""
        taken = take_private(self.uow, routes.keys())
        sent = 0
        for item in taken:
            platform = routes.get(item.chat.partition(":")[0])
            if platform is None:
                continue
            try:
                await platform.send(
                    item.chat, render(self.catalogs, self.uow.network.language, item)
                )
                sent += 1
            except Exception:
                # Not retried, like announcements: it may have arrived before the error.
                log.exception("sending private message %s failed", item.id)
        return sent
