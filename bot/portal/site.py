"""What the portal serves from: the store, the config, the translations and the kit catalog."""

from __future__ import annotations

from dataclasses import dataclass

from bot.circle_map.drawings import MapDrawings
from bot.config import Config
from bot.i18n import Catalogs
from bot.kit_press import KitPress
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import Catalog


@dataclass(frozen=True)
class Site:
    uow: UnitOfWork
    config: Config
    catalogs: Catalogs
    kits: Catalog
    kit_press: KitPress  # renders downloads off the loop, shared with the kit command
    map_drawings: MapDrawings  # the map drawn once per revision, shared with the map command

    @property
    def public_url(self) -> str:
        return self.config.web.public_url.rstrip("/")
