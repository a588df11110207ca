"""A damaged store seen from the command line: `run`/`export` refuse it untouched, `check`
explains, `repair` keeps the damaged journal aside and recovers every intact commit; and the
files `export -o` writes are the owner's only."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

from circles.actor import Actor
from circles.clock import SystemClock
from circles.network import Network
from circles.services.membership import join
from circles.services.network_setup import ensure_seeded
from circles.services.roles import claim_role
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from tests.bot.app.canbot_process import CANBOT

ROLES = (
    "research/interviewer",
    "connect/resource-scout",
    "practice/kit-tester",
    "content/storyteller",
    "product/kit-designer",
)


def canbot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CANBOT, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def five_volunteers_then_kill(store_file: Path) -> Path:
    """Five volunteers join and claim (10 journal lines after the seed), then the process dies
    without a checkpoint; returns the journal."""
    store = TinyDBStore(store_file)
    uow = UnitOfWork(store, SystemClock(), Network())
    ensure_seeded(uow)
    store.checkpoint()  # the seed in the snapshot: the journal holds only the ten commits
    for number, role in enumerate(ROLES):
        actor = Actor(f"console:v{number}", f"v{number}")
        join(uow, actor)
        claim_role(uow, actor, role)
    store._journal.close()
    store._lock.release()
    return store_file.with_name(store_file.name + ".journal")


def damage_line(journal: Path, number: int) -> bytes:
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) == 10
    line = bytearray(lines[number - 1])
    line[30] ^= 0x01
    lines[number - 1] = bytes(line)
    journal.write_bytes(b"".join(lines))
    return journal.read_bytes()


def test_a_damaged_middle_line_is_refused_explained_and_repaired(tmp_path: Path) -> None:
    store_file = tmp_path / "data" / "can.json"
    journal = five_volunteers_then_kill(store_file)
    damaged = damage_line(journal, 3)  # the second volunteer's join

    refused = canbot(tmp_path, "export")
    assert refused.returncode == 2
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "damaged at line 3" in line and "7 confirmed commits follow" in line
    assert journal.read_bytes() == damaged  # untouched: nothing truncated, nothing folded

    check = canbot(tmp_path, "check")
    assert check.returncode == 2
    assert "DAMAGED journal: line 3" in check.stdout and "canbot repair" in check.stdout
    assert journal.read_bytes() == damaged

    repaired = canbot(tmp_path, "repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "Recovered 9 intact commits" in repaired.stdout
    assert "Lost: journal line 3" in repaired.stdout
    [aside] = store_file.parent.glob("can.json.journal.damaged-*")
    assert aside.read_bytes() == damaged
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600

    data = json.loads(canbot(tmp_path, "export").stdout)
    names = sorted(v["name"] for v in data["volunteers"])
    assert names == ["v0", "v2", "v3", "v4"]  # only the unreadable join is gone
    held = {f"{c['slug']}/{r['slug']}" for c in data["circles"] for r in c["roles"] if r["holders"]}
    assert held == set(ROLES)  # every claim, even the lost volunteer's (its line was intact)
    assert canbot(tmp_path, "check").returncode == 0
    again = canbot(tmp_path, "repair")
    assert "nothing to repair" in again.stdout


def test_export_to_a_file_is_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "network.json"
    out.write_text("old")
    out.chmod(0o644)  # even a file that was there before
    result = canbot(tmp_path, "export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["format"] == "can-bot/1"
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
