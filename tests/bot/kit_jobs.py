"""Stand-in render jobs for KitPress tests, module-level so a spawned worker can import them."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from bot.kit_press import render_job
from toolkits.kit import Kit

GATE_SECONDS = 60.0


def pid_job(kit: Kit, fmt: str, lang: str, params: dict[str, str], public_url: str) -> bytes:
    """Which process ran the render."""
    return str(os.getpid()).encode()


def dying_job(kit: Kit, fmt: str, lang: str, params: dict[str, str], public_url: str) -> bytes:
    """A worker that dies mid-render, as one killed by the OOM killer would."""
    os._exit(3)


def gated_job(
    gate_dir: str, kit: Kit, fmt: str, lang: str, params: dict[str, str], public_url: str
) -> bytes:
    """Say it started (a ``started`` file), wait until the test creates ``open``, then render
    for real. Files, because the worker is another process."""
    folder = Path(gate_dir)
    (folder / "started").touch()
    deadline = time.monotonic() + GATE_SECONDS
    while not (folder / "open").exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never opened the gate")
        time.sleep(0.01)
    return render_job(kit, fmt, lang, params, public_url)


class ThreadGate:
    """A job for thread-mode presses: records each call and holds it until ``open()``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, dict[str, str]]] = []
        self.started = threading.Semaphore(0)
        self._open = threading.Event()

    def open(self) -> None:
        self._open.set()

    def __call__(
        self, kit: Kit, fmt: str, lang: str, params: dict[str, str], public_url: str
    ) -> bytes:
        self.calls.append((kit.id, fmt, lang, dict(params)))
        self.started.release()
        if not self._open.wait(GATE_SECONDS):
            raise RuntimeError("the test never opened the gate")
        return f"%PDF {kit.id} {lang} {sorted(params.items())}".encode()


def open_gate() -> ThreadGate:
    """A ThreadGate that is open from the start: every call returns at once."""
    gate = ThreadGate()
    gate.open()
    return gate
