"""The circle map drawn for readers: SVG and PNG per language, kept for the current revision."""

from __future__ import annotations

import asyncio

from bot.circle_map.png import svg_to_png
from bot.circle_map.snapshot import CircleMap
from bot.circle_map.svg import circle_map_svg
from bot.i18n import Catalogs
from bot.portal.live import MapFeed


class MapImages:
    """Draws each (revision, language, kind) once; a new revision drops the old drawings."""

    def __init__(self, feed: MapFeed, catalogs: Catalogs, network_name: str) -> None:
        self._feed = feed
        self._catalogs = catalogs
        self._network_name = network_name
        self._revision = ""
        self._svg: dict[str, str] = {}
        self._png: dict[str, bytes] = {}

    def svg(self, lang: str) -> tuple[CircleMap, str]:
        circle_map = self._current()
        if lang not in self._svg:
            t = self._catalogs.translator(lang)
            self._svg[lang] = circle_map_svg(circle_map, t, self._network_name)
        return circle_map, self._svg[lang]

    async def png(self, lang: str) -> bytes:
        circle_map, svg = self.svg(lang)
        if lang not in self._png:
            # Rasterising takes tens of milliseconds: off the event loop.
            data = await asyncio.to_thread(svg_to_png, svg)
            if circle_map.revision == self._revision:
                self._png[lang] = data
            return data
        return self._png[lang]

    def _current(self) -> CircleMap:
        circle_map = self._feed.current()
        if circle_map.revision != self._revision:
            self._revision = circle_map.revision
            self._svg, self._png = {}, {}
        return circle_map
