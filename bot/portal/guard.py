"""The portal's edge: refusals as pages in the reader's language, and security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.portal import language
from bot.portal.page_error import PageError
from bot.portal.pages import Pages
from circles.errors import N_

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# No inline script or style anywhere: the live map's script is a file, the SVG uses attributes.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PORTAL = "portal"  # route names start with this, so the guard knows its own routes
STATUS_TITLES = {
    400: N_("That request was not understood"),
    404: N_("Not found"),
    405: N_("That request was not understood"),
    409: N_("That request was not understood"),
    414: N_("That address is too long"),
    422: N_("That kit could not be made"),
    500: N_("Something went wrong on our side"),
    503: N_("Please try again in a minute"),
}


def guard_middleware(
    pages: Pages, default_language: str
) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        name = request.match_info.route.name or ""
        unmatched = request.match_info.http_exception is not None
        if not name.startswith(PORTAL) and not unmatched:
            return await handler(request)  # Slack, calendar feeds, health: theirs to answer
        try:
            return await handler(request)
        except PageError as error:
            return _error_page(pages, request, default_language, error)
        except web.HTTPNotFound:
            missing = PageError(404, N_("There is no page at this address."))
            return _error_page(pages, request, default_language, missing)
        except web.HTTPMethodNotAllowed:
            refused = PageError(405, N_("This page can only be read, not sent to."))
            return _error_page(pages, request, default_language, refused)
        except web.HTTPException:
            raise  # redirects and the like
        except Exception:
            # The edge: log the failure, show the reader a page rather than a bare 500.
            log.exception("portal page %s failed", name)
            failed = PageError(500, N_("Something went wrong on our side; please try again."))
            return _error_page(pages, request, default_language, failed)

    return guard


def _error_page(
    pages: Pages, request: web.Request, default_language: str, error: PageError
) -> web.Response:
    lang = error.lang or _language_for_error(request, default_language)
    t = pages.translator(lang)
    # A field name in a domain message is an English word: show it in the reader's language.
    params = {
        k: t(v) if k == "field" and isinstance(v, str) else v for k, v in error.params.items()
    }
    return pages.response(
        "error.html.j2",
        lang=lang,
        explicit=False,
        path=request.path,
        status=error.status,
        title=t(STATUS_TITLES.get(error.status, STATUS_TITLES[400])),
        message=t(error.message, **params),
        back=error.back,
    )


def _language_for_error(request: web.Request, default_language: str) -> str:
    values = request.query.getall("lang", [])
    if len(values) == 1 and values[0].strip().lower() in language.LANGUAGES:
        return values[0].strip().lower()
    return language.fallback(language.accept_language(request), default_language)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set on every response before it is sent (streams included); a handler's own CSP wins."""
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
