"""One user or visitor must not stop everyone: chat answer latency and log size under attack.

Usage: python bench/attacks.py [--samples N]

Starts `canbot run` (TinyDB store, portal on a free port, descriptor limit 1,024 as on a typical
host) in a temporary folder, then, one after another:

- idle: the baseline;
- far-future relay: a lead's `relay new 9999-12-31T10:00 24x60 ...` (refused now), and a relay
  record dated 9999 written into the store before the start, which the scheduler must skip;
- spam: a newly joined stranger sends 30 `propose` lines;
- PDFs: 12 parallel anonymous downloads of the parcel-sorting kit with distinct parameters,
  while a volunteer asks for `kit parcel-sorting` in chat;
- slow clients: 300 connections that each send half a request header and hold it.

During each it times ``N`` chat answers through the control socket (`circles`, what a volunteer
sends; the process's own round trip, no Python start) and ``/healthz``, and prints p50 / p99 /
max, then the size of what `canbot run` logged. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from bot.platforms.console.control import ControlClient

CANBOT = [sys.executable, "-m", "bot"]
LIMIT = 1024
HALF_HEADER = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
FAR_RELAY = {
    "id": "rfar",
    "circle": "research",
    "title": "Forever",
    "start": "9999-12-31T02:00:00+00:00",
    "slots": 24,
    "minutes": 60,
    "holders": {},
    "created_by": "",
    "created_at": "2026-11-22T08:00:00+00:00",
}


def limit_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


class Bot:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config = folder / "config.yaml"
        self.config.write_text(
            f"storage:\n  url: tinydb://{folder}/data/can.json\nweb:\n  port: 0\n"
            "network:\n  language: en\n  admins: ['console:admin']\n"
        )
        self.log = folder / "run.log"
        self.process: subprocess.Popen[str] | None = None
        self.portal = ""

    def seed(self) -> None:
        """Volunteers, a lead with a linked group, and the year-9999 relay record."""
        lines = "join\n"
        subprocess.run(
            [*CANBOT, "chat", "--config", str(self.config), "--as", "admin"],
            input=lines,
            capture_output=True,
            text=True,
            check=True,
            cwd=self.folder,
        )
        export = json.loads(
            subprocess.run(
                [*CANBOT, "export", "--config", str(self.config)],
                capture_output=True,
                text=True,
                check=True,
                cwd=self.folder,
            ).stdout
        )
        export["relays"] = [*export.get("relays", []), FAR_RELAY]
        for circle in export["circles"]:
            if circle["slug"] == "network":
                circle["chats"] = ["telegram:-100"]
        dump = self.folder / "seed.json"
        dump.write_text(json.dumps(export))
        for name in ("can.json", "can.json.journal"):
            (self.folder / "data" / name).unlink(missing_ok=True)
        subprocess.run(
            [*CANBOT, "import", "--config", str(self.config), str(dump)],
            capture_output=True,
            text=True,
            cwd=self.folder,
        )

    def start(self) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*CANBOT, "run", "--config", str(self.config)],
                cwd=self.folder,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                preexec_fn=limit_descriptors,
            )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "Web portal on" in line:
                self.portal = line.split("Web portal on ", 1)[1].strip()
            if "canbot is running" in line:
                return
        raise SystemExit(self.log.read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.communicate(timeout=30)

    def client(self) -> ControlClient:
        found = ControlClient.connect(self.folder / "data" / "can.json.sock")
        assert found is not None, "no control socket"
        return found


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"p50 {statistics.median(ordered) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  "
        f"max {ordered[-1] * 1000:7.1f} ms"
    )


async def measure(bot: Bot, samples: int, line: str = "circles") -> tuple[list[float], list[float]]:
    chat: list[float] = []
    health: list[float] = []
    client = bot.client()
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(samples):
                began = time.perf_counter()
                await asyncio.to_thread(client.chat, "ann", line)
                chat.append(time.perf_counter() - began)
                began = time.perf_counter()
                try:
                    async with http.get(bot.portal + "/healthz", timeout=30) as response:
                        await response.read()
                except (aiohttp.ClientError, TimeoutError):
                    pass
                health.append(time.perf_counter() - began)
                await asyncio.sleep(0.02)
    finally:
        client.close()
    return chat, health


def report(name: str, chat: list[float], health: list[float], bot: Bot, extra: str = "") -> None:
    size = bot.log.stat().st_size
    print(f"{name:<16} chat {figures(chat)} | /healthz {figures(health)} | log {size:>7} B {extra}")


async def pdf_flood(bot: Bot) -> list[int]:
    async with aiohttp.ClientSession() as http:

        async def one(n: int) -> int:
            url = f"{bot.portal}/kits/parcel-sorting.pdf?lang=en&buildings=1-{120 + n}"
            try:
                async with http.get(url, timeout=120) as response:
                    await response.read()
                    return response.status
            except (aiohttp.ClientError, TimeoutError):
                return 0

        return list(await asyncio.gather(*(one(n) for n in range(12))))


async def main(samples: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        bot = Bot(Path(name))
        bot.seed()
        bot.start()
        try:
            client = bot.client()
            for who in ("ann", "mo"):
                client.chat(who, "join")
            client.close()
            report("idle", *(await measure(bot, samples)), bot)

            client = bot.client()
            refused = client.chat("admin", "relay new 9999-12-31T10:00 24x60 Forever")
            client.close()
            await asyncio.sleep(6)  # three scheduler ticks over the year-9999 record
            chat, health = await measure(bot, samples)
            far = "refused" if refused.error else "accepted"
            report("far relay", chat, health, bot, f"(new one {far}; stored one skipped)")

            client = bot.client()
            answers = [client.chat("mo", f"propose Idea number {n}") for n in range(30)]
            client.close()
            taken = sum(1 for a in answers if not a.error)
            chat, health = await measure(bot, samples)
            report("30 proposals", chat, health, bot, f"({taken} of 30 proposals announced)")

            flood = asyncio.ensure_future(pdf_flood(bot))
            await asyncio.sleep(0.3)
            client = bot.client()
            began = time.perf_counter()
            kit = await asyncio.to_thread(client.chat, "ann", "kit parcel-sorting en")
            kit_seconds = time.perf_counter() - began
            client.close()
            chat, health = await measure(bot, samples)
            statuses = await flood
            report(
                "12 PDFs",
                chat,
                health,
                bot,
                f"(chat kit {'ok' if not kit.error else 'refused'} in {kit_seconds:.1f} s; "
                f"web: {statuses.count(200)} × 200, {statuses.count(503)} × 503)",
            )

            port = urlsplit(bot.portal).port or 0
            writers = []
            for _ in range(300):
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.write(HALF_HEADER)
                    writers.append(writer)
                except OSError:
                    break
            chat, health = await measure(bot, samples)
            report("300 half-open", chat, health, bot, f"({len(writers)} held)")
            for writer in writers:
                writer.close()
        finally:
            bot.stop()
        print(f"log after all attacks: {bot.log.stat().st_size} bytes")
        print(bot.log.read_text()[-2000:])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    asyncio.run(main(parser.parse_args().samples))
