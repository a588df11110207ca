"""The circle map drawn once per revision and language, shared by the `map` command and the portal.

Rasterising the PNG costs 0.5-1.5 s of CPU (bench/portal.py), mostly Python holding the GIL, so a
group asking `map` ten times in a minute must not draw it ten times. Drawings of older revisions
are dropped as soon as a newer revision is drawn: only the current picture is worth keeping.
"""

from __future__ import annotations

import threading

from bot.circle_map.png import svg_to_png
from bot.circle_map.snapshot import CircleMap
from bot.circle_map.svg import circle_map_svg
from bot.i18n import Catalogs


class MapDrawings:
    """Thread-safe: commands draw in worker threads, the portal on the event loop and in threads."""

    def __init__(self, catalogs: Catalogs, network_name: str) -> None:
        self._catalogs = catalogs
        self._network_name = network_name
        self._revision = ""
        self._svg: dict[str, str] = {}
        self._png: dict[str, bytes] = {}
        self._lock = threading.Lock()  # guards the dictionaries and the revision
        self._rasterising = threading.Lock()  # one PNG at a time: a burst draws it once

    def svg(self, circle_map: CircleMap, lang: str) -> str:
        with self._lock:
            self._follow(circle_map)
            found = self._svg.get(lang)
        if found is None:
            found = circle_map_svg(circle_map, self._catalogs.translator(lang), self._network_name)
            with self._lock:
                if circle_map.revision == self._revision:
                    self._svg[lang] = found
        return found

    def cached_png(self, circle_map: CircleMap, lang: str) -> bytes | None:
        with self._lock:
            return self._png.get(lang) if circle_map.revision == self._revision else None

    def png(self, circle_map: CircleMap, lang: str) -> bytes:
        """The PNG, drawn now unless this revision's is kept; blocks, so call it off the loop."""
        with self._rasterising:
            found = self.cached_png(circle_map, lang)
            if found is None:
                found = svg_to_png(self.svg(circle_map, lang))
                with self._lock:
                    if circle_map.revision == self._revision:
                        self._png[lang] = found
        return found

    def _follow(self, circle_map: CircleMap) -> None:
        """Keep drawings of one revision only. Revisions are hashes with no order, so a reader
        holding an older map may swap back for a moment; that costs a redraw, never a wrong map."""
        if circle_map.revision != self._revision:
            self._revision = circle_map.revision
            self._svg, self._png = {}, {}
