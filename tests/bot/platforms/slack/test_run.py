"""End to end: the real `canbot run` process in Slack HTTP mode, driven by signed requests.

The bot talks to the fake Slack API in this test's event loop; its state is read back with
`canbot export`, which reaches the running bot through its control socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.bot.platforms.slack.support import BOT_TOKEN, SIGNING_SECRET, post
from tests.fakes.slack_api import TEAM, FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import action_form, block_action, command_form, home_opened

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parents[4]
STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    """A port nobody listens on right now (the bot must be told its port before it starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(folder: Path, fake: FakeSlackAPI, port: int) -> Path:
    config = folder / "cfg.yaml"
    config.write_text(
        "\n".join(
            [
                "network:",
                "  name: CAN",
                "  language: en",
                "storage:",
                f"  url: tinydb://{folder / 'data' / 'can.json'}",
                "slack:",
                '  bot_token: "${SLACK_BOT_TOKEN}"',
                '  signing_secret: "${SLACK_SIGNING_SECRET}"',
                f"  api_base_url: {fake.api_base_url}",
                "web:",
                "  host: 127.0.0.1",
                f"  port: {port}",
                f"  public_url: http://127.0.0.1:{port}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class RunningBot:
    """A `canbot run` child process and everything it printed."""

    process: asyncio.subprocess.Process
    config: Path
    url: str
    output: list[str] = field(default_factory=list)

    async def export(self) -> dict[str, Any]:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "export", "--config", str(self.config),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=environment(), cwd=self.config.parent,
        )  # fmt: skip
        out, err = await asyncio.wait_for(child.communicate(), STARTUP_TIMEOUT)
        assert child.returncode == 0, err.decode()
        data: dict[str, Any] = json.loads(out)
        return data

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), STARTUP_TIMEOUT)


async def _pump(stream: asyncio.StreamReader, sink: list[str], ready: asyncio.Event) -> None:
    while line := await stream.readline():
        text = line.decode(errors="replace")
        sink.append(text)
        if "canbot is running" in text:
            ready.set()
    ready.set()  # the process ended: let the waiter see it


@contextlib.asynccontextmanager
async def canbot_run(folder: Path, fake: FakeSlackAPI) -> AsyncIterator[RunningBot]:
    port = free_port()
    config = write_config(folder, fake, port)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env=environment(), cwd=folder,
    )  # fmt: skip
    bot = RunningBot(process, config, f"http://127.0.0.1:{port}/slack/events")
    ready = asyncio.Event()
    assert process.stdout is not None
    pump = asyncio.create_task(_pump(process.stdout, bot.output, ready))
    try:
        await asyncio.wait_for(ready.wait(), STARTUP_TIMEOUT)
        assert process.returncode is None, "".join(bot.output)
        yield bot
    finally:
        await bot.stop()
        await pump


def volunteer_with(export: dict[str, Any], identity: str) -> dict[str, Any] | None:
    return next((v for v in export["volunteers"] if identity in v["identities"]), None)


def holders(export: dict[str, Any], circle: str, role: str) -> list[str]:
    found = next(c for c in export["circles"] if c["slug"] == circle)
    return list(next(r for r in found["roles"] if r["slug"] == role)["holders"])


def state(export: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in export.items() if k != "exported_at"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake() -> AsyncIterator[FakeSlackAPI]:
    api = FakeSlackAPI(
        bot_token=BOT_TOKEN,
        users={"UE2E": FakeUser("e2e"), "UPRESS": FakeUser("presser"), "UHOME": FakeUser("h")},
    )
    await api.start()
    yield api
    await api.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    fake: FakeSlackAPI, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningBot]:
    async with canbot_run(tmp_path_factory.mktemp("slack-run"), fake) as running:
        yield running


async def slash(bot: RunningBot, fake: FakeSlackAPI, text: str, user: str) -> dict[str, Any]:
    key = f"{user}-{time.monotonic_ns()}"
    body = command_form(text, user=user, response_url=fake.response_url(key))
    status, _ = await post(bot.url, body)
    assert status == 200
    return (await fake.wait_for("response", lambda c: c.path.endswith(key))).params


def shown(params: dict[str, Any]) -> str:
    return json.dumps(params["blocks"], ensure_ascii=False)


async def test_the_bot_verified_its_token_at_start(bot: RunningBot, fake: FakeSlackAPI) -> None:
    assert any(c.token == BOT_TOKEN for c in fake.calls_to("auth.test"))
    assert "Slack is connected." in "".join(bot.output)


