"""Read commands in-process: p50/p99 of `circle research`, `circles`, `roles`, `myroles`.

Run: python -m bench.hot_path [--calls 2000] [--postgres] [sizes...]   (default sizes 300 10000)

The dispatcher of a real TinyDB store (with ``--postgres``, a PostgreSQL store on a scratch
database of CANBOT_BENCH_POSTGRES) filled with that many volunteers (bench.throughput's fill),
called directly: what one read command costs CAN bot itself, without any platform.
Each call is timed on the wall clock and on the process's CPU clock; the CPU figures move less
when the machine is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.scratch_database import scratch_database
from bench.throughput import FIRST_USER, fill, fill_store
from bot.app.bootstrap import build_runtime
from bot.config import Config, StorageConfig
from circles.actor import Actor
from circles.network import Network
from circles.storage.postgres import PostgresStore

COMMANDS = ("circle research", "circles", "roles", "myroles")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(volunteers: int, calls: int, postgres: bool) -> None:
    with contextlib.ExitStack() as stack:
        if postgres:
            url = stack.enter_context(scratch_database())
            fill(PostgresStore(url, listen=False), volunteers, 100)
        else:
            url = f"tinydb://{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'c.json'}"
            fill_store(Path(url.removeprefix("tinydb://")), volunteers, 100)
        config = Config(
            network=Network(name="CAN bench", language="zh"),
            storage=StorageConfig(url),
        )
        runtime = build_runtime(config)
        try:
            actors = [Actor(f"telegram:{FIRST_USER + n}", f"U{n}") for n in range(100)]
            for command in COMMANDS:
                runtime.dispatcher.handle(actors[0], command)  # warm: the read model is built
                wall: list[float] = []
                cpu: list[float] = []
                for n in range(calls):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    runtime.dispatcher.handle(actors[n % 100], command)
                    wall.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                print(
                    f"{volunteers:>7} volunteers  {command:<16} wall p50 "
                    f"{statistics.median(wall):.3f} p99 {percentile(wall, 0.99):.3f} ms; "
                    f"CPU mean {statistics.fmean(cpu):.3f} ms"
                )
        finally:
            runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[300, 10_000])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true", help="the PostgreSQL store")
    args = parser.parse_args()
    for size in args.sizes:
        measure(size, args.calls, args.postgres)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
