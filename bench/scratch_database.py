"""A PostgreSQL database of its own for one benchmark run, dropped afterwards.

The server is CANBOT_BENCH_POSTGRES (default: the development machine's local server, the same
one the tests use). Each run gets a new database so figures never depend on what an earlier run
left behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from tests.postgres_server import DEFAULT_URL, new_database

SERVER = os.environ.get("CANBOT_BENCH_POSTGRES", DEFAULT_URL)


@contextmanager
def scratch_database() -> Iterator[str]:
    """The URL of a new, empty database on SERVER; dropped on the way out."""
    with new_database(SERVER, prefix="canbot_bench") as url:
        yield url
