"""The portal's routes, mounted on the web app: pages, the live map, kits, static files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.circle_map import palette
from bot.circle_map.png import MapImageUnavailable
from bot.commands.governance import STATUS_LABELS, log_text
from bot.local_time import when
from bot.portal import guard, kit_pages, language
from bot.portal.live import MapFeed
from bot.portal.map_images import MapImages
from bot.portal.overview import kit_usage_counts, read_overview
from bot.portal.page_error import PageError
from bot.portal.pages import Pages
from bot.portal.query import checked_query
from bot.portal.site import Site
from circles.ask import Ask, kind_label
from circles.decision import ANSWER_LABELS, ANSWERS, Decision
from circles.errors import N_
from circles.model import NETWORK, Circle
from circles.services.ask_views import ask_board
from circles.services.decisions import list_decisions
from circles.services.governance_log import read_log
from circles.text import pick
from toolkits.errors import KitNotFound
from toolkits.kit import Kit

STATIC = Path(__file__).parent / "static"
KIT_ID = r"{kit:[a-z0-9][a-z0-9-]{0,47}}"
LOG_LIMIT = 200  # entries on the governance log page, newest first


@dataclass(frozen=True)
class Asked:
    """A checked request: its query, the page language, and whether the address chose it."""

    query: Mapping[str, str]
    lang: str
    explicit: bool


class Portal:
    """The handlers, sharing one page renderer, one map feed and the site's services."""

    def __init__(self, site: Site) -> None:
        self.site = site
        network = site.config.network
        self.pages = Pages(site.catalogs, network.name)
        self.feed = MapFeed(site.uow)
        self.images = MapImages(self.feed, site.map_drawings)

    def ask(self, request: web.Request) -> Asked:
        query = checked_query(request.query_string, request.query)
        # The header is read (and the response then varies with it) only when the address
        # does not choose.
        accept = "" if "lang" in query else language.accept_language(request)
        lang, explicit = language.choose(query, accept, self.site.config.network.language)
        return Asked(query, lang, explicit)

    def page(self, request: web.Request, asked: Asked, name: str, **context: Any) -> web.Response:
        return self.pages.response(
            name, lang=asked.lang, explicit=asked.explicit, path=request.path, **context
        )

    async def home(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        overview = read_overview(self.site.uow)
        with self.site.uow.begin() as s:
            ask_counts = ask_board(s).counts
        t = self.pages.translator(asked.lang)
        names = {c.slug: c.display_name(asked.lang) for _, c in overview.tree}
        timezone = self.site.config.network.timezone
        return self.page(
            request,
            asked,
            "home.html.j2",
            overview=overview,
            circles=[(d, c, hue_class(c.slug, overview.tree)) for d, c in overview.tree],
            circle_names=names,
            kits=self.site.kits.list(),
            when=lambda instant, zone=timezone: when(t, instant, zone),
            holder_names=lambda role: ", ".join(overview.names.get(h, "?") for h in role.holders),
            pick=pick,
            ask_counts=ask_counts,
        )

    async def map_page(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        circle_map, svg = self.images.svg(asked.lang)
        return self.page(
            request,
            asked,
            "map.html.j2",
            svg=svg_markup(svg),
            revision=circle_map.revision,
        )

    async def map_svg(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        _, svg = self.images.svg(asked.lang)
        return web.Response(
            text=svg,
            content_type="image/svg+xml",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def map_png(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        try:
            data = await self.images.png(asked.lang)
        except MapImageUnavailable as error:
            raise PageError(503, error.message, **error.params) from error
        return web.Response(
            body=data, content_type="image/png", headers={"Cache-Control": "no-cache"}
        )

    async def map_events(self, request: web.Request) -> web.StreamResponse:
        self.ask(request)
        return await self.feed.stream(request)

    async def asks(self, request: web.Request) -> web.Response:
        """Open asks by neighborhood and kind, and the month's counts: no identity, no private
        text (``ask_board`` hands out only public fields)."""
        asked = self.ask(request)
        with self.site.uow.begin() as s:
            board = ask_board(s)
        places: dict[str, list[Ask]] = {}
        for item in board.open:
            places.setdefault(item.neighborhood, []).append(item)
        return self.page(
            request,
            asked,
            "asks.html.j2",
            places=places,
            counts=board.counts,
            kind=lambda k: pick(kind_label(k), asked.lang),
        )

    async def kits(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        return self.page(
            request,
            asked,
            "kits.html.j2",
            kits=self.site.kits.list(),
            usage=kit_usage_counts(self.site.uow),
        )

    async def decisions(self, request: web.Request) -> web.Response:
        """Open and recent decisions: text, positions counted, outcome, reasons for blocks;
        who took which position only when ``governance.positions`` is ``names``."""
        asked = self.ask(request)
        found = list_decisions(self.site.uow, recent=50)
        t = self.pages.translator(asked.lang)
        timezone = self.site.config.network.timezone
        overview = read_overview(self.site.uow)

        def names_for(decision: Decision, answer: str) -> str:
            return ", ".join(
                found.names.get(who, "?")
                for who, position in decision.positions.items()
                if position.answer == answer
            )

        return self.page(
            request,
            asked,
            "decisions.html.j2",
            found=found,
            circle_names={c.slug: c.display_name(asked.lang) for _, c in overview.tree},
            status_labels=STATUS_LABELS,
            answers=ANSWERS,
            answer_labels=ANSWER_LABELS,
            names_for=names_for,
            when=lambda instant, zone=timezone: when(t, instant, zone),
        )

    async def history(self, request: web.Request) -> web.Response:
        """The governance log (who, when, what, why), newest first; ``?circle=`` narrows it to
        one circle. Entries name who acted and whom it concerned, never who took which position
        on a decision (those are counts here, whatever ``governance.positions`` says)."""
        asked = self.ask(request)
        overview = read_overview(self.site.uow)
        circle_names = {c.slug: c.display_name(asked.lang) for _, c in overview.tree}
        circle = asked.query.get("circle", "")
        if circle and circle not in circle_names:
            raise PageError(404, N_("There is no circle '{circle}'."), circle=circle[:40])
        view = read_log(self.site.uow, circle, limit=LOG_LIMIT)
        t = self.pages.translator(asked.lang)
        timezone = self.site.config.network.timezone
        return self.page(
            request,
            asked,
            "history.html.j2",
            entries=list(reversed(view.entries)),
            text_of=lambda entry: log_text(t, entry, view.names),
            circle=circle,
            circle_names=circle_names,
            limit=LOG_LIMIT,
            when=lambda instant, zone=timezone: when(t, instant, zone),
        )

    async def kit(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        kit = self.find_kit(request.match_info["kit"])
        return self.page(
            request,
            asked,
            "kit.html.j2",
            kit=kit,
            usage=kit_usage_counts(self.site.uow)[kit.id],
            kit_url=f"{self.site.public_url}/kits/{kit.id}",
        )

    async def kit_download(self, request: web.Request) -> web.Response:
        asked = self.ask(request)
        kit = self.find_kit(request.match_info["kit"])
        fmt = request.match_info["fmt"]
        try:
            found = await kit_pages.download(
                kit, fmt, asked.query, asked.lang, self.site.kit_press, request.remote or "?"
            )
        except PageError as error:
            # Refused in the reader's language, not the kit's that ?lang= asked for.
            error.lang = self.reader_language(request, asked.query)
            error.back = f"/kits/{kit.id}"  # the form, to fix the parameter and try again
            if asked.query.get(kit_pages.PAGE_LANG) == error.lang:
                error.back += f"?lang={error.lang}"
            raise
        return found.response()

    def reader_language(self, request: web.Request, query: Mapping[str, str]) -> str:
        """On a kit download: the form's ``page_lang``, else the browser's, else the network's."""
        page_lang = query.get(kit_pages.PAGE_LANG, "").strip().lower()
        if page_lang in language.LANGUAGES:
            return page_lang
        default = self.site.config.network.language
        return language.fallback(language.accept_language(request), default)

    def find_kit(self, kit_id: str) -> Kit:
        try:
            return self.site.kits.get(kit_id)
        except KitNotFound:
            raise PageError(
                404, N_("There is no kit '{kit}'. See the list of kits."), kit=kit_id
            ) from None

    async def palette_css(self, request: web.Request) -> web.Response:
        return web.Response(
            text=palette.css_properties(),
            content_type="text/css",
            charset="utf-8",
            headers={"Cache-Control": "max-age=3600"},
        )

    async def favicon(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "favicon.ico", headers={"Cache-Control": "max-age=86400"})

    async def without_slash(self, request: web.Request) -> web.StreamResponse:
        """``/map/`` and the like: the address without its trailing slash (the route patterns
        allow only our own characters, so the target is always one of our pages)."""
        target = request.path.rstrip("/")
        if request.query_string:
            target += f"?{request.query_string}"
        raise web.HTTPPermanentRedirect(target)

    async def on_shutdown(self, app: web.Application) -> None:
        self.feed.close()


PORTAL_KEY = web.AppKey("portal", Portal)  # the app's portal, for tests that look inside


def svg_markup(svg: str) -> Markup:
    """Our own SVG, every user text in it already escaped, to place in a page as is."""
    return Markup(svg)


def hue_class(slug: str, tree: list[tuple[int, Circle]]) -> str:
    """The CSS class that colours a circle like its root circle on the map."""
    parents = {c.slug: c.parent for _, c in tree}
    root, seen = slug, set()
    while parents.get(root) not in (None, NETWORK) and root not in seen:
        seen.add(root)
        root = parents[root] or root
    if root == NETWORK or parents.get(root) is None:
        return "hue-network"
    if root in palette.ROOT_HUES:
        return f"hue-{root}"
    extras = sorted(
        c.slug for _, c in tree if c.parent == NETWORK and c.slug not in palette.ROOT_HUES
    )
    return f"hue-extra-{extras.index(root) % len(palette.EXTRA_HUES)}"


def add_portal(app: web.Application, site: Site) -> Portal:
    """Mount the portal on ``app`` (before it starts) and return it."""
    portal = Portal(site)
    app[PORTAL_KEY] = portal
    app.middlewares.append(guard.guard_middleware(portal.pages, site.config.network.language))
    app.on_response_prepare.append(guard.add_security_headers)
    app.on_response_prepare.append(language.add_vary)
    app.on_shutdown.append(portal.on_shutdown)
    name = guard.PORTAL
    app.router.add_get("/", portal.home, name=f"{name}-home")
    app.router.add_get("/map", portal.map_page, name=f"{name}-map")
    app.router.add_get("/map.svg", portal.map_svg, name=f"{name}-map-svg")
    app.router.add_get("/map.png", portal.map_png, name=f"{name}-map-png")
    app.router.add_get("/map/events", portal.map_events, name=f"{name}-map-events")
    app.router.add_get("/kits", portal.kits, name=f"{name}-kits")
    app.router.add_get("/asks", portal.asks, name=f"{name}-asks")
    app.router.add_get(f"/kits/{KIT_ID}", portal.kit, name=f"{name}-kit")
    app.router.add_get(
        f"/kits/{KIT_ID}.{{fmt:pdf|html|md}}", portal.kit_download, name=f"{name}-kit-file"
    )
    app.router.add_get("/decisions", portal.decisions, name=f"{name}-decisions")
    app.router.add_get("/history", portal.history, name=f"{name}-history")
    app.router.add_get("/palette.css", portal.palette_css, name=f"{name}-palette")
    app.router.add_get("/favicon.ico", portal.favicon, name=f"{name}-favicon")
    for page, slashed in (("map", "/map/"), ("kits", "/kits/"), ("kit", f"/kits/{KIT_ID}/")):
        app.router.add_get(slashed, portal.without_slash, name=f"{name}-{page}-slash")
    app.router.add_static("/static", STATIC, name=f"{name}-static", append_version=False)
    return portal
