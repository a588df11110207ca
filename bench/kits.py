"""Kit rendering benchmark: render times per kit, and what PDFs cost the bot's other commands.

    python bench/kits.py [--runs N] [--requests N] [--part all|render|latency]

render:  median Markdown, HTML and PDF render times per kit and language, and what the sandbox
         costs (a shipped kit rendered as a community kit, in a child process).
latency: p50/p99 of a `circles` command run through the Dispatcher in a thread pool (as the
         Telegram and Slack adapters run it) on the default TinyDB store, first idle, then while
         PDFs render back to back through KitPress in a thread, then in a process (the default).
Figures and ratios only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app.bootstrap import build_runtime
from bot.config import Config, StorageConfig
from bot.kit_press import KitPress, PressMode, PressSettings
from circles.actor import Actor
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


def render_times(runs: int) -> None:
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


@dataclass
class Latency:
    label: str
    samples: list[float]
    pdfs: int
    seconds: float

    def p(self, share: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Renders:
    """Renders PDFs back to back through a press (each with a new value, so none is cached)."""

    def __init__(self, press: KitPress) -> None:
        self.press = press
        self.done = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Renders:
        self.press.render("parcel-sorting", "pdf", "zh", {"neighborhood": "warm-up"})
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            self.press.render("parcel-sorting", "pdf", "zh", {"neighborhood": f"n{n}"})
            self.done += 1


def command_latency(requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(storage=StorageConfig(f"tinydb://{Path(tmp) / 'can.json'}"))
        runtime = build_runtime(config)
        dispatcher = runtime.dispatcher
        actor = Actor("console:bench", "bench")
        dispatcher.handle(actor, "join Gubei")

        def measure(label: str) -> Latency:
            samples = []
            # The adapters hand each command to the loop's default executor, a thread pool.
            with ThreadPoolExecutor(8) as pool:
                started = time.perf_counter()
                for _ in range(requests):
                    sent = time.perf_counter()
                    reply = pool.submit(dispatcher.handle, actor, "circles").result()
                    samples.append((time.perf_counter() - sent) * 1000)
                    assert not reply.error, reply.text
                    time.sleep(0.005)  # users arrive; they do not queue back to back
                return Latency(label, samples, 0, time.perf_counter() - started)

        results = [measure("idle (no render)")]
        # The process press first: a thread press leaves WeasyPrint's objects in this process,
        # whose garbage collections would then be charged to the process press.
        modes: tuple[tuple[PressMode, str], ...] = (
            ("process", "PDFs rendering in a process"),
            ("thread", "PDFs rendering in a thread"),
        )
        for mode, label in modes:
            press = KitPress(dispatcher.kits, PUBLIC_URL, PressSettings(mode=mode))
            try:
                warm = time.perf_counter()
                with Renders(press) as renders:
                    first = (time.perf_counter() - warm) * 1000
                    before = renders.done
                    result = measure(label)
                    result.pdfs = renders.done - before
                results.append(result)
                print(f"({mode} press: first PDF, worker start included, {first:.0f} ms)")
            finally:
                press.close()
        runtime.close()
    idle = results[0]
    print(f"`circles` through the Dispatcher, {requests} requests, milliseconds:")
    print(f"{'while':<32}{'p50':>7}{'p99':>8}{'max':>8}{'p99/idle':>10}{'PDFs/s':>8}")
    for r in results:
        rate = r.pdfs / r.seconds if r.seconds else 0.0
        print(
            f"{r.label:<32}{r.p(0.5):>7.2f}{r.p(0.99):>8.2f}{max(r.samples):>8.1f}"
            f"{r.p(0.99) / idle.p(0.99):>9.1f}x{rate:>8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument(
        "--requests", type=int, default=400, help="commands timed per latency row (default 400)"
    )
    parser.add_argument("--part", choices=("all", "render", "latency"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "render"):
        render_times(args.runs)
    if args.part in ("all", "latency"):
        command_latency(args.requests)


if __name__ == "__main__":
    main()
