"""Start time and memory: `canbot run` from launch to `/healthz` answering, and its peak RSS.

Run: python -m bench.startup [sizes...]   (default 1000 10000 volunteers)

For each size the default TinyDB store is filled with that many volunteers (each holding a
profile; a tenth of them a role), snapshotted as a stopped bot leaves it, plus a journal of
200 recent commits to replay. Then `canbot run` starts (no chat platform: the portal, the
scheduler and the control socket) and the benchmark polls /healthz every 5 ms. After it
answers, `canbot export` reads the whole network through the running bot; the peak resident
memory (VmHWM) is read from /proc afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from circles.clock import SystemClock
from circles.model import Volunteer
from circles.network import Network
from circles.services.network_setup import ensure_seeded
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parents[1]


def fill(path: Path, volunteers: int) -> None:
    store = TinyDBStore(path)
    uow = UnitOfWork(store, SystemClock(), Network())
    ensure_seeded(uow)
    for start in range(0, volunteers, 1000):
        with uow.begin() as s:
            for n in range(start, min(start + 1000, volunteers)):
                s.volunteers.save(
                    Volunteer(
                        id=f"v{n:07d}",
                        name=f"Volunteer {n}",
                        identities=[f"telegram:{100000 + n}"],
                        skills=["cooking", "driving"],
                        neighborhood=f"Block {n % 300}",
                        mission="Help my neighbors get through this",
                        joined_at=s.now,
                    )
                )
            if start == 0:
                practice = s.circles.require("practice")
                captain = practice.role("neighborhood-captain")
                captain.holders = [f"v{n:07d}" for n in range(0, volunteers, 10)]
                s.circles.save(practice)
            s.commit()
    store.close()  # a clean stop: everything in the snapshot
    child = os.fork()
    if child == 0:  # a bot that commits 200 changes and dies without a checkpoint
        store = TinyDBStore(path)
        uow = UnitOfWork(store, SystemClock(), Network())
        for n in range(200):
            with uow.begin() as s:
                volunteer = s.volunteers.get(f"v{n % volunteers:07d}")
                assert volunteer is not None
                volunteer.neighborhood = f"Moved {n}"
                s.volunteers.save(volunteer)
                s.commit()
        os._exit(0)
    os.waitpid(child, 0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(folder: Path, volunteers: int) -> tuple[float, float, float]:
    fill(folder / "can.json", volunteers)
    port = free_port()
    config = folder / "cfg.yaml"
    config.write_text(
        f'storage:\n  url: "tinydb://{folder / "can.json"}"\n'
        f'web:\n  host: "127.0.0.1"\n  port: {port}\n',
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "bot"]
    began = time.perf_counter()
    process = subprocess.Popen(
        [*command, "run", "--config", str(config)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("canbot run exited") from None
                time.sleep(0.005)
        started = time.perf_counter() - began
        at_start = peak_rss_mib(process.pid)
        exported = subprocess.run(
            [*command, "export", "--config", str(config)],
            cwd=folder,
            env=env,
            capture_output=True,
            check=True,
        )
        data = json.loads(exported.stdout)
        assert len(data["volunteers"]) == volunteers
        assert sum(v["neighborhood"].startswith("Moved") for v in data["volunteers"]) == min(
            200, volunteers
        )
        return started, at_start, peak_rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10_000])
    args = parser.parse_args()
    print("volunteers | start to /healthz | peak RSS at start | peak RSS after an export")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            started, at_start, peak = measure(Path(tmp), size)
        print(f"{size:>10} | {started:>14.2f} s | {at_start:>13.0f} MiB | {peak:>14.0f} MiB")


if __name__ == "__main__":
    main()
