"""Building every kit in every language and format into a folder (``canbot kits build``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkits.catalog import Catalog
from toolkits.errors import KitError
from toolkits.kit import Kit
from toolkits.language import Lang
from toolkits.render import FORMATS, Renderer

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildFailure:
    """A community kit that could not be built in one language, and why."""

    kit_id: str
    lang: str
    error: KitError

    def __str__(self) -> str:
        return f"{self.kit_id}.{self.lang}: {self.error}"


@dataclass(frozen=True)
class BuildReport:
    """The files a build wrote and the community kits it could not build."""

    written: list[Path] = field(default_factory=list)
    failures: list[BuildFailure] = field(default_factory=list)


def output_path(out_dir: Path, kit_id: str, lang: str, fmt: str) -> Path:
    """Where a built file goes: ``<out>/<kit>/<kit>.<lang>.<fmt>``."""
    return out_dir / kit_id / f"{kit_id}.{lang}.{fmt}"


def build_all(
    catalog: Catalog,
    out_dir: Path,
    langs: Sequence[Lang],
    public_url: str,
    progress: Progress | None = None,
) -> BuildReport:
    """Render every kit with its default parameters, in each of ``langs`` it is written in,
    to Markdown, HTML and PDF; report the files written and the community kits that failed.

    ``progress(done, total, label)`` is called before each file (label names it) and once at the
    end with ``done == total``. A community kit that fails (a template error, a sandbox refusal)
    is reported and the build goes on, writing none of that kit's files in that language; a
    shipped kit's error propagates: a shipped kit that does not render is a bug to fix, not to
    skip.
    """
    renderer = Renderer(public_url)
    pairs = [(kit, lang) for kit in catalog.list() for lang in langs if lang in kit.languages]
    total = len(pairs) * len(FORMATS)
    report = BuildReport()
    for index, (kit, lang) in enumerate(pairs):
        try:
            contents = _kit_files(
                renderer, kit, lang, out_dir, index * len(FORMATS), total, progress
            )
        except KitError as error:
            if not kit.community:
                raise
            report.failures.append(BuildFailure(kit.id, lang, error))
            continue
        for path, content in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            report.written.append(path)
    if progress is not None:
        progress(total, total, "")
    return report


def _kit_files(
    renderer: Renderer,
    kit: Kit,
    lang: Lang,
    out_dir: Path,
    done: int,
    total: int,
    progress: Progress | None,
) -> dict[Path, bytes]:
    # Rendered in memory first, so a kit that fails in its PDF leaves no half-built set behind.
    contents: dict[Path, bytes] = {}
    html = ""
    for offset, fmt in enumerate(FORMATS):
        if progress is not None:
            progress(done + offset, total, f"{kit.id}.{lang}.{fmt}")
        if fmt == "md":
            content = renderer.markdown(kit, lang, {}).encode("utf-8")
        elif fmt == "html":
            html = renderer.html(kit, lang, {})
            content = html.encode("utf-8")
        else:
            # The PDF is made from the HTML just rendered rather than rendering it again.
            content = renderer.pdf_of_html(kit, html)
        contents[output_path(out_dir, kit.id, lang, fmt)] = content
    return contents
