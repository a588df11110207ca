"""End to end: three real `canbot run` replicas on one PostgreSQL database, webhook mode.

Updates are spread over the replicas as a load balancer would; one replica leads (scheduler,
reminders); answers come from whichever replica got the update. Timed targets: a reminder
sent once; 100 concurrent claims of a capacity-1 role leave one holder; the leader killed with
-9 is replaced and the reminder still goes out once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.bot.platforms.telegram.harness import ADA, ALICE, BOB, GROUP, token_leaks
from tests.bot.platforms.telegram.replicas import (
    Spread,
    next_minute_after,
    replica_config,
    start_replica,
)
from tests.fakes.telegram_api import FakeTelegramAPI

SHANGHAI = ZoneInfo("Asia/Shanghai")


def schedule_line(start: datetime, title: str) -> str:
    local = start.astimezone(SHANGHAI)
    return f"/schedule research once:{local:%Y-%m-%d} {local:%H:%M} 30m {title}"


async def reminded(fake: FakeTelegramAPI, title: str, timeout: float) -> None:
    def found() -> bool:
        return any(title in text for text in fake.texts(GROUP["id"]))

    await fake.wait_for(found, timeout, what=f"the reminder of {title}")


async def three_replicas(
    fake: FakeTelegramAPI, tmp_path: Path, pg_url: str, stack: AsyncExitStack, lead: timedelta
) -> tuple[Spread, datetime]:
    """Start three replicas whose reminder falls due ``lead`` from now, for a meetup at the
    returned time (scheduled by the caller)."""
    start = next_minute_after(lead + timedelta(seconds=30))
    offset = int((start - (datetime.now(UTC) + lead)).total_seconds())
    config = replica_config(tmp_path, fake.base_url, pg_url, [f"{offset}s"])
    replicas = await asyncio.gather(*(start_replica(config, stack) for _ in range(3)))
    spread = Spread(fake, list(replicas))
    stack.push_async_callback(spread.close)
    return spread, start


async def test_three_replicas_onboard_claim_link_and_remind_once(
    fake: FakeTelegramAPI, tmp_path: Path, pg_url: str
) -> None:
    async with AsyncExitStack() as stack:
        spread, start = await three_replicas(fake, tmp_path, pg_url, stack, timedelta(seconds=75))
        roles = sorted(h["role"] for h in await spread.health())
        assert roles == ["follower", "follower", "leader"]
        assert len(fake.sent("setMyCommands")) == 3  # the menu is set by the leader only

        assert await spread.say("/start", ALICE) == 200
        await fake.wait_for_text(42, "Welcome to CAN test")
        await spread.press(fake.last_message(42), "Join", ALICE)
        await fake.wait_for_text(42, "You are now a volunteer")
        await spread.say("/circle research", ALICE)
        await fake.wait_for_text(42, "Interviewer (0/1): open")
        await spread.press(fake.last_message(42), "Claim Interviewer", ALICE)
        await fake.wait_for_text(42, "You now hold research/interviewer")
        await spread.say("/join", BOB)
        await fake.wait_for_text(43, "You are now a volunteer")
        await spread.say("/claim research/interviewer", BOB)
        await fake.wait_for_text(43, "is full")
        await spread.say("/join", ADA)
        await fake.wait_for_text(ADA["id"], "You are now a volunteer")
        await spread.say("/link@canbot_test_bot research", ADA, GROUP)
        await fake.wait_for_text(GROUP["id"], "now linked")
        await spread.say(schedule_line(start, "Tea house"), ADA)
        await fake.wait_for_text(ADA["id"], "Tea house")

        # 100 people join, then all claim one capacity-1 role at once, over three replicas.
        people = [
            {"id": 5000 + n, "is_bot": False, "first_name": f"P{n}", "language_code": "en"}
            for n in range(100)
        ]
        await asyncio.gather(*(spread.say("/join", p) for p in people))
        for p in people:
            await fake.wait_for_text(p["id"], "You are now a volunteer", after=0)
        await asyncio.gather(*(spread.say("/claim connect/partner-liaison", p) for p in people))
        answers = [await fake.wait_for(lambda p=p: fake.texts(p["id"])[1:], 60) for p in people]
        won = [p for p, a in zip(people, answers, strict=True) if "You now hold" in a[0]]
        assert len(won) == 1, [a[0][:60] for a in answers[:5]]

        # The reminder reaches the linked group once, from the leader.
        await reminded(fake, "Tea house", 100)
        await asyncio.sleep(4)  # every tick of every replica had its chance to double it
        assert sum("Tea house" in t for t in fake.texts(GROUP["id"])) == 1

        for replica in spread.replicas:
            assert token_leaks(replica.run.output) == []


async def test_the_leader_killed_with_9_is_replaced_and_the_reminder_goes_once(
    fake: FakeTelegramAPI, tmp_path: Path, pg_url: str
) -> None:
    async with AsyncExitStack() as stack:
        spread, start = await three_replicas(fake, tmp_path, pg_url, stack, timedelta(seconds=40))
        await spread.say("/join", ADA)
        await fake.wait_for_text(ADA["id"], "You are now a volunteer")
        await spread.say("/link@canbot_test_bot research", ADA, GROUP)
        await fake.wait_for_text(GROUP["id"], "now linked")
        await spread.say(schedule_line(start, "Failover tea"), ADA)
        await fake.wait_for_text(ADA["id"], "Failover tea")
        health = await spread.health()
        leader = next(
            r for r, h in zip(spread.replicas, health, strict=True) if h["role"] == "leader"
        )
        os.kill(leader.run.pid, signal.SIGKILL)
        killed = datetime.now(UTC)
        others = [r for r in spread.replicas if r is not leader]
        spread.replicas = others

        async def roles() -> list[str]:
            return sorted(h["role"] for h in await spread.health())

        while await roles() != ["follower", "leader"]:
            assert datetime.now(UTC) - killed < timedelta(seconds=10), "no takeover in 10 s"
            await asyncio.sleep(0.2)
        await reminded(fake, "Failover tea", 60)
        await asyncio.sleep(4)
        assert sum("Failover tea" in t for t in fake.texts(GROUP["id"])) == 1
