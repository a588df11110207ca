"""Rendering a kit to Markdown (the source), print-ready HTML and PDF, in Chinese or English.

Shipped kits render in an ordinary Jinja Environment in this process; community kits render in
the sandbox (a killable child process). Either way the body is Markdown; HTML is that Markdown
converted and wrapped in an A4 print template with the kit's header and QR code; PDF is that HTML
through WeasyPrint (for a community kit, in the sandbox too, under a deadline and a page cap).
Rendering blocks (PDF takes a second or so): call it from a worker thread in async code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeGuard

import jinja2
from markupsafe import Markup

from circles.errors import N_
from toolkits.errors import KitError, KitNotFound, KitRenderError
from toolkits.header import Header
from toolkits.kit import Kit
from toolkits.language import Lang, is_lang
from toolkits.markdown import escape_markdown, new_markdown
from toolkits.parameters import ParamValue, resolve_parameters
from toolkits.pdf import html_to_pdf
from toolkits.qr import qr_svg
from toolkits.sandbox import Sandbox
from toolkits.templating import environment_options, kit_filters

Format = Literal["md", "html", "pdf"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf")
LANG_TAGS: dict[Lang, str] = {"zh": "zh-CN", "en": "en"}


def is_format(value: object) -> TypeGuard[Format]:
    """True for a format a kit can be rendered to."""
    return value in FORMATS


class Renderer:
    """Renders kits for one public URL; holds its own Jinja environments and Markdown converter."""

    def __init__(self, public_url: str, *, sandbox: Sandbox | None = None) -> None:
        self.public_url = _check_public_url(public_url)
        self.sandbox = sandbox or Sandbox()
        self._markdown = new_markdown()
        self._page = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_templates_dir()),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self._kit_environments: dict[Path, jinja2.Environment] = {}
        self._css: str | None = None

    def kit_url(self, kit: Kit) -> str:
        """The kit's page on the web portal (the QR code points here)."""
        return f"{self.public_url}/kits/{kit.id}"

    def render(self, kit: Kit, fmt: str, lang: str, params: Mapping[str, str]) -> bytes:
        """The kit in ``fmt`` (md, html or pdf) and ``lang``; raise KitError subclasses."""
        if not is_format(fmt):
            raise KitRenderError(
                N_("There is no {format} format; choose md, html or pdf."), format=fmt
            )
        if fmt == "pdf":
            return self.pdf(kit, lang, params)
        text = self.markdown(kit, lang, params) if fmt == "md" else self.html(kit, lang, params)
        return text.encode("utf-8")

    def markdown(self, kit: Kit, lang: str, params: Mapping[str, str]) -> str:
        """The whole kit as Markdown: header, QR reference line, body."""
        checked = _check_lang(kit, lang)
        return Header.of(kit, checked, self.kit_url(kit)).markdown() + self._body(
            kit, checked, params
        )

    def html(self, kit: Kit, lang: str, params: Mapping[str, str]) -> str:
        """The kit as one self-contained, print-ready HTML page (A4, inline CSS and QR)."""
        checked = _check_lang(kit, lang)
        header = Header.of(kit, checked, self.kit_url(kit))
        body = self._markdown.render(self._body(kit, checked, params))
        return self._page.get_template("page.html.j2").render(
            lang_tag=LANG_TAGS[checked],
            kit_id=kit.id,
            header=header,
            css=Markup(self._stylesheet()),
            qr_svg=Markup(qr_svg(header.url, title=f"{header.labels['qr']}: {header.url}")),
            body=Markup(body),
        )

    def pdf(self, kit: Kit, lang: str, params: Mapping[str, str]) -> bytes:
        """The kit as an A4 PDF (Chinese needs a CJK font: see scripts/setup-system)."""
        return self.pdf_of_html(kit, self.html(kit, lang, params))

    def pdf_of_html(self, kit: Kit, html: str) -> bytes:
        """The PDF of ``kit``'s rendered ``html``: in the sandbox, under its limits, for a
        community kit; in this process for a shipped one."""
        if kit.community:
            return self.sandbox.pdf(kit.id, html)
        return html_to_pdf(html)

    def _body(self, kit: Kit, lang: Lang, params: Mapping[str, str]) -> str:
        values = resolve_parameters(kit.parameters, params, lang)
        context = self._context(kit, lang, values)
        entry = Kit.body_template(lang)
        if kit.community:
            return self.sandbox.render(kit.id, kit.template_sources(), entry, context)
        try:
            return self._environment(kit).get_template(entry).render(context)
        except jinja2.TemplateError as error:
            raise KitRenderError(
                N_("The kit {kit} failed to render: {detail}."),
                kit=kit.id,
                detail=error.message or type(error).__name__,
            ) from error

    def _context(self, kit: Kit, lang: Lang, values: Mapping[str, ParamValue]) -> dict[str, Any]:
        # Text parameters are escaped for Markdown so a value can never become markup;
        # building ranges become lists so the context crosses into the sandbox as JSON.
        parameters: dict[str, Any] = {
            name: escape_markdown(value)
            if isinstance(value, str)
            else list(value)
            if isinstance(value, tuple)
            else value
            for name, value in values.items()
        }
        return {
            **parameters,
            "params": dict(parameters),
            "lang": lang,
            "kit_url": self.kit_url(kit),
            "kit": {
                "id": kit.id,
                "title": kit.title.get(lang),
                "summary": kit.summary.get(lang),
                "version": kit.version,
                "authors": kit.authors_text(lang),
                "license": kit.license,
            },
        }

    def _stylesheet(self) -> str:
        if self._css is None:
            self._css = (_templates_dir() / "print.css").read_text(encoding="utf-8")
        return self._css

    def _environment(self, kit: Kit) -> jinja2.Environment:
        environment = self._kit_environments.get(kit.path)
        if environment is None:
            environment = jinja2.Environment(
                loader=jinja2.FileSystemLoader(kit.path), **environment_options()
            )
            environment.filters.update(kit_filters())
            self._kit_environments[kit.path] = environment
        return environment


def render(kit: Kit, fmt: str, lang: str, params: Mapping[str, str], public_url: str) -> bytes:
    """Render ``kit`` once; for many renders keep one Renderer instead."""
    return Renderer(public_url).render(kit, fmt, lang, params)


def _check_lang(kit: Kit, lang: str) -> Lang:
    if not is_lang(lang):
        raise KitNotFound(N_("There is no language {lang}; choose zh or en."), lang=lang)
    kit.require_language(lang)
    return lang


def _check_public_url(url: str) -> str:
    cleaned = url.strip().rstrip("/")
    if not cleaned.startswith(("http://", "https://")) or any(c.isspace() for c in cleaned):
        raise KitError(N_("The public URL {url} must start with http:// or https://."), url=url)
    return cleaned


def _templates_dir() -> Path:
    return Path(__file__).resolve().parent / "templates"
