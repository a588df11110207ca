"""PDF output: Chinese text renders with real glyphs and is in the text layer; signs are there."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from tests.toolkits.conftest import SHIPPED_IDS
from toolkits.catalog import Catalog
from toolkits.render import Renderer

LANGS = ("zh", "en")
PARCEL_PARAMS = {"buildings": "1-8,10,12-20", "neighborhood": "新华路小区"}


@dataclass
class RenderedPdfs:
    """Every shipped kit rendered once per language, and what WeasyPrint logged meanwhile."""

    pdfs: dict[tuple[str, str], bytes]
    warnings: list[str]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def rendered(catalog: Catalog, renderer: Renderer) -> Iterator[RenderedPdfs]:
    # PDFs take about a second each, so the module renders each one once and every test reads it.
    collector = _Collect()
    # WeasyPrint's own warnings, and the missing glyphs toolkits.pdf reports once each.
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("toolkits.pdf")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        pdfs = {
            (kit_id, lang): renderer.pdf(
                catalog.get(kit_id), lang, PARCEL_PARAMS if kit_id == "parcel-sorting" else {}
            )
            for kit_id in SHIPPED_IDS
            for lang in LANGS
        }
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    yield RenderedPdfs(pdfs, collector.messages)


def _text(pdf: bytes, page: int | None = None) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages if page is None else [reader.pages[page]]
    return "".join("".join(p.extract_text().split()) for p in pages)


def test_weasyprint_logs_no_missing_glyph_or_other_warning(rendered: RenderedPdfs) -> None:
    # A "No font has" warning here means a character no font has, not even the bundled CJK one.
    assert rendered.warnings == []


@pytest.mark.parametrize("kit_id", SHIPPED_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_text_layer_holds_the_title(
    rendered: RenderedPdfs, catalog: Catalog, kit_id: str, lang: str
) -> None:
    pdf = rendered.pdfs[(kit_id, lang)]
    assert pdf.startswith(b"%PDF-")
    title = "".join(catalog.get(kit_id).title.get(lang).split())
    assert title in _text(pdf, page=0)


def test_chinese_body_text_is_extractable(rendered: RenderedPdfs) -> None:
    text = _text(rendered.pdfs[("return-trip", "zh")])
    assert "出发前" in text and "到达后" in text and "居家观察记录表" in text


def test_parcel_pdf_has_the_guide_then_one_page_per_sign(rendered: RenderedPdfs) -> None:
    reader = PdfReader(io.BytesIO(rendered.pdfs[("parcel-sorting", "zh")]))
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    sign_pages = [text for text in pages if text.endswith("只取自己的件") and "号楼" in text]
    assert len(sign_pages) == 18
    assert sign_pages[0].startswith("1号楼新华路小区")
    assert sign_pages[-1].startswith("20号楼")
    assert pages[-1] == sign_pages[-1]


@pytest.mark.parametrize(
    ("lang", "heading", "last_row"),
    [
        ("zh", "段落表段时间", "2407:00–08:00（第2天）"),
        ("en", "SlotboardSlotTime", "2407:00–08:00(day2)"),
    ],
)
def test_the_relay_slot_board_stays_on_one_page(
    rendered: RenderedPdfs, lang: str, heading: str, last_row: str
) -> None:
    # 24 one-hour slots fit on an A4 page: a board split in two is hard to tick off at the desk.
    # The heading runs into the header row in the text layer; the words alone recur elsewhere.
    reader = PdfReader(io.BytesIO(rendered.pdfs[("relay-event", lang)]))
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    [board_page] = [number for number, text in enumerate(pages) if heading in text]
    assert last_row in pages[board_page]


def test_pdf_metadata_names_the_kit(rendered: RenderedPdfs) -> None:
    reader = PdfReader(io.BytesIO(rendered.pdfs[("tea-house", "en")]))
    assert reader.metadata is not None
    assert reader.metadata.title is not None and reader.metadata.title.startswith("The tea house")


def test_the_missing_glyph_check_can_fail(caplog: pytest.LogCaptureFixture) -> None:
    # Guards the check above: a character no installed font has must produce the warning.
    from toolkits.pdf import html_to_pdf

    with caplog.at_level(logging.WARNING):
        html_to_pdf('<html lang="en"><body><p>\U00013000</p></body></html>')
    assert "No font has '\U00013000' (U+13000)" in caplog.text


def test_pdf_rendering_fetches_nothing(caplog: pytest.LogCaptureFixture) -> None:
    from toolkits.pdf import html_to_pdf

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf('<html><body><img src="file:///etc/hostname"><p>x</p></body></html>')
    assert pdf.startswith(b"%PDF-")
    assert "disallowed protocol" in caplog.text


def test_emoji_and_rare_chinese_in_a_parameter_print_with_real_glyphs(
    catalog: Catalog, renderer: Renderer, caplog: pytest.LogCaptureFixture
) -> None:
    # Needs fonts-noto-color-emoji and fonts-hanazono (scripts/setup-system).
    params = {"neighborhood": "阳光🏠小区𪚥", "buildings": "1"}
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = renderer.pdf(catalog.get("parcel-sorting"), "zh", params)
    assert ".notdef glyph rendered" not in caplog.text
    assert "阳光🏠小区𪚥" in _text(pdf, page=-1)
