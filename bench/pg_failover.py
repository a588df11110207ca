"""Failover: from the leader's `kill -9` to the follower holding the leader's lock.

Run: python -m bench.pg_failover [rounds]   (default 5)
A child process takes the leader's session lock (circles.storage.postgres.LeaderLock) and is
killed with SIGKILL; this process tries the lock every second, as a follower replica does
(bot/app/leader.py INTERVAL), and prints the time until it leads. The first reminder then
follows at the new leader's first tick (at once; tests/bot/platforms/telegram/test_replicas.py
checks it end to end).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

from bench.scratch_database import scratch_database
from bot.app.leader import INTERVAL
from circles.storage.postgres import LeaderLock, ensure_schema

CHILD = (
    "import sys, time; from circles.storage.postgres import LeaderLock; "
    "lock = LeaderLock(sys.argv[1]); assert lock.try_acquire(); print('leading', flush=True); "
    "time.sleep(600)"
)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with scratch_database() as url:
        ensure_schema(url)
        for _ in range(rounds):
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True
            )
            assert child.stdout is not None and child.stdout.readline().strip() == "leading"
            follower = LeaderLock(url)
            assert not follower.try_acquire()
            time.sleep(INTERVAL * secrets.randbelow(100) / 100)  # kill at a random phase
            os.kill(child.pid, signal.SIGKILL)
            killed = time.monotonic()
            child.wait()
            while not follower.try_acquire():
                time.sleep(INTERVAL)
            print(f"kill -9 -> new leader: {time.monotonic() - killed:.2f} s", flush=True)
            follower.release()


if __name__ == "__main__":
    main()
