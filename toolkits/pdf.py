"""PDF output: WeasyPrint turns a kit's print-ready HTML into an A4 PDF."""

from __future__ import annotations

from typing import Any

from circles.errors import N_
from toolkits.errors import KitRenderError


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``; it may not fetch anything (kits are self-contained)."""
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
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()
