"""PDF output: WeasyPrint turns a kit's print-ready HTML into an A4 PDF."""

from __future__ import annotations

from typing import Any

from toolkits.errors import KitRenderError


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``; it may not fetch anything (kits are self-contained)."""
    try:
        # Imported here: WeasyPrint needs Pango and other system libraries (scripts/setup-system),
        # and everything else in the bot works without them.
        import weasyprint
    except (ImportError, OSError) as error:
        raise KitRenderError(
            "PDF output is not available on this server: {detail}.",
            detail=" ".join(str(error).split())[:200],
        ) from error
    options: dict[str, Any] = {}
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:
        options["url_fetcher"] = fetcher_class(allowed_protocols=frozenset())
    document = weasyprint.HTML(string=html, **options)
    pdf: bytes = document.write_pdf()
    return pdf
