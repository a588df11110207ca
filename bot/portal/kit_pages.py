"""Kit pages: the catalog, one kit with a form for its parameters, and the downloads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from bot.kit_press import KitPress
from bot.portal.page_error import PageError
from circles.errors import N_, CanError, Conflict, Invalid, NotFound, PermissionDenied
from toolkits.errors import (
    KitBusy,
    KitError,
    KitFormatError,
    KitNotFound,
    KitParameterError,
    KitRefused,
    KitRenderError,
)
from toolkits.kit import Kit

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html", "md": "text/markdown"}
# A downloaded kit page carries its own inline CSS and QR code, and never any script.
# The kit form's field for the reader's language: on a download address ?lang= is the kit's.
PAGE_LANG = "page_lang"
KIT_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def status_of(error: KitError | CanError) -> int:
    """The HTTP status that says what went wrong with a kit request."""
    statuses: list[tuple[type[Exception], int]] = [
        (KitBusy, 503),  # too many renders waiting: try again shortly
        (KitNotFound, 404),
        (NotFound, 404),
        (KitParameterError, 400),
        (Invalid, 400),
        (KitRefused, 422),
        (Conflict, 409),
        (PermissionDenied, 403),
        (KitRenderError, 503),
        (KitFormatError, 500),
    ]
    for kind, status in statuses:
        if isinstance(error, kind):
            return status
    return 400


def refusal(error: KitError | CanError) -> PageError:
    return PageError(status_of(error), error.message, **error.params)


@dataclass(frozen=True)
class Download:
    """A rendered kit, ready to send."""

    kit: Kit
    fmt: str
    lang: str
    data: bytes

    def response(self) -> web.Response:
        headers = {
            "Content-Disposition": f'attachment; filename="{self.kit.id}-{self.lang}.{self.fmt}"'
        }
        if self.fmt == "html":
            headers["Content-Security-Policy"] = KIT_HTML_POLICY
        charset = None if self.fmt == "pdf" else "utf-8"
        return web.Response(
            body=self.data, content_type=CONTENT_TYPES[self.fmt], charset=charset, headers=headers
        )


async def download(
    kit: Kit, fmt: str, query: Mapping[str, str], page_lang: str, press: KitPress, client: str
) -> Download:
    """Render ``kit`` from a download address for ``client`` (its address): ``?lang=`` picks the
    kit's language, the rest are its parameters; every refusal becomes a PageError."""
    lang = query.get("lang", page_lang)
    if lang not in kit.languages:
        raise PageError(404, N_("This kit has no version in '{lang}'."), lang=lang[:20])
    params = {k: v for k, v in query.items() if k not in ("lang", PAGE_LANG)}
    try:
        # The kit press renders in its worker process and caches, as for the kit command.
        rendered = await press.render_async(kit.id, fmt, lang, params, client=client)
    except (KitError, CanError) as error:
        raise refusal(error) from None
    return Download(kit, fmt, lang, rendered.data)
