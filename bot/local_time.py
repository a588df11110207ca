"""How instants and spans read in chat: a weekday, a date and a time in a given time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from circles.errors import N_

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def when(t: Translator, instant: datetime, timezone: str) -> str:
    """``Tue 2026-12-01 20:00`` in ``timezone``."""
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{t(WEEKDAYS[local.weekday()])} {local:%Y-%m-%d %H:%M}"


def span(t: Translator, start: datetime, end: datetime, timezone: str) -> str:
    """``Tue 2026-12-01 20:00–21:30`` (the end with its date when it falls on another day)."""
    tz = ZoneInfo(timezone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    tail = f"{local_end:%H:%M}"
    if local_end.date() != local_start.date():
        tail = f"{local_end:%Y-%m-%d %H:%M}"
    return f"{when(t, start, timezone)}–{tail}"


def clock(instant: datetime, timezone: str) -> str:
    """``20:00`` in ``timezone``."""
    return f"{instant.astimezone(ZoneInfo(timezone)):%H:%M}"


def lead_time(t: Translator, delta: timedelta) -> str:
    """``24 h``, ``90 min``, ``30 s``: how long before something it is."""
    seconds = int(delta.total_seconds())
    if seconds >= 3600 and seconds % 3600 == 0:
        return t("{count} h", count=seconds // 3600)
    if seconds >= 60 and seconds % 60 == 0:
        return t("{count} min", count=seconds // 60)
    return t("{count} s", count=seconds)
