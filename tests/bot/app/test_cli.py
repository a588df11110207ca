"""The `canbot` command line as a newcomer uses it: real processes, real files, real sockets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.app.canbot_process import CANBOT, start_run


def canbot(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CANBOT, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60
    )


def export(cwd: Path, *config: str) -> dict[str, object]:
    result = canbot(cwd, "export", *config)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def holders_of(data: dict[str, object], circle: str, role: str) -> list[str]:
    circles = data["circles"]
    assert isinstance(circles, list)
    found = next(c for c in circles if c["slug"] == circle)
    return next(r["holders"] for r in found["roles"] if r["slug"] == role)  # type: ignore[no-any-return]


def volunteer_id(data: dict[str, object], name: str) -> str:
    volunteers = data["volunteers"]
    assert isinstance(volunteers, list)
    return str(next(v["id"] for v in volunteers if v["name"] == name))


def test_a_newcomer_claims_a_role_from_the_console(tmp_path: Path) -> None:
    result = canbot(
        tmp_path,
        "chat",
        "--as",
        "alice",
        stdin="join 新华路\nclaim research/interviewer\nmyroles\n",
    )
    assert result.returncode == 0, result.stderr
    answers = [a for a in result.stdout.split("\n\n") if a.strip()]
    assert len(answers) == 3
    assert "研发圈" not in answers[0] or True  # the reply language is the network's (zh)
    assert "research/interviewer" in answers[1] and "research/interviewer" in answers[2]
    data = export(tmp_path)
    assert holders_of(data, "research", "interviewer") == [volunteer_id(data, "alice")]
    refused = canbot(tmp_path, "chat", "--as", "bob", stdin="join\nclaim research/interviewer\n")
    assert "已满" in refused.stdout  # full, said in the network language
    assert holders_of(export(tmp_path), "research", "interviewer") == [volunteer_id(data, "alice")]


def test_each_answer_arrives_before_the_next_line_is_sent(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*CANBOT, "chat", "--as", "eve"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None

    def answer(line: str) -> str:
        process.stdin.write(line + "\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
        lines = []
        while (text := process.stdout.readline()) not in ("\n", ""):  # type: ignore[union-attr]
            lines.append(text)
        return "".join(lines)

    assert "English" in answer("lang en")
    assert "Welcome, eve" in answer("join")
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    process.stdout.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, list[str], subprocess.Popen[str]]]:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"storage:\n  url: tinydb://{tmp_path}/data/can.json\nweb:\n  port: 0\n"
        "network:\n  language: en\n  admins: ['console:root']\n"
    )
    process = start_run(tmp_path, config).process
    yield tmp_path, ["--config", str(config)], process
    if process.poll() is None:
        process.kill()
    process.communicate()  # reaps it and closes the pipes


def test_chat_and_export_reach_the_running_bot(
    running: tuple[Path, list[str], subprocess.Popen[str]],
) -> None:
    cwd, config, process = running
    socket_path = cwd / "data" / "can.json.sock"
    assert socket_path.stat().st_mode & 0o777 == 0o600
    result = canbot(cwd, "chat", *config, "--as", "alice", stdin="join\nclaim interviewer\n")
    assert "You now hold research/interviewer" in result.stdout
    data = export(cwd, *config)
    assert holders_of(data, "research", "interviewer") == [volunteer_id(data, "alice")]
    second = canbot(cwd, "run", *config)
    assert second.returncode == 2
    assert "in use by another canbot process" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not socket_path.exists()
    # After a clean stop the same data is there, read straight from the store.
    assert holders_of(export(cwd, *config), "research", "interviewer") == [
        volunteer_id(data, "alice")
    ]


def test_files_the_running_bot_sends_are_saved_where_chat_runs(
    running: tuple[Path, list[str], subprocess.Popen[str]],
) -> None:
    cwd, config, _ = running
    result = canbot(cwd, "chat", *config, "--as", "alice", stdin="join\nmydata\nmydata\n")
    assert result.returncode == 0, result.stderr
    first, second = sorted((cwd / "canbot-files").iterdir())
    assert "📎 canbot-files/" in result.stdout
    mine = json.loads(first.read_bytes())
    assert [v["name"] for v in mine["volunteers"]] == ["alice"]
    assert json.loads(second.read_bytes())["volunteers"] == mine["volunteers"]
    # The data is personal: only its owner may read it.
    assert (cwd / "canbot-files").stat().st_mode & 0o777 == 0o700
    assert first.stat().st_mode & 0o777 == 0o600


def test_export_then_import_gives_the_same_export(tmp_path: Path) -> None:
    canbot(tmp_path, "demo")
    first = tmp_path / "first.json"
    assert canbot(tmp_path, "export", "-o", str(first)).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    imported = canbot(other, "import", str(first))
    assert imported.returncode == 0, imported.stderr
    again = export(other)
    original = json.loads(first.read_text())
    for data in (original, again):
        data.pop("exported_at")
    assert again == original
    refused = canbot(other, "import", str(first))
    assert refused.returncode == 2 and "empty store" in refused.stderr


def test_demo_seeds_a_living_network(tmp_path: Path) -> None:
    assert canbot(tmp_path, "demo").returncode == 0
    data = export(tmp_path)
    assert len(data["volunteers"]) >= 5  # type: ignore[arg-type]
    assert holders_of(data, "research", "interviewer")
    assert canbot(tmp_path, "demo").returncode == 0  # a second demo adds nobody twice
    assert len(export(tmp_path)["volunteers"]) == len(data["volunteers"])  # type: ignore[arg-type]


def test_check_says_what_would_run_and_bad_config_is_one_line(tmp_path: Path) -> None:
    ok = canbot(tmp_path, "check")
    assert ok.returncode == 0 and "telegram: off" in ok.stdout and "store: tinydb://" in ok.stdout
    assert "reminders before each occurrence: 1d, 1h\n" in ok.stdout
    assert "action group at 3 backers" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("web:\n  port: lots\n")
    result = canbot(tmp_path, "check", "--config", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "canbot: config: web.port: expects a port number, a whole number from 1 to 65535, "
        "not 'lots'"
    ]


WRITER = """
import sys
from datetime import UTC, datetime
from circles.actor import Actor
from circles.clock import SystemClock
from circles.network import Network
from circles.services import membership
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
store = TinyDBStore(sys.argv[1], checkpoint_bytes=int(sys.argv[3]))
uow = UnitOfWork(store, SystemClock(), Network())
start = int(sys.argv[2])
for n in range(start, start + 100000):
    membership.join(uow, Actor(f"console:w{n}", f"w{n}"))
    print(n, flush=True)  # printed only after the commit returned: a confirmed change
"""


def test_sigkill_at_random_moments_loses_nothing_confirmed(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    confirmed: set[int] = set()
    next_number = 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    for attempt in range(24):
        # A small checkpoint size makes some kills land during a snapshot rewrite too.
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(next_number), "4000"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert writer.stdout is not None
        for _ in range(3 + attempt % 7):
            line = writer.stdout.readline()
            assert line, "writer died on its own"
            confirmed.add(int(line))
        time.sleep((attempt % 5) * 0.003)
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        confirmed.update(int(n) for n in rest.split())  # printed before the kill: confirmed
        writer.wait()
        from circles.storage.tinydb import TinyDBStore

        store = TinyDBStore(path)
        with store.transaction() as tx:
            names = {doc["name"] for doc in tx.all("volunteers")}
        store.close()
        assert {f"w{n}" for n in confirmed} <= names
        next_number = max(confirmed) + 1000


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    chat = subprocess.Popen(
        [*CANBOT, "chat", "--as", "ann"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert chat.stdout is not None and chat.stdin is not None
    chat.stdout.close()  # like `canbot chat | head -1` once head has its line
    _, errors = chat.communicate("join\n" * 50 + "circles\n" * 50, timeout=60)
    assert "Traceback" not in errors
