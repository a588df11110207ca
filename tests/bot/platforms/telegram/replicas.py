"""Three `canbot run` replicas on one PostgreSQL database, Telegram in webhook mode."""

from __future__ import annotations

import itertools
import re
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from tests.bot.platforms.telegram.harness import SECRET, CanbotRun, write_config
from tests.fakes.telegram_api import FakeTelegramAPI

HEADER = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def replica_config(tmp_path: Path, base_url: str, pg_url: str, reminders: list[str]) -> Path:
    path = write_config(tmp_path, base_url, webhook=True)
    text = re.sub(r'  url: "tinydb://[^"]*"', f'  url: "{pg_url}"', path.read_text("utf-8"))
    text += "meetups:\n  reminders: [" + ", ".join(f'"{r}"' for r in reminders) + "]\n"
    path.write_text(text, encoding="utf-8")
    return path


class Replica:
    """One running replica: its process, webhook URL and portal."""

    def __init__(self, run: CanbotRun, hook: str, portal: str) -> None:
        self.run = run
        self.hook = hook
        self.portal = portal


async def start_replica(config: Path, stack: AsyncExitStack) -> Replica:
    run = await stack.enter_async_context(CanbotRun(config))
    hook = (await run.wait_for_line(r"Telegram webhook listening on (http://\S+)")).group(1)
    portal = (await run.wait_for_line(r"Web portal on (http://\S+)")).group(1)
    return Replica(run, hook, portal)


class Spread:
    """Posts updates to the replicas in turn, as a load balancer would."""

    def __init__(self, fake: FakeTelegramAPI, replicas: list[Replica]) -> None:
        self.fake = fake
        self.replicas = replicas
        self._turn = itertools.count()
        self._ids = itertools.count(1)
        self.http = aiohttp.ClientSession()

    async def post(self, update: dict[str, Any], replica: Replica | None = None) -> int:
        target = replica or self.replicas[next(self._turn) % len(self.replicas)]
        body = {"update_id": next(self._ids), **update}
        async with self.http.post(target.hook, json=body, headers=HEADER) as response:
            return response.status

    async def say(self, text: str, user: dict[str, Any], chat: dict[str, Any] | None = None) -> int:
        return await self.post({"message": self.fake.incoming_message(text, user=user, chat=chat)})

    async def press(self, message: dict[str, Any], label: str, user: dict[str, Any]) -> int:
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    query = {
                        "id": f"q{next(self._ids)}",
                        "from": user,
                        "chat_instance": "fake-instance",
                        "message": message,
                        "data": button["callback_data"],
                    }
                    return await self.post({"callback_query": query})
        raise KeyError(label)

    async def health(self) -> list[dict[str, Any]]:
        found = []
        for replica in self.replicas:
            async with self.http.get(replica.portal + "/healthz") as response:
                found.append({"http": response.status, **(await response.json())})
        return found

    async def close(self) -> None:
        await self.http.close()


def next_minute_after(delay: timedelta) -> datetime:
    moment = datetime.now(UTC) + delay
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
