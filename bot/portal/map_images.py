"""The circle map for the portal's readers: the current revision's SVG and PNG per language."""

from __future__ import annotations

import asyncio

from bot.circle_map.drawings import MapDrawings
from bot.circle_map.snapshot import CircleMap
from bot.portal.live import MapFeed


class MapImages:
    """The live feed's current map, drawn through the drawings shared with the `map` command."""

    def __init__(self, feed: MapFeed, drawings: MapDrawings) -> None:
        self._feed = feed
        self._drawings = drawings

    def svg(self, lang: str) -> tuple[CircleMap, str]:
        circle_map = self._feed.current()
        return circle_map, self._drawings.svg(circle_map, lang)

    async def png(self, lang: str) -> bytes:
        circle_map = self._feed.current()
        kept = self._drawings.cached_png(circle_map, lang)
        if kept is not None:
            return kept
        # Rasterising takes up to a second or two: off the event loop.
        return await asyncio.to_thread(self._drawings.png, circle_map, lang)
