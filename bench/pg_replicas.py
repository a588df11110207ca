"""Updates answered per second by 1, 2 and 3 `canbot run` replicas on one PostgreSQL database.

Run: python -m bench.pg_replicas [--updates 1000] [--users 100] [--rounds 2] [replicas...]
(default 1 2 3). Server: CANBOT_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test);
each round gets a fresh database, dropped afterwards.

The replicas serve Telegram webhooks (only the leader may poll); the updates (bench/throughput.py's
mix, 80% reads, 20% writes, 300 volunteers) are posted to them in turn, 32 at a time, as a load
balancer would. The bare python-telegram-bot echo bot answers the same plan in the same run,
polling the fake Bot API (bench/throughput.py), as the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import aiohttp

from bench.scratch_database import scratch_database
from bench.throughput import FIRST_USER, echo_run, workload
from circles.clock import SystemClock
from circles.model import Volunteer
from circles.network import Network
from circles.services.network_setup import ensure_seeded
from circles.storage.postgres import PostgresStore
from circles.unit_of_work import UnitOfWork
from tests.bot.platforms.telegram.harness import TOKEN
from tests.bot.platforms.telegram.replicas import HEADER, replica_config, start_replica
from tests.fakes.telegram_api import FakeTelegramAPI

VOLUNTEERS = 300
IN_FLIGHT = 32


def fill(url: str, users: int) -> None:
    store = PostgresStore(url, listen=False)
    uow = UnitOfWork(store, SystemClock(), Network(name="CAN test", language="zh"))
    ensure_seeded(uow)
    with uow.begin() as s:
        for n in range(VOLUNTEERS):
            identity = f"telegram:{FIRST_USER + n}" if n < users else f"console:v{n}"
            s.volunteers.save(Volunteer(f"v{n:07d}", f"Volunteer {n}", [identity], s.now))
        s.commit()
    store.close()


async def replicas_run(count: int, plan: list[tuple[int, str]]) -> float:
    """Answers per second of ``count`` replicas, from the first post to the last answer."""
    users = {user for user, _ in plan}
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    try:
        with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
            fill(url, len(users))
            config = replica_config(Path(tmp), fake.base_url, url, ["1h"])
            async with AsyncExitStack() as stack:
                replicas = await asyncio.gather(
                    *(start_replica(config, stack) for _ in range(count))
                )
                http = await stack.enter_async_context(aiohttp.ClientSession())
                turn, ids = itertools.cycle(replicas), itertools.count(1)
                gate = asyncio.Semaphore(IN_FLIGHT)
                before = len(fake.calls)

                async def post(user: int, text: str) -> None:
                    person: dict[str, Any] = {"id": user, "is_bot": False, "first_name": "U"}
                    body = {
                        "update_id": next(ids),
                        "message": fake.incoming_message(text, user=person),
                    }
                    async with gate, http.post(next(turn).hook, json=body, headers=HEADER):
                        pass

                def answers() -> int:
                    return sum(
                        1
                        for call in fake.calls[before:]
                        if call.method == "sendMessage"
                        and int(call.params.get("chat_id", 0)) in users
                    )

                started = time.monotonic()
                await asyncio.gather(*(post(user, text) for user, text in plan))
                while answers() < len(plan) and time.monotonic() < started + 600:
                    await asyncio.sleep(0.05)
                return answers() / (time.monotonic() - started)
    finally:
        await fake.stop()


async def bench(counts: list[int], updates: int, users: int, rounds: int) -> None:
    plan = workload(updates, users)
    print(f"{updates} updates from {users} users, {VOLUNTEERS} volunteers, {IN_FLIGHT} in flight")
    echoes: list[float] = []
    rates: dict[int, list[float]] = {count: [] for count in counts}
    for _ in range(rounds):
        echoes.append((await echo_run(plan, lean=False, profile=False)).rate)
        for count in counts:
            rates[count].append(await replicas_run(count, plan))
    echo = statistics.median(echoes)
    print(f"bare PTB echo (polling): {echo:.0f}/s")
    for count in counts:
        rate = statistics.median(rates[count])
        print(f"{count} replica(s), webhooks: {rate:.0f}/s, ratio to echo {rate / echo:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("counts", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(bench(args.counts, args.updates, args.users, args.rounds))


if __name__ == "__main__":
    main()
