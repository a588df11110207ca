"""`canbot run` at a low descriptor limit keeps answering while 300 clients hold half a header."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from tests.bot.app.canbot_process import CANBOT, PORTAL_LINE

LIMIT = 256  # the 1,024 of the report, scaled down so 300 clients exhaust it
FLOOD = 300
HALF_HEADER = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"


def lower_descriptor_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


def start_limited(cwd: Path, config: Path) -> tuple[subprocess.Popen[str], str]:
    with (cwd / "run.log").open("w") as log:
        process = subprocess.Popen(
            [*CANBOT, "run", "--config", str(config)],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            preexec_fn=lower_descriptor_limit,  # only in the child
        )
    assert process.stdout is not None
    portal = ""
    for line in process.stdout:
        found = PORTAL_LINE.search(line)
        portal = found.group(1) if found else portal
        if "canbot is running" in line:
            return process, portal
    process.wait()
    raise AssertionError((cwd / "run.log").read_text())


async def hold_half_headers(port: int, count: int) -> list[asyncio.StreamWriter]:
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(HALF_HEADER)
        writers.append(writer)
    return writers


def chat(cwd: Path, config: Path, lines: str) -> tuple[str, float]:
    began = time.monotonic()
    result = subprocess.run(
        [*CANBOT, "chat", "--config", str(config), "--as", "ann"],
        cwd=cwd,
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout, time.monotonic() - began


async def test_300_half_open_connections_do_not_stop_chat_or_health(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"storage:\n  url: tinydb://{tmp_path}/data/can.json\nweb:\n  port: 0\n"
        "network:\n  language: en\n"
    )
    process, portal = start_limited(tmp_path, config)
    writers: list[asyncio.StreamWriter] = []
    try:
        writers = await hold_half_headers(urlsplit(portal).port or 0, FLOOD)
        await asyncio.sleep(0.5)
        with urllib.request.urlopen(portal + "/healthz", timeout=10) as response:
            assert response.status == 200
        answer, _ = await asyncio.to_thread(chat, tmp_path, config, "join\nclaim interviewer\n")
        assert "Welcome" in answer and "You now hold research/interviewer" in answer, answer
    finally:
        for writer in writers:
            writer.close()
        process.terminate()
        process.communicate(timeout=30)
    log = (tmp_path / "run.log").read_text()
    assert "Too many open files" not in log
    assert "Traceback" not in log
    assert len(log) < 10_000
