"""What the portal serves from: the store, the config, the translations and the kit catalog."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.i18n import Catalogs
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import Catalog


@dataclass(frozen=True)
class Site:
    uow: UnitOfWork
    config: Config
    catalogs: Catalogs
    kits: Catalog

    @property
    def public_url(self) -> str:
        return self.config.web.public_url.rstrip("/")
