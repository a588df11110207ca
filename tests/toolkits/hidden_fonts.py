"""Run by test_cjk_font in a child whose fontconfig sees only a Latin font folder.

``python -m tests.toolkits.hidden_fonts OUT`` writes, into OUT: the Chinese parcel-sorting kit as
WeasyPrint renders it for the bot (kit.pdf) and the same Chinese text rendered by plain WeasyPrint
without the bundled font (plain.pdf, the control); the map of a Chinese network as the bot sends
it (map.png); and map.json: the family cairosvg draws the map's text with, the glyph each of the
map's Chinese characters gets in that family, and the glyphs the same characters get in a Latin
family (the control). Fontconfig reads its configuration once per process, so this cannot run in
the test process itself.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import cairocffi
import weasyprint

from bot.circle_map.png import svg_to_png
from bot.circle_map.snapshot import read_circle_map
from bot.circle_map.svg import circle_map_svg
from bot.i18n import Catalogs
from circles.clock import FixedClock
from circles.network import Network
from circles.services.network_setup import ensure_seeded
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import load_catalog
from toolkits.render import Renderer

HAN = re.compile(r"[\u3400-\u9fff]")
PARAMS = {"buildings": "1-3", "neighborhood": "新华路小区"}


def cairo_glyphs(family: str, text: str) -> list[int]:
    """The glyph ids cairo's toy font API (what cairosvg uses) gives ``text`` in ``family``."""
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 10, 10)
    context = cairocffi.Context(surface)
    context.select_font_face(family)
    glyphs, _clusters, _flags = context.get_scaled_font().text_to_glyphs(0, 0, text, True)
    return [int(glyph[0]) for glyph in glyphs]


def main(out: Path) -> None:
    kit = load_catalog([]).get("parcel-sorting")
    (out / "kit.pdf").write_bytes(Renderer("https://can.example.org").pdf(kit, "zh", PARAMS))
    control = (
        '<html lang="zh-CN"><body><p style="font-family: sans-serif">快递分拣</p></body></html>'
    )
    (out / "plain.pdf").write_bytes(weasyprint.HTML(string=control).write_pdf())

    uow = UnitOfWork(
        MemoryStore(), FixedClock(datetime(2026, 11, 22, tzinfo=UTC)), Network(language="zh")
    )
    ensure_seeded(uow)
    svg = circle_map_svg(read_circle_map(uow), Catalogs().translator("zh"), "古北社区")
    (out / "map.png").write_bytes(svg_to_png(svg, scale=0.5))
    root = ET.fromstring(svg)
    # cairosvg takes the first family of the list and asks cairo for it by name.
    family = (root.get("font-family") or "").split(",")[0].strip(" '\"")
    chinese = "".join(dict.fromkeys(HAN.findall("".join(root.itertext()))))
    report = {
        "family": family,
        "chinese": chinese,
        "glyphs": cairo_glyphs(family, chinese),
        "latin_glyphs": cairo_glyphs("DejaVu Sans", chinese),
    }
    (out / "map.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
