"""A kill -9 of the running bot, at any moment, loses nothing it confirmed to a volunteer.

The store-level kill test (test_cli.py) shows the journal keeps every committed write; this one
goes through the whole production path a volunteer uses: `canbot chat` -> control socket ->
Dispatcher -> store, and counts as confirmed only what the volunteer saw answered.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from tests.bot.app.canbot_process import CANBOT, start_run

KILLS = 8


def read_answer(chat: subprocess.Popen[str]) -> str:
    """One answer of `canbot chat`: lines up to the blank line that ends it ('' at EOF)."""
    assert chat.stdout is not None
    lines = []
    while (text := chat.stdout.readline()) not in ("\n", ""):
        lines.append(text)
    return "".join(lines)


def test_a_killed_bot_keeps_every_checkin_it_confirmed(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"storage:\n  url: tinydb://{tmp_path}/data/can.json\nweb:\n  port: 0\n"
        "network:\n  language: en\n"
    )
    confirmed: set[str] = set()
    for attempt in range(KILLS):
        bot = start_run(tmp_path, config, stderr=subprocess.DEVNULL).process
        chat = subprocess.Popen(
            [*CANBOT, "chat", "--config", str(config), "--as", f"v{attempt}"],
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert chat.stdin is not None
        chat.stdin.write("join\n")
        chat.stdin.flush()
        assert "Welcome" in read_answer(chat)
        # A few answered one by one, then a burst in flight when the kill lands.
        for step in range(2 + attempt % 4):
            chat.stdin.write(f"checkin step {attempt}-{step}\n")
            chat.stdin.flush()
            answer = read_answer(chat)
            assert f"step {attempt}-{step}" in answer
            confirmed.add(f"step {attempt}-{step}")
        for step in range(100, 140):
            chat.stdin.write(f"checkin step {attempt}-{step}\n")
        chat.stdin.flush()
        time.sleep((attempt % 4) * 0.01)
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=30)
        assert bot.stdout is not None
        bot.stdout.close()
        # Whatever the volunteer saw answered before the socket broke counts as confirmed.
        chat.stdin.close()
        while answer := read_answer(chat):
            if "Recorded" in answer:
                confirmed.update(
                    line.split(": ", 1)[1] for line in answer.splitlines() if "Recorded" in line
                )
        assert chat.wait(timeout=30) in (0, 2)
        assert chat.stdout is not None and chat.stderr is not None
        told = chat.stderr.read()
        chat.stdout.close()
        chat.stderr.close()
        # Either every line was answered before the kill, or the volunteer is told the bot went.
        assert chat.returncode == 0 or "stopped before it answered" in told
        assert "Traceback" not in told

    # With no bot running, export reads the store straight from disk after the last kill.
    exported = subprocess.run(
        [*CANBOT, "export", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    kept = {checkin["text"] for checkin in data["checkins"]}
    assert len(confirmed) >= KILLS * 2
    assert confirmed <= kept
    assert {v["name"] for v in data["volunteers"]} == {f"v{n}" for n in range(KILLS)}