async def test_a_signed_can_circles_is_answered(bot: RunningBot, fake: FakeSlackAPI) -> None:
    answer = await slash(bot, fake, "circles", "UE2E")
    assert answer["response_type"] == "ephemeral"
    assert "research" in shown(answer) and "connect" in shown(answer)


async def test_slack_url_verification_is_answered(bot: RunningBot) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    status, text = await post(bot.url, body, content_type="application/json")
    assert status == 200 and "c-123" in text


@pytest.mark.parametrize(
    ("secret", "age"),
    [(None, 0), ("wrong-secret", 0), (SIGNING_SECRET, 10 * 60)],
    ids=["unsigned", "bad-signature", "stale"],
)
async def test_unsigned_bad_or_stale_requests_get_401_and_change_nothing(
    bot: RunningBot, fake: FakeSlackAPI, secret: str | None, age: int
) -> None:
    before = state(await bot.export())
    key = f"forged-{secret}-{age}"
    body = command_form("join", user="UFORGED", response_url=fake.response_url(key))
    status, _ = await post(bot.url, body, secret=secret, timestamp=int(time.time()) - age)
    assert status == 401
    press = action_form(block_action("claim research/tea-house-host", user="UFORGED"))
    status, _ = await post(bot.url, press, secret=secret, timestamp=int(time.time()) - age)
    assert status == 401
    after = await bot.export()
    assert state(after) == before
    assert volunteer_with(after, f"slack:{TEAM}:UFORGED") is None
    assert not [c for c in fake.calls_to("response") if c.path.endswith(key)]


async def test_join_then_claim_leaves_a_slack_identity_holding_the_role(
    bot: RunningBot, fake: FakeSlackAPI
) -> None:
    await slash(bot, fake, "join Jing'an", "UE2E")
    answer = await slash(bot, fake, "claim research/interviewer", "UE2E")
    assert "research/interviewer" in shown(answer)
    export = await bot.export()
    volunteer = volunteer_with(export, f"slack:{TEAM}:UE2E")
    assert volunteer is not None and volunteer["neighborhood"] == "Jing'an"
    assert holders(export, "research", "interviewer") == [volunteer["id"]]


async def test_a_button_press_claims_and_updates_the_message(
    bot: RunningBot, fake: FakeSlackAPI
) -> None:
    await slash(bot, fake, "join", "UPRESS")
    roles = await slash(bot, fake, "roles", "UPRESS")
    assert "claim connect/resource-scout" in shown(roles)  # the button's value
    press = block_action(
        "claim connect/resource-scout", user="UPRESS", response_url=fake.response_url("press")
    )
    status, _ = await post(bot.url, action_form(press))
    assert status == 200
    update = (await fake.wait_for("response", lambda c: c.path.endswith("press"))).params
    assert update["replace_original"] is True
    assert "connect/resource-scout" in shown(update)
    export = await bot.export()
    volunteer = volunteer_with(export, f"slack:{TEAM}:UPRESS")
    assert volunteer is not None
    assert holders(export, "connect", "resource-scout") == [volunteer["id"]]


async def test_app_home_publishes_a_view(bot: RunningBot, fake: FakeSlackAPI) -> None:
    status, _ = await post(
        bot.url, json.dumps(home_opened("UHOME")), content_type="application/json"
    )
    assert status == 200
    publish = await fake.wait_for("views.publish", lambda c: c.params["user_id"] == "UHOME")
    assert publish.token == BOT_TOKEN
    assert publish.params["view"]["type"] == "home"
    assert "claim " in json.dumps(publish.params["view"])


async def test_tokens_and_secret_never_reach_the_logs(tmp_path: Path) -> None:
    """A whole run, including refused requests and API errors, printed nothing secret."""
    fake = FakeSlackAPI(bot_token=BOT_TOKEN)  # knows no users: users.info fails
    await fake.start()
    try:
        async with canbot_run(tmp_path, fake) as running:
            await slash(running, fake, "join", "ULOG")
            await slash(running, fake, "claim nosuch/role", "ULOG")
            await post(
                running.url, command_form("join", user="ULOG", response_url="x"), secret="bad"
            )
            await post(
                running.url, json.dumps(home_opened("ULOG")), content_type="application/json"
            )
            await fake.wait_for("views.publish")
            code = await running.stop()
        logs = "".join(running.output)
    finally:
        await fake.stop()
    assert code == 0, logs
    assert "canbot is running" in logs and "users.info failed" in logs  # it did log things
    for secret in (BOT_TOKEN, SIGNING_SECRET, BOT_TOKEN.split("-")[-1]):
        assert secret not in logs
