"""Sign sizes: every label prints whole on its A4 sign, at the largest size that fits."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from toolkits.catalog import Catalog
from toolkits.parameters import format_ranges, parse_building_ranges
from toolkits.render import Renderer
from toolkits.sign import SIGN_SIZES, fitting_size, sign_size

WIDE_BUILDINGS = "1-8,10,12-20,100-120,1001-1040"
CSS = Path(__file__).resolve().parents[2] / "toolkits" / "templates" / "print.css"


def _labels(buildings: str, group_size: int) -> list[str]:
    numbers = parse_building_ranges(buildings)
    groups = [numbers[i : i + group_size] for i in range(0, len(numbers), group_size)]
    return [format_ranges(group, dash="-") for group in groups]


@pytest.mark.parametrize(
    ("label", "expected"),
    [("7", "n1"), ("12", "n1"), ("1, 3", "n2"), ("1-3", "n2"), ("12-14", "n3")],
)
def test_short_labels_keep_the_big_one_line_sizes(label: str, expected: str) -> None:
    assert sign_size(label) == expected


def test_a_range_that_cannot_wrap_gets_a_size_it_fits_not_a_wrapping_one() -> None:
    # "1001-1003" has no break opportunity: at n4 (150 pt) it was cut to "1001-10".
    size = fitting_size("1001-1003")
    assert size.points < 150
    assert size.points >= 100, "it should not drop further than it must"


def test_a_long_list_wraps_at_commas_and_shrinks_to_fit_the_page_height() -> None:
    label = ", ".join(str(number) for number in range(1, 41, 2))
    assert fitting_size(label).wraps
    assert sign_size("1, 3, 5, 7, 9") != sign_size(label)


def test_every_size_class_has_its_rule_in_the_stylesheet() -> None:
    css = CSS.read_text(encoding="utf-8")
    for size in SIGN_SIZES[1:]:
        rule = re.search(rf"\.sign\.{size.name} h1 \{{([^}}]*)\}}", css)
        assert rule is not None, f"print.css has no .sign.{size.name} h1"
        assert f"font-size: {size.points:g}pt" in rule[1]
    assert "font-size: 360pt" in css


@pytest.fixture(scope="module")
def wide_signs(catalog: Catalog, renderer: Renderer) -> tuple[str, Any, bytes]:
    import weasyprint

    html = renderer.html(
        catalog.get("parcel-sorting"), "en", {"buildings": WIDE_BUILDINGS, "group_size": "3"}
    )
    document = weasyprint.HTML(string=html).render()
    return html, document, document.write_pdf()


# WeasyPrint's layout boxes are untyped; these walk them.
def _text_boxes(box: Any, tag: str) -> Iterator[Any]:
    if type(box).__name__ == "TextBox" and box.element_tag == tag:
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, tag)


def _sign_box(box: Any) -> Any:
    element = getattr(box, "element", None)
    if element is not None and "sign" in (element.get("class") or "").split():
        return box
    for child in getattr(box, "children", ()):
        found = _sign_box(child)
        if found is not None:
            return found
    return None


def test_the_html_gives_each_wide_label_a_size_class_it_fits(
    wide_signs: tuple[str, Any, bytes],
) -> None:
    html = wide_signs[0]
    chosen = dict(
        (label, size) for size, label in re.findall(r'<div class="sign (\S+)">\n<h1>([^<]+)', html)
    )
    assert chosen["1-3"] == "n2"
    assert chosen["7-8, 10"] not in ("n1", "n2")
    assert chosen["100-102"] not in ("n1", "n2", "n3")
    assert chosen["1001-1003"] not in ("n1", "n2", "n3", "n4")
    assert chosen["1040"] == "n3"


def test_every_wide_label_prints_whole_inside_its_sign(
    wide_signs: tuple[str, Any, bytes],
) -> None:
    _html, document, pdf = wide_signs
    labels = _labels(WIDE_BUILDINGS, 3)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    signs = [
        (text, layout)
        for text, layout in zip(texts, document.pages, strict=True)
        if "Parcels for these buildings go here" in text
    ]
    assert len(signs) == len(labels)
    for label, (text, layout) in zip(labels, signs, strict=True):
        # The text layer keeps clipped text too, so the layout says whether it is on the paper.
        assert text.split("\n")[0].startswith(label), f"{label} is not whole on its page"
        sign = _sign_box(layout._page_box)
        right = sign.content_box_x() + sign.width
        bottom = sign.content_box_y() + sign.height
        heading = list(_text_boxes(sign, "h1"))
        assert "".join(box.text for box in heading).replace(" ", "") == label.replace(" ", "")
        for box in (*heading, *_text_boxes(sign, "p")):
            assert box.position_x + box.width <= right + 0.5, f"{label} runs off its sign"
            assert box.position_y + box.height <= bottom + 0.5, f"{label} runs off its sign"
