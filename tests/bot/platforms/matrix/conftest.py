"""The homeserver every Matrix test talks to: one Synapse for the whole test run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.platforms.matrix.harness import Accounts
from tests.bot.platforms.matrix.homeserver import Homeserver


@pytest.fixture(scope="session")
def homeserver() -> Iterator[Homeserver]:
    server = Homeserver(Path(tempfile.mkdtemp(prefix="canbot-synapse-")))
    try:
        server.start()
    except Exception as error:
        server.stop()
        server.remove()
        reason = f"the Matrix homeserver (Synapse) cannot start: {error}".splitlines()[0]
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.stop()
        server.remove()


@pytest.fixture(scope="session")
def accounts(homeserver: Homeserver) -> Accounts:
    """The bot and three people, registered once; each test logs in with fresh devices."""
    return Accounts(
        homeserver.register("canbot"),
        homeserver.register("alice"),
        homeserver.register("bob"),
        homeserver.register("ada"),
    )
