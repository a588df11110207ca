"""PDF output: WeasyPrint turns a kit's print-ready HTML into an A4 PDF."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from circles.errors import N_
from toolkits.errors import KitRenderError
from toolkits.fonts import weasyprint_font_config

log = logging.getLogger(__name__)


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``; it may not fetch anything (kits are self-contained)."""
    with missing_glyphs_reported():
        pdf: bytes = laid_out(html).write_pdf()
    return pdf


def laid_out(html: str) -> Any:
    """``html`` laid out in pages (a weasyprint Document: ``.pages``, ``.write_pdf()``)."""
    try:
        # Imported here: WeasyPrint needs Pango and other system libraries (scripts/setup-system),
        # and everything else in the bot works without them.
        import weasyprint
    except (ImportError, OSError) as error:
        raise KitRenderError(
            N_("PDF output is not available on this server: {detail}."),
            detail=" ".join(str(error).split())[:200],
        ) from error
    # Kit HTML references nothing outside itself; refusing every protocol means no markup that
    # slipped through could make WeasyPrint read a local file or call out to the network.
    fetcher = weasyprint.URLFetcher(allowed_protocols=frozenset())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render(
        font_config=weasyprint_font_config()
    )


@contextmanager
def missing_glyphs_reported() -> Iterator[None]:
    """Around laying out and writing one PDF: a character no font has prints as a box, and is
    logged once, naming it (WeasyPrint warns at each occurrence, as it draws)."""
    missing = _missing_glyphs()
    missing.begin()
    try:
        yield
    finally:
        for char in missing.end():
            log.warning("No font has %r (U+%04X): the PDF prints it as a box", char, ord(char))


class MissingGlyphs(logging.Filter):
    """Holds back WeasyPrint's warning for each missing glyph it draws (one per occurrence, so
    thousands for a kit), collecting the characters of the render running in this thread."""

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    def begin(self) -> None:
        self._local.seen = {}

    def end(self) -> list[str]:
        seen: dict[str, None] = getattr(self._local, "seen", None) or {}
        self._local.seen = None
        return list(seen)

    def filter(self, record: logging.LogRecord) -> bool:
        seen: dict[str, None] | None = getattr(self._local, "seen", None)
        if seen is None or not str(record.msg).startswith(".notdef glyph rendered"):
            return True
        if isinstance(record.args, tuple) and record.args:
            seen[str(record.args[0])] = None
        return False


_filter_lock = threading.Lock()
_filter: MissingGlyphs | None = None


def _missing_glyphs() -> MissingGlyphs:
    # Installed on first use, not at import: importing a module changes no logger.
    global _filter
    with _filter_lock:
        if _filter is None:
            _filter = MissingGlyphs()
            logging.getLogger("weasyprint").addFilter(_filter)
        return _filter
