"""Building every kit in every language and format into a folder (``canbot kits build``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from toolkits.catalog import Catalog
from toolkits.language import Lang
from toolkits.render import FORMATS, Renderer

Progress = Callable[[int, int, str], None]


def output_path(out_dir: Path, kit_id: str, lang: str, fmt: str) -> Path:
    """Where a built file goes: ``<out>/<kit>/<kit>.<lang>.<fmt>``."""
    return out_dir / kit_id / f"{kit_id}.{lang}.{fmt}"


def build_all(
    catalog: Catalog,
    out_dir: Path,
    langs: Sequence[Lang],
    public_url: str,
    progress: Progress | None = None,
) -> list[Path]:
    """Render every kit with its default parameters, in each of ``langs`` it is written in,
    to Markdown, HTML and PDF; return the files written.

    ``progress(done, total, label)`` is called before each file (label names it) and once at the
    end with ``done == total``. A kit error stops the build and propagates: a shipped kit that does
    not render is a bug to fix, not to skip.
    """
    renderer = Renderer(public_url)
    pairs = [(kit, lang) for kit in catalog.list() for lang in langs if lang in kit.languages]
    total = len(pairs) * len(FORMATS)
    written: list[Path] = []
    for kit, lang in pairs:
        html = ""
        for fmt in FORMATS:
            path = output_path(out_dir, kit.id, lang, fmt)
            if progress is not None:
                progress(len(written), total, f"{kit.id}.{lang}.{fmt}")
            if fmt == "md":
                content = renderer.markdown(kit, lang, {}).encode("utf-8")
            elif fmt == "html":
                html = renderer.html(kit, lang, {})
                content = html.encode("utf-8")
            else:
                # The PDF is made from the HTML just written rather than rendering it again.
                content = renderer.pdf_of_html(kit, html)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written.append(path)
    if progress is not None:
        progress(total, total, "")
    return written
