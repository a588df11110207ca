"""Broadcast pacing against FakeTelegramAPI: messages per second, the busiest second, and how
long a user's command waits for its answer while a broadcast is going out.

Run from the repository root:  python bench/telegram_broadcast.py [--messages 300] [--group]
``--group`` also sends 25 messages to one group and shows the per-group minute (takes ~60 s).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any


def busiest(times: list[float], seconds: float) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


async def bench(messages: int, group: bool) -> None:
    from bot.app.bootstrap import build_runtime
    from bot.config import Config, StorageConfig, TelegramConfig
    from bot.platforms.telegram.adapter import TelegramPlatform
    from bot.reply import Button, Reply
    from circles.network import Network
    from tests.fakes.telegram_api import FakeTelegramAPI

    token = "123456:BenchToken_abcdefghijklmnop"
    fake = FakeTelegramAPI(token)
    await fake.start()
    config = Config(
        network=Network(language="en"),
        storage=StorageConfig("memory://"),
        telegram=TelegramConfig(token=token, base_url=fake.base_url),
    )
    runtime = build_runtime(config)
    platform = TelegramPlatform(config.telegram, runtime.dispatcher)
    await platform.start()
    try:
        reply = Reply("Tea house tonight at 20:00", buttons=((Button("Going", "help"),),))
        chats = [-(1_000_000 + i) for i in range(messages)]
        started = time.monotonic()
        sending = asyncio.gather(*(platform.send(f"telegram:{c}", reply) for c in chats))
        await asyncio.sleep(0.5)  # the broadcast is under way
        user: dict[str, Any] = {"id": 42, "is_bot": False, "first_name": "A"}
        asked = time.monotonic()
        fake.push_message("/help", user=user)
        await fake.wait_for_text(
            42,
            "Commands",
        )
        answered = time.monotonic() - asked
        await sending
        elapsed = time.monotonic() - started
        times = [c.at for c in fake.sent("sendMessage") if int(c.params["chat_id"]) < 0]
        print(f"broadcast: {len(times)} messages to {messages} groups in {elapsed:.2f} s")
        print(f"  rate: {(len(times) - 1) / (max(times) - min(times)):.1f} messages/s (limit 30)")
        print(f"  busiest second: {busiest(times, 1.0)} messages")
        print(f"  a user's /help during the broadcast was answered after {answered:.3f} s")
        if group:
            one = -42
            started = time.monotonic()
            await asyncio.gather(*(platform.send(f"telegram:{one}", reply) for _ in range(25)))
            group_times = [c.at for c in fake.sent("sendMessage", one)]
            print(
                f"one group: 25 messages in {time.monotonic() - started:.1f} s, "
                f"busiest minute {busiest(group_times, 60.0)} (limit 20)"
            )
    finally:
        await platform.stop()
        runtime.close()
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--group", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    asyncio.run(bench(args.messages, args.group))


if __name__ == "__main__":
    main()
