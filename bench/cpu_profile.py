"""Where a running bot's CPU goes, by layer: py-spy samples of one process, grouped.

``Sampler(pid, path)`` attaches py-spy (``pip install -e '.[bench]'``) to a process for as long
as the ``with`` block lasts, without pausing it (``--nonblocking``), and ``layers`` groups the
samples. py-spy leaves out idle samples (a thread waiting in ``select``), so the shares are
shares of CPU time, and multiplied by the CPU milliseconds per update they say what each layer
costs an update.

A sample belongs to the innermost frame of a known layer: ``json.loads`` called by
python-telegram-bot counts as python-telegram-bot, the same call from CAN bot as CAN bot. A
sample with no known frame (the event loop's own bookkeeping, the interpreter) is "event loop
and other".
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path
from types import TracebackType

# py-spy names files relative to the import path: "bot/commands/dispatch.py", "telegram/...".
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CAN bot (bot, circles, toolkits)", ("bot/", "circles/", "toolkits/")),
    ("python-telegram-bot", ("telegram/",)),
    ("HTTP (httpx, httpcore, h11, anyio)", ("httpx/", "httpcore/", "h11/", "anyio/")),
    ("TinyDB", ("tinydb/",)),
    ("logging", ("logging/",)),
)
OTHER = "event loop and other"
RATE = 250  # samples per second


class Sampler:
    """py-spy recording one process into ``path`` (collapsed stacks) while the block runs."""

    def __init__(self, pid: int, path: Path) -> None:
        self.pid = pid
        self.path = path
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Sampler:
        spy = shutil.which("py-spy")
        if spy is None:
            raise SystemExit("--profile needs py-spy: pip install -e '.[bench]'")
        command = [spy, "record", "--pid", str(self.pid), "--format", "raw", "--nonblocking"]
        self._process = subprocess.Popen(
            [*command, "--rate", str(RATE), "--output", str(self.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output and exits
            self._process.wait(timeout=60)


def layer_of(stack: str) -> str:
    """The layer of one collapsed stack ("outer;...;leaf"): its innermost known frame's."""
    for frame in reversed(stack.split(";")):
        where = frame.rpartition("(")[2]
        for name, prefixes in LAYERS:
            if where.startswith(prefixes):
                return name
    return OTHER


def layers(path: Path) -> Counter[str]:
    """Samples per layer in a py-spy raw (collapsed) file."""
    counts: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[layer_of(stack)] += int(count)
    return counts


def table(per_bot: dict[str, tuple[Counter[str], float]]) -> str:
    """Each bot's CPU per update split by layer: "share (ms)" per column."""
    names = [name for name, _ in LAYERS] + [OTHER]
    bots = list(per_bot)
    lines = ["| layer | " + " | ".join(bots) + " |", "|---|" + "---:|" * len(bots)]
    for name in names:
        cells = []
        for bot in bots:
            counts, cpu_ms = per_bot[bot]
            share = counts[name] / max(1, sum(counts.values()))
            cells.append(f"{share:.0%} ({share * cpu_ms:.2f} ms)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    totals = [f"{per_bot[bot][1]:.2f} ms" for bot in bots]
    lines.append("| CPU per update | " + " | ".join(totals) + " |")
    return "\n".join(lines)
