"""Chinese prints as Chinese with only the Python install: kit PDFs and the map PNG use the CJK
font that comes with ``pip install``, on a machine whose fontconfig sees no CJK font at all."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTCollection

from tests.toolkits.latin_only import latin_only_env
from tests.toolkits.pdf_glyphs import drawn_chars
from toolkits.fonts import CJK_FAMILY, bundled_cjk_font, chinese_font
from toolkits.pdf import html_to_pdf

REPO = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def hidden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What tests/toolkits/hidden_fonts.py rendered with the system's fonts hidden."""
    root = tmp_path_factory.mktemp("hidden-fonts")
    out = root / "out"
    out.mkdir()
    env = {**latin_only_env(root), "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "tests.toolkits.hidden_fonts", str(out)],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )
    return out


def _han(pdf: bytes) -> list[Any]:
    return [drawn for drawn in drawn_chars(pdf) if HAN.match(drawn.char)]


def test_the_chinese_kit_pdf_draws_every_chinese_character_with_a_real_glyph(
    hidden: Path,
) -> None:
    han = _han((hidden / "kit.pdf").read_bytes())
    assert len({drawn.char for drawn in han}) > 200  # the whole guide, not one line
    boxes = sorted({drawn.char for drawn in han if not drawn.real_glyph})
    assert boxes == [], f"drawn as .notdef: {''.join(boxes)}"
    assert {drawn.font.split("+")[-1] for drawn in han} == {CJK_FAMILY.replace(" ", "-")}


def test_the_glyph_check_sees_boxes_where_no_cjk_font_is_given(hidden: Path) -> None:
    # The control: plain WeasyPrint, without the bundled font, on the same hidden fonts.
    han = _han((hidden / "plain.pdf").read_bytes())
    assert han and not any(drawn.real_glyph for drawn in han)


def test_the_map_png_of_a_chinese_network_is_drawn_with_the_cjk_font(hidden: Path) -> None:
    report = json.loads((hidden / "map.json").read_text(encoding="utf-8"))
    assert (hidden / "map.png").read_bytes().startswith(b"\x89PNG")
    assert report["family"] == CJK_FAMILY
    chinese = report["chinese"]
    assert "圈" in chinese and len(chinese) > 20
    # The glyphs cairo draws are the bundled font's own glyphs for these characters.
    font = bundled_cjk_font()
    assert font is not None
    with TTCollection(str(font), lazy=True) as collection:
        [face] = [f for f in collection.fonts if f["name"].getDebugName(1) == CJK_FAMILY]
        cmap = face.getBestCmap()
        order = face.getGlyphOrder()
        expected = [face.getGlyphID(cmap[ord(char)]) for char in chinese]
    assert report["glyphs"] == expected
    assert all(0 < glyph < len(order) for glyph in report["glyphs"])
    # The control: a Latin family has none of them on this machine.
    assert set(report["latin_glyphs"]) == {0}


def test_a_character_no_font_has_is_reported_once_by_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        html_to_pdf(
            '<html lang="zh-CN"><body><p>古北\U00013000、\U00013000，\U00013000</p></body></html>'
        )
    reports = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert reports == ["No font has '\U00013000' (U+13000): the PDF prints it as a box"]


def test_the_font_report_names_a_font_that_covers_chinese() -> None:
    found = chinese_font()
    assert found is not None and found.covers_chinese
    assert found.family == CJK_FAMILY
    assert str(found.path) in found.describe()
