"""What a command handler gets: who asks, in which language, and the services it may call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from circles.actor import Actor
from circles.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.circle_map.drawings import MapDrawings
    from bot.commands.registry import Registry
    from bot.config import Config
    from bot.i18n import Catalogs, Translator
    from bot.kit_press import KitPress
    from toolkits.catalog import Catalog


@dataclass(frozen=True)
class CommandContext:
    """Everything a handler needs; nothing platform-specific."""

    actor: Actor
    t: Translator
    uow: UnitOfWork
    config: Config
    registry: Registry
    catalogs: Catalogs
    kits: Catalog
    kit_press: KitPress
    map_drawings: MapDrawings

    @property
    def language(self) -> str:
        return self.t.language
