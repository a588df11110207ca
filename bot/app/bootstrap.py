"""The one wiring module: builds the store, the unit of work, the catalogs and the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config
from bot.i18n import Catalogs
from bot.kit_press import KitPress
from circles.clock import Clock, SystemClock
from circles.ports import DocumentStore
from circles.services.network_setup import ensure_seeded
from circles.storage.key_file import key_path, load_or_create_key
from circles.storage.memory import MemoryStore
from circles.storage.postgres import PostgresStore
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import load_catalog

TINYDB = "tinydb://"


def store_path(config: Config) -> Path | None:
    """The store file for a tinydb:// URL (None for memory://)."""
    url = config.storage.url
    return Path(url[len(TINYDB) :]) if url.startswith(TINYDB) else None


def control_socket_path(config: Config) -> Path | None:
    """The control socket lives beside the store file it serves."""
    path = store_path(config)
    return path.with_name(path.name + ".sock") if path else None


def open_store(config: Config) -> DocumentStore:
    if config.storage.is_postgres:
        return PostgresStore(config.storage.url, max_connections=config.storage.max_connections)
    path = store_path(config)
    return TinyDBStore(path) if path else MemoryStore()


def code_key(config: Config) -> bytes | None:
    """The secret that keys one-time codes: a file beside a TinyDB store (made at its first
    start), or None for a memory store (a random key for the life of the process)."""
    path = store_path(config)
    return load_or_create_key(key_path(path)) if path else None


@dataclass
class Runtime:
    """The objects every entry point (run, chat, export, demo) works with."""

    config: Config
    store: DocumentStore
    uow: UnitOfWork
    dispatcher: Dispatcher

    def close(self) -> None:
        try:
            self.dispatcher.kit_press.close()
        finally:
            self.store.close()


def build_runtime(config: Config, *, clock: Clock | None = None, seed: bool = True) -> Runtime:
    store = open_store(config)
    try:
        uow = UnitOfWork(store, clock or SystemClock(), config.network, code_key(config))
        if seed:
            ensure_seeded(uow)
        kits = load_catalog(config.kits.extra_dirs)
        press = KitPress(kits, config.web.public_url)
        dispatcher = Dispatcher(build_registry(), uow, Catalogs(), config, kits, press)
        # Every use case is a few network round trips on PostgreSQL: none runs on the loop.
        dispatcher.offload_all = isinstance(store, PostgresStore)
    except BaseException:
        store.close()
        raise
    return Runtime(config, store, uow, dispatcher)
