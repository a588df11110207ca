"""The kit catalog: the shipped kits plus community kits from extra folders."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from circles.errors import N_
from toolkits.errors import KitError, KitFormatError, KitNotFound
from toolkits.kit import MANIFEST, Kit, load_kit

log = logging.getLogger(__name__)


def shipped_kits_dir() -> Path:
    """The folder of the kits that ship with CAN bot."""
    return Path(__file__).resolve().parent / "kits"


@dataclass(frozen=True)
class LoadProblem:
    """A community kit folder that was skipped, and why."""

    path: Path
    error: KitError

    def __str__(self) -> str:
        return str(self.error)


@dataclass(frozen=True)
class Catalog:
    """Kits by id, shipped first, then community kits; ``problems`` lists what was skipped."""

    kits: tuple[Kit, ...]
    problems: tuple[LoadProblem, ...] = field(default=())

    def get(self, kit_id: str) -> Kit:
        """The kit named ``kit_id``; raise KitNotFound."""
        for kit in self.kits:
            if kit.id == kit_id:
                return kit
        raise KitNotFound(N_("There is no kit named {kit}."), kit=kit_id)

    def list(self) -> list[Kit]:
        """Every kit, in catalog order."""
        return list(self.kits)

    def __contains__(self, kit_id: object) -> bool:
        return any(kit.id == kit_id for kit in self.kits)

    def __iter__(self) -> Iterator[Kit]:
        return iter(self.kits)

    def __len__(self) -> int:
        return len(self.kits)


def load_catalog(extra_dirs: Sequence[Path] = (), *, shipped_dir: Path | None = None) -> Catalog:
    """Load the shipped kits (a broken one raises: it is our bug) and the community kits.

    Each extra folder is either one kit (it has kit.yaml) or a folder of kit folders. A community
    kit that fails to load, or reuses an id already taken, is skipped, logged and reported in
    ``Catalog.problems``; the other kits still load.
    """
    shipped = [
        load_kit(folder, community=False)
        for folder in _kit_folders(shipped_dir or shipped_kits_dir())
    ]
    kits = sorted(shipped, key=lambda kit: kit.id)
    problems: list[LoadProblem] = []
    community: list[Kit] = []
    for extra in extra_dirs:
        if not extra.is_dir():
            problems.append(
                LoadProblem(
                    extra,
                    KitFormatError(
                        N_("The community kit folder {path} does not exist."), path=str(extra)
                    ),
                )
            )
            continue
        try:
            folders = _kit_folders(extra)
        except OSError as error:
            problems.append(
                LoadProblem(
                    extra,
                    KitFormatError(
                        N_("The community kit folder {path} cannot be read: {detail}."),
                        path=str(extra),
                        detail=error.strerror or str(error),
                    ),
                )
            )
            continue
        for folder in folders:
            try:
                kit = load_kit(folder, community=True)
            except KitError as error:
                problems.append(LoadProblem(folder, error))
                continue
            except Exception as error:  # the edge for untrusted folders: one bad kit, not the bot
                log.exception("Loading the community kit in %s failed", folder)
                problems.append(
                    LoadProblem(
                        folder,
                        KitFormatError(
                            N_("The community kit in {path} cannot be loaded: {detail}."),
                            path=str(folder),
                            detail=type(error).__name__,
                        ),
                    )
                )
                continue
            if any(known.id == kit.id for known in (*kits, *community)):
                problems.append(
                    LoadProblem(
                        folder,
                        KitFormatError(
                            N_(
                                "The community kit in {path} uses the id {kit}, which another kit "
                                "already has; it was skipped."
                            ),
                            path=str(folder),
                            kit=kit.id,
                        ),
                    )
                )
                continue
            community.append(kit)
    for problem in problems:
        log.warning("Skipped community kit %s: %s", problem.path, problem.error)
    return Catalog(
        kits=(*kits, *sorted(community, key=lambda kit: kit.id)), problems=tuple(problems)
    )


def _kit_folders(root: Path) -> list[Path]:
    if (root / MANIFEST).is_file():
        return [root]
    return sorted(
        child
        for child in root.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_"))
    )
