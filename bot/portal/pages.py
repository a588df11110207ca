"""Page rendering: one explicit Jinja environment (autoescaped, strict), shared page context."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from aiohttp import web

from bot import __version__
from bot.i18n import Catalogs, Translator

TEMPLATES = Path(__file__).parent / "templates"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def local_path(path: str) -> str:
    """``path`` as a link that stays on this site: one leading slash, every other character
    that could end the path or turn it into a host (``?``, ``#``, ``\\``, ``//``) quoted.

    ``request.path`` is decoded, so a 404 for ``/%2F%2Fevil.example`` has the path
    ``///evil.example``; a link to that would be protocol-relative and leave the site.
    """
    return "/" + quote(path.lstrip("/\\"), safe="/")


class Pages:
    """Renders the portal's templates in a reader's language."""

    def __init__(self, catalogs: Catalogs, network_name: str) -> None:
        self._catalogs = catalogs
        self._network_name = network_name
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def translator(self, lang: str) -> Translator:
        return self._catalogs.translator(lang)

    def render(self, name: str, *, lang: str, explicit: bool, path: str, **context: Any) -> str:
        t = self.translator(lang)
        other = "en" if lang == "zh" else "zh"

        def url(target: str, **params: str) -> str:
            """A link that keeps ``?lang=`` when the reader chose it in the address."""
            query = {**params, **({"lang": lang} if explicit else {})}
            return f"{target}?{urlencode(query)}" if query else target

        def used(count: int) -> str:
            if not count:
                return t("not used yet")
            return t.plural("used once", "used {count} times", count)

        return self._env.get_template(name).render(
            t=t,
            plural=t.plural,
            used=used,
            lang=lang,
            html_lang=HTML_LANG[lang],
            other_lang=other,
            other_lang_url=f"{local_path(path)}?{urlencode({'lang': other})}",
            url=url,
            path=path,
            network_name=self._network_name,
            version=__version__,
            **context,
        )

    def response(
        self,
        name: str,
        *,
        lang: str,
        explicit: bool,
        path: str,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: Any,
    ) -> web.Response:
        body = self.render(name, lang=lang, explicit=explicit, path=path, **context)
        response = web.Response(
            text=body, status=status, content_type="text/html", charset="utf-8", headers=headers
        )
        response.headers["Content-Language"] = HTML_LANG[lang]
        return response
