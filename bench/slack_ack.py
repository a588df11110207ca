"""How fast Slack hears back: ack and answer latency of signed `/can` requests in HTTP mode.

Runs the real adapter on a journaled TinyDB store in a temp folder, against the loopback fake
Slack API, and prints percentiles for the ack (the HTTP 200 Slack waits for, budget 3 s) and for
the answer (the response_url post), sequentially and in concurrent bursts.

    python -m bench.slack_ack [--requests 200] [--burst 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.app.bootstrap import build_runtime
from bot.config import Config, StorageConfig
from bot.platforms.slack.adapter import SlackPlatform
from tests.bot.platforms.slack.support import BOT_TOKEN, post, serving, slack_config
from tests.fakes.slack_api import FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import command_form

COMMANDS = ("join", "circles", "roles", "help", "circle research", "myroles")


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return (
        f"{name:<28} n={len(ms):<4} p50={statistics.median(ms):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms"
    )


async def one(fake: FakeSlackAPI, url: str, number: int) -> tuple[float, float]:
    key = f"b{number}"
    body = command_form(
        COMMANDS[number % len(COMMANDS)],
        user=f"U{number % 40:03d}",
        response_url=fake.response_url(key),
    )
    start = time.perf_counter()
    status, _ = await post(url, body)
    acked = time.perf_counter() - start
    assert status == 200
    await fake.wait_for("response", lambda c: c.path.endswith("/" + key), timeout=60)
    return acked, time.perf_counter() - start


async def run(requests: int, burst: int) -> None:
    users = {f"U{n:03d}": FakeUser(f"user{n}") for n in range(40)}
    fake = FakeSlackAPI(bot_token=BOT_TOKEN, users=users)
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        base = slack_config(fake, Config().network)
        config = Config(
            network=base.network,
            slack=base.slack,
            storage=StorageConfig(url=f"tinydb://{Path(folder) / 'can.json'}"),
        )
        runtime = build_runtime(config)
        platform = SlackPlatform(config, runtime.dispatcher)
        await platform.start()
        try:
            async with serving(platform) as url:
                await one(fake, url, 0)  # warm up: imports, first auth.test inside Bolt
                sequential = [await one(fake, url, n) for n in range(1, requests + 1)]
                start = requests + 1
                bursts = await asyncio.gather(
                    *(one(fake, url, n) for n in range(start, start + burst))
                )
        finally:
            await platform.stop()
            runtime.close()
            await fake.stop()
    print(summary("ack, one at a time", [a for a, _ in sequential]))
    print(summary("answer, one at a time", [b for _, b in sequential]))
    print(summary(f"ack, {burst} at once", [a for a, _ in bursts]))
    print(summary(f"answer, {burst} at once", [b for _, b in bursts]))
    print(f"slowest ack is {max(a for a, _ in [*sequential, *bursts]) / 3:.1%} of Slack's 3 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--burst", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(run(args.requests, args.burst))


if __name__ == "__main__":
    main()
