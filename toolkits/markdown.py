"""Kit Markdown: escaping parameter text into it, and converting it to HTML.

Kits are written in CommonMark with tables and a few ``::: name`` blocks for print layout:

- ``::: sign [size]`` one large sign on its own page; ``toolkits.sign`` picks the size class
- ``::: page``  a section that starts on a new page
- ``::: keep``  a section kept on one page when it fits (a form or a board to fill in)
- ``::: note``  a boxed tip
- ``::: card``  a cut-out card with a dashed border
- ``::: checklist``  lists without bullets, for items that start with a box (□)

Raw HTML and images are turned off, so Markdown from a kit or a parameter can never inject
markup, scripts or fetches into the HTML and PDF.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.container import container_plugin

BLOCKS = ("sign", "page", "keep", "note", "card", "checklist")

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")
_BULLET_MARKER = re.compile(r"^([-+=])")
_CLASS = re.compile(r"[a-z0-9][a-z0-9-]{0,19}")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown: no emphasis, links, HTML, headings or list markers."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    escaped = _ORDERED_MARKER.sub(r"\1\\\2", escaped)
    return _BULLET_MARKER.sub(r"\\\1", escaped)


def new_markdown() -> MarkdownIt:
    """A Markdown-to-HTML converter for kits (build one per renderer; it holds no I/O)."""
    converter = MarkdownIt("commonmark", {"html": False, "typographer": False})
    converter.enable("table")
    converter.disable("image")
    for name in BLOCKS:
        converter.use(container_plugin, name=name, render=_render_block)
    return converter


def _render_block(
    self: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    _options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    name, *extras = token.info.split()
    classes = [name, *(extra for extra in extras if _CLASS.fullmatch(extra))]
    return f'<div class="{" ".join(classes)}">\n'
