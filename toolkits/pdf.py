"""PDF output: WeasyPrint turns a kit's print-ready HTML into an A4 PDF."""

from __future__ import annotations

from circles.errors import N_
from toolkits.errors import KitRenderError


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``; it may not fetch anything (kits are self-contained)."""
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
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
