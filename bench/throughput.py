"""Updates answered per second: the real `canbot run` against a bare python-telegram-bot echo bot.

Run: python -m bench.throughput [--lean] [--profile] [--updates 2000] [--users 100] [--rounds 3]
[sizes...]   (default sizes 300 10000)

Both bots poll the same FakeTelegramAPI (loopback) with the same concurrency. For each size the
default TinyDB store is filled with that many volunteers; ``--users`` of them send the updates:
80% reads (circles, circle research, myroles, roles) and 20% writes (claim and release of an
unlimited role, a profile change). All updates are queued at once; the figure is updates
answered per second from the first queued to the last answer, and the ratio canbot/echo.

Wall-clock rates on a shared 2-core machine swing by a third from round to round, so each round
also reads the bot process's own CPU time (user + system, from /proc) over the same span: CPU
milliseconds per update is what the bot itself costs, and barely moves with the neighbours.

``--profile`` samples each bot with py-spy while it answers (bench/cpu_profile.py) and prints
where its CPU went, by layer; py-spy takes CPU of its own, so compare rates without it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.cpu_profile import Sampler, layers, table
from circles.clock import SystemClock
from circles.model import Volunteer
from circles.network import Network
from circles.ports import DocumentStore
from circles.services.network_setup import ensure_seeded
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from tests.bot.platforms.telegram.harness import TOKEN, CanbotRun, child_env, write_config
from tests.fakes.telegram_api import FakeTelegramAPI

READS = ("/circles", "/circle research", "/myroles", "/roles")
WRITES = (
    "/claim practice/neighborhood-captain",
    "/release practice/neighborhood-captain",
    "/profile neighborhood Block {n}",
)
FIRST_USER = 10_000


def workload(updates: int, users: int) -> list[tuple[int, str]]:
    """(user id, text): every fifth update a write, the others reads, users in turn."""
    reads, writes = itertools.cycle(READS), itertools.cycle(WRITES)
    plan = []
    for n in range(updates):
        text = next(writes).format(n=n) if n % 5 == 4 else next(reads)
        plan.append((FIRST_USER + n % users, text))
    return plan


def fill_store(path: Path, volunteers: int, users: int) -> None:
    """``volunteers`` volunteers in a TinyDB file, the first ``users`` of them Telegram users."""
    fill(TinyDBStore(path), volunteers, users)


def fill(store: DocumentStore, volunteers: int, users: int) -> None:
    """``volunteers`` volunteers, the first ``users`` of them Telegram users who send updates;
    the store is closed afterwards."""
    uow = UnitOfWork(store, SystemClock(), Network(name="CAN test", language="zh"))
    ensure_seeded(uow)
    batch = 1000
    for start in range(0, volunteers, batch):
        with uow.begin() as s:
            for n in range(start, min(start + batch, volunteers)):
                identity = f"telegram:{FIRST_USER + n}" if n < users else f"console:v{n}"
                s.volunteers.save(
                    Volunteer(
                        id=f"v{n:07d}",
                        name=f"Volunteer {n}",
                        identities=[identity],
                        joined_at=s.now,
                    )
                )
            s.commit()
    store.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Run:
    """What one bot did in one round: answers per second, CPU ms per answer, its samples."""

    def __init__(self, rate: float, cpu_ms: float, samples: Counter[str]) -> None:
        self.rate, self.cpu_ms, self.samples = rate, cpu_ms, samples


async def answered_per_second(
    fake: FakeTelegramAPI, plan: list[tuple[int, str]], pid: int, profile: bool
) -> Run:
    """Answers per second and the bot's CPU milliseconds per answer over the same span (and
    where that CPU went, with ``profile``)."""
    with tempfile.TemporaryDirectory() as folder:
        samples = Path(folder) / "spy.txt"
        with Sampler(pid, samples) if profile else contextlib.nullcontext():
            rate, cpu_ms = await _answer_all(fake, plan, pid)
        return Run(rate, cpu_ms, layers(samples) if profile else Counter())


async def _answer_all(
    fake: FakeTelegramAPI, plan: list[tuple[int, str]], pid: int
) -> tuple[float, float]:
    users = {user for user, _ in plan}
    before = len(fake.calls)
    cpu_before = cpu_seconds(pid)
    started = time.monotonic()
    for user, text in plan:
        person: dict[str, Any] = {"id": user, "is_bot": False, "first_name": f"U{user}"}
        fake.push_message(text, user=person)

    def answers() -> int:
        return sum(
            1
            for call in fake.calls[before:]
            if call.method == "sendMessage" and int(call.params.get("chat_id", 0)) in users
        )

    deadline = started + 600
    while (count := answers()) < len(plan) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(pid) - cpu_before
    if count < len(plan):
        print(f"  only {count} of {len(plan)} answered", file=sys.stderr)
    return count / elapsed, 1000 * cpu / max(count, 1)


async def echo_run(plan: list[tuple[int, str]], lean: bool, profile: bool = False) -> Run:
    fake = FakeTelegramAPI(TOKEN, lean=lean)
    await fake.start()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).with_name("echo_bot.py")),
        TOKEN,
        fake.base_url,
        env=child_env(),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        await process.stdout.readline()
        await fake.wait_for(lambda: fake.sent("getUpdates"), what="polling", timeout=30)
        return await answered_per_second(fake, plan, process.pid, profile)
    finally:
        if process.returncode is None:  # it may have died at start; its traceback is on stderr
            process.terminate()
        await process.wait()
        await fake.stop()


async def canbot_run(
    folder: Path, volunteers: int, plan: list[tuple[int, str]], lean: bool, profile: bool
) -> Run:
    fake = FakeTelegramAPI(TOKEN, lean=lean)
    await fake.start()
    config = write_config(folder, fake.base_url)
    fill_store(folder / "can.json", volunteers, len({user for user, _ in plan}))
    try:
        async with CanbotRun(config) as bot:
            await fake.wait_for(lambda: fake.sent("getUpdates"), what="polling", timeout=30)
            return await answered_per_second(fake, plan, bot.pid, profile)
    finally:
        await fake.stop()


async def bench(
    sizes: list[int], updates: int, users: int, rounds: int, lean: bool, profile: bool
) -> None:
    plan = workload(updates, users)
    fake = "lean fake (sent messages echoed as id, date, chat)" if lean else "full fake"
    print(f"{updates} updates from {users} users (80% reads, 20% writes), all queued at once;")
    print(f"{fake}{'; both bots sampled by py-spy' if profile else ''}")
    print(f"echo and canbot alternate, {rounds} rounds each, medians (the machine is shared)")
    for size in sizes:
        echoes: list[Run] = []
        bots: list[Run] = []
        for _ in range(rounds):
            echoes.append(await echo_run(plan, lean, profile))
            with tempfile.TemporaryDirectory() as tmp:
                bots.append(await canbot_run(Path(tmp), size, plan, lean, profile))
        ratios = [b.rate / e.rate for b, e in zip(bots, echoes, strict=True)]
        each = " ".join(f"{ratio:.2f}" for ratio in ratios)
        echo_ms = statistics.median(e.cpu_ms for e in echoes)
        bot_ms = statistics.median(b.cpu_ms for b in bots)
        echo_rate = statistics.median(e.rate for e in echoes)
        print(
            f"{size:>6} volunteers: bare PTB echo {echo_rate:.0f}/s, "
            f"canbot run {statistics.median(b.rate for b in bots):.0f}/s, "
            f"ratio {statistics.median(ratios):.2f} (each round: {each})"
        )
        print(
            f"{'':>6}  CPU per update: echo {echo_ms:.2f} ms, canbot {bot_ms:.2f} ms, "
            f"ratio echo/canbot {echo_ms / bot_ms:.2f}"
        )
        if profile:
            print(f"\nWhere the CPU went at {size} volunteers (all rounds' samples):\n")
            echo_samples = sum((e.samples for e in echoes), Counter[str]())
            bot_samples = sum((b.samples for b in bots), Counter[str]())
            print(table({"echo": (echo_samples, echo_ms), "canbot": (bot_samples, bot_ms)}))
            print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[300, 10_000])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--lean", action="store_true", help="the fake echoes sent messages as id, date, chat only"
    )
    parser.add_argument("--profile", action="store_true", help="sample both bots with py-spy")
    args = parser.parse_args()
    asyncio.run(bench(args.sizes, args.updates, args.users, args.rounds, args.lean, args.profile))


if __name__ == "__main__":
    main()
