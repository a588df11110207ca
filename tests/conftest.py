"""Shared fixtures: an in-memory network on a fixed clock, and a dispatcher to talk to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config
from bot.i18n import Catalogs
from bot.kit_press import KitPress
from bot.reply import Reply
from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services.network_setup import ensure_seeded
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import Catalog, load_catalog

ADMIN = "console:admin"


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))


@pytest.fixture
def network() -> Network:
    return Network(language="en", admins=frozenset({ADMIN}))


@pytest.fixture
def uow(clock: FixedClock, network: Network) -> UnitOfWork:
    unit = UnitOfWork(MemoryStore(), clock, network)
    ensure_seeded(unit)
    return unit


@pytest.fixture(scope="session")
def kits() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def kit_press(kits: Catalog) -> Iterator[KitPress]:
    """One press for the whole run: its worker process starts on the first PDF a test asks for."""
    press = KitPress(kits, Config().web.public_url)
    yield press
    press.close()


@pytest.fixture
def dispatcher(
    uow: UnitOfWork, catalogs: Catalogs, network: Network, kits: Catalog, kit_press: KitPress
) -> Dispatcher:
    return Dispatcher(build_registry(), uow, catalogs, Config(network=network), kits, kit_press)


Say = Callable[[str, str], Reply]


@pytest.fixture
def say(dispatcher: Dispatcher) -> Say:
    """``say("alice", "claim research/interviewer")`` as the console user alice."""

    def run(who: str, line: str) -> Reply:
        return dispatcher.handle(Actor(identity=f"console:{who}", name=who), line)

    return run


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (CANBOT_TEST_POSTGRES's server) for one test, then dropped."""
    from tests.postgres_server import fresh_database

    with fresh_database() as url:
        yield url
