"""A PostgreSQL database of its own for one benchmark run, dropped afterwards.

The server is CANBOT_BENCH_POSTGRES (default: the development machine's local server, the same
one the tests use). Each run gets a new database so figures never depend on what an earlier run
left behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from tests.postgres_server import DEFAULT_URL, with_database

SERVER = os.environ.get("CANBOT_BENCH_POSTGRES", DEFAULT_URL)


@contextmanager
def scratch_database() -> Iterator[str]:
    """The URL of a new, empty database on SERVER; dropped on the way out."""
    name = f"canbot_bench_{secrets.token_hex(4)}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(SERVER, name)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
