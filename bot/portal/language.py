"""The page language: ``?lang=``, else the browser's Accept-Language, else the network's."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import hdrs, web

from bot.portal.page_error import PageError
from circles.errors import N_

LANGUAGES = ("zh", "en")
MAX_ACCEPT = 400  # longer headers are read only this far
_CONSULTED = web.RequestKey("accept_language_consulted", bool)


def from_accept(header: str) -> str:
    """The supported language the browser likes most ("" when it names none of ours)."""
    best, best_q = "", 0.0
    for index, part in enumerate(header[:MAX_ACCEPT].split(",")):
        tag, _, quality = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        if quality.strip().startswith("q="):
            try:
                q = float(quality.strip()[2:])
            except ValueError:
                continue
        # Earlier entries win ties, as browsers list them in order of preference.
        if q > best_q or (q == best_q and not best):
            best, best_q = primary, q - index * 1e-6
    return best if best_q > 0 else ""


def accept_language(request: web.Request) -> str:
    """The request's Accept-Language, noting that the response depends on it (see add_vary)."""
    request[_CONSULTED] = True
    return request.headers.get(hdrs.ACCEPT_LANGUAGE, "")


async def add_vary(request: web.Request, response: web.StreamResponse) -> None:
    """``Vary: Accept-Language`` on every response whose language the header chose, so a cache
    between the portal and its readers does not hand a Chinese page to an English browser."""
    if not request.get(_CONSULTED):
        return
    vary = response.headers.get(hdrs.VARY, "")
    if hdrs.ACCEPT_LANGUAGE.lower() not in vary.lower():
        response.headers[hdrs.VARY] = (
            f"{vary}, {hdrs.ACCEPT_LANGUAGE}" if vary else hdrs.ACCEPT_LANGUAGE
        )


def choose(query: Mapping[str, str], accept: str, default: str) -> tuple[str, bool]:
    """The page language, and whether the address asked for it (links then keep asking)."""
    asked = query.get("lang")
    if asked is not None:
        if asked.strip().lower() in LANGUAGES:  # ?lang=EN as well
            return asked.strip().lower(), True
        raise PageError(
            400, N_("There is no language '{lang}': choose zh or en."), lang=asked.strip()[:20]
        )
    fallback = default if default in LANGUAGES else "en"
    return from_accept(accept) or fallback, False


def fallback(accept: str, default: str) -> str:
    """The language for an error page when ``?lang=`` itself was the problem."""
    return from_accept(accept) or (default if default in LANGUAGES else "en")
