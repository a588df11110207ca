"""`canbot run` as a child process, for tests that drive the real command line."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CANBOT = [sys.executable, "-m", "bot"]
PORTAL_LINE = re.compile(r"Web portal on (http://127\.0\.0\.1:\d+)")


@dataclass
class RunningBot:
    """A started `canbot run` and the portal address it announced."""

    process: subprocess.Popen[str]
    portal: str


def start_run(cwd: Path, config: Path, stderr: int | IO[str] = subprocess.PIPE) -> RunningBot:
    """Start `canbot run --config CONFIG` in ``cwd`` and return once it says it is running."""
    process = subprocess.Popen(
        [*CANBOT, "run", "--config", str(config)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert process.stdout is not None
    portal = ""
    for line in process.stdout:
        found = PORTAL_LINE.search(line)
        portal = found.group(1) if found else portal
        if "canbot is running" in line:
            return RunningBot(process, portal)
    process.wait()
    raise AssertionError(process.stderr.read() if process.stderr else "canbot run did not start")
