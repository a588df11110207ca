"""Running the real `canbot run` against FakeTelegramAPI: config, process, export, people."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]
TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcd"
SECRET = "hook-Secret_0123456789"
START_TIMEOUT = 60.0

ALICE: dict[str, Any] = {"id": 42, "is_bot": False, "first_name": "Alice", "language_code": "en"}
BOB: dict[str, Any] = {
    "id": 43,
    "is_bot": False,
    "first_name": "Bob",
    "last_name": "Wu",
    "language_code": "en",
}
ADA: dict[str, Any] = {"id": 1001, "is_bot": False, "first_name": "Ada", "language_code": "en"}
GROUP: dict[str, Any] = {"id": -1001234, "type": "supergroup", "title": "Research circle"}


def write_config(tmp_path: Path, base_url: str, *, webhook: bool = False) -> Path:
    telegram = [f'  token: "{TOKEN}"', f'  base_url: "{base_url}"']
    if webhook:
        telegram += [
            '  mode: "webhook"',
            '  webhook_url: "https://bot.example.org/telegram/hook"',
            f'  secret_token: "{SECRET}"',
            '  listen: "127.0.0.1"',
            "  port: 0",
        ]
    text = "\n".join(
        [
            "network:",
            '  name: "CAN test"',
            '  language: "zh"',
            f'  admins: ["telegram:{ADA["id"]}"]',
            "storage:",
            f'  url: "tinydb://{tmp_path / "can.json"}"',
            "telegram:",
            *telegram,
            "web:",
            '  host: "127.0.0.1"',
            "  port: 0",
        ]
    )
    path = tmp_path / "cfg.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The worktree's packages first, whatever is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("PTB_TIMEDELTA", None)
    return env


class CanbotRun:
    """`python -m bot run --config cfg.yaml` as a child process, its output collected."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.lines: list[str] = []
        self._process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._seen = asyncio.Condition()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def pid(self) -> int:
        assert self._process is not None, "the bot is not running"
        return self._process.pid

    async def __aenter__(self) -> CanbotRun:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(self.config),
            cwd=str(self.config.parent),
            env=child_env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            asyncio.create_task(self._read(self._process.stdout)),
            asyncio.create_task(self._read(self._process.stderr)),
        ]
        try:
            await self.wait_for_line("canbot is running")
        except BaseException:
            await self.stop()  # __aexit__ does not run when __aenter__ fails
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def stop(self) -> int:
        process = self._process
        if process is None:
            return 0
        self._process = None
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        for reader in self._readers:
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        return process.returncode or 0

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            async with self._seen:
                self.lines.append(line.decode(errors="replace").rstrip("\n"))
                self._seen.notify_all()
        async with self._seen:
            self._seen.notify_all()

    async def wait_for_line(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        regex = re.compile(pattern)

        def found() -> re.Match[str] | None:
            for line in self.lines:
                if match := regex.search(line):
                    return match
            if self._process is not None and self._process.returncode is not None:
                raise AssertionError(f"canbot run exited early:\n{self.output}")
            return None

        async def wait() -> re.Match[str]:
            async with self._seen:
                while (match := found()) is None:
                    if all(reader.done() for reader in self._readers):
                        raise AssertionError(f"canbot run ended:\n{self.output}")
                    await self._seen.wait()
                return match

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"no line matching {pattern!r}:\n{self.output}") from None


async def export(config: Path) -> dict[str, Any]:
    """`canbot export --config cfg.yaml`, which reaches the running bot by its control socket."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "export",
        "--config",
        str(config),
        cwd=str(config.parent),
        env=child_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    data: dict[str, Any] = json.loads(out)
    return data


def volunteer_id(data: dict[str, Any], identity: str) -> str:
    for volunteer in data["volunteers"]:
        if identity in volunteer["identities"]:
            return str(volunteer["id"])
    raise AssertionError(f"no volunteer with identity {identity}")


def circle(data: dict[str, Any], slug: str) -> dict[str, Any]:
    for item in data["circles"]:
        if item["slug"] == slug:
            return dict(item)
    raise AssertionError(f"no circle {slug}")


def role(data: dict[str, Any], ref: str) -> dict[str, Any]:
    circle_slug, role_slug = ref.split("/")
    for item in circle(data, circle_slug)["roles"]:
        if item["slug"] == role_slug:
            return dict(item)
    raise AssertionError(f"no role {ref}")


def token_leaks(output: str) -> list[str]:
    """Lines that show the token, or its secret half."""
    secret_half = TOKEN.split(":", 1)[1]
    return [line for line in output.splitlines() if TOKEN in line or secret_half in line]
