"""What a command handler gets: who asks, in which language, and the services it may call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from circles.actor import Actor
from circles.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.circle_map.drawings import MapDrawings
    from bot.config import Config
    from bot.i18n import Catalogs, Translator
    from bot.kit_press import KitPress
    from toolkits.catalog import Catalog


class CommandEntry(Protocol):
    """What help shows of a command (the registry's ``Command`` is one)."""

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def who_label(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


class CommandIndex(Protocol):
    """The commands a handler may look up, as the registry offers them.

    A protocol rather than the registry itself: the registry's handlers take this context, so
    naming the registry here would make the two modules import each other.
    """

    def get(self, name: str) -> CommandEntry | None: ...

    def __iter__(self) -> Iterator[CommandEntry]: ...


@dataclass(frozen=True)
class CommandContext:
    """Everything a handler needs; nothing platform-specific."""

    actor: Actor
    t: Translator
    uow: UnitOfWork
    config: Config
    registry: CommandIndex
    catalogs: Catalogs
    kits: Catalog
    kit_press: KitPress
    map_drawings: MapDrawings

    @property
    def language(self) -> str:
        return self.t.language
