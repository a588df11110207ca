"""The PostgreSQL server the tests use (CANBOT_TEST_POSTGRES), and a fresh database per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("CANBOT_TEST_POSTGRES", DEFAULT_URL)


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead (query string kept)."""
    base, _, query = url.partition("?")
    prefix = base.rsplit("/", 1)[0]
    return f"{prefix}/{name}" + (f"?{query}" if query else "")


def require_server() -> str:
    """The server URL; the whole run stops with one line when it does not answer.

    Never a skip: a PostgreSQL test that silently skips would hide a broken store in CI.
    """
    url = server_url()
    try:
        with psycopg.connect(url, connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "no answer"
        pytest.exit(
            f"PostgreSQL at {url} (CANBOT_TEST_POSTGRES) does not answer: {reason}", returncode=3
        )
    return url


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database for one test; dropped afterwards (even if connections linger)."""
    with new_database(require_server()) as url:
        yield url


@contextmanager
def new_database(server: str, prefix: str = "canbot_test") -> Iterator[str]:
    """A new, empty database on ``server`` (its URL), dropped on the way out."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
