"""Kit rendering benchmark: median Markdown, HTML and PDF render times per kit and language.

    python bench/kits.py [--runs N]

Also prints what the sandbox costs: a shipped kit rendered as a community kit (child process)
against the same kit rendered in process. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkits.catalog import load_catalog
from toolkits.kit import load_kit
from toolkits.language import LANGS
from toolkits.render import Renderer

PUBLIC_URL = "https://can.example.org"


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``action`` in milliseconds, after one warm-up run."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    runs = parser.parse_args().runs
    catalog = load_catalog([])
    renderer = Renderer(PUBLIC_URL)
    print(f"median of {runs} runs, milliseconds (parcel-sorting: 24 signs)")
    print(f"{'kit':<22}{'lang':<6}{'md':>8}{'html':>8}{'pdf':>9}{'pdf pages':>11}")
    for kit in catalog.list():
        for lang in LANGS:
            md = median_ms(lambda k=kit, la=lang: renderer.markdown(k, la, {}), runs)
            html = median_ms(lambda k=kit, la=lang: renderer.html(k, la, {}), runs)
            pdf_bytes = renderer.pdf(kit, lang, {})
            pdf = median_ms(lambda k=kit, la=lang: renderer.pdf(k, la, {}), runs)
            pages = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
            print(f"{kit.id:<22}{lang:<6}{md:>8.1f}{html:>8.1f}{pdf:>9.0f}{pages:>11}")
    with tempfile.TemporaryDirectory() as tmp:
        shipped = catalog.get("tea-house")
        copy = Path(tmp) / shipped.id
        shutil.copytree(shipped.path, copy)
        community = load_kit(copy, community=True)
        trusted_ms = median_ms(lambda: renderer.markdown(shipped, "en", {}), runs)
        sandboxed_ms = median_ms(lambda: renderer.markdown(community, "en", {}), runs)
    print(
        f"sandbox: tea-house md in process {trusted_ms:.1f} ms, in the sandbox "
        f"{sandboxed_ms:.1f} ms (+{sandboxed_ms - trusted_ms:.0f} ms per render: the child process)"
    )


if __name__ == "__main__":
    main()
