"""The circles as read commands see them: decoded once per store revision, shared read-only.

Decoding every circle document into model objects was most of what a read command
(`circles`, `circle`, `roles`, `myroles`) cost (bench/README.md, hot path). The decoded tree only
changes when a commit changes the store, so it is kept per revision: the store's ``version()``
grows with every commit (with PostgreSQL, with every commit of any replica), and a view whose
revision is not the current one is rebuilt on first use. The objects in a view are shared by
every reader on every thread, so nothing may change them: write use cases load their own copies
in their own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from circles.model import Circle


@dataclass(frozen=True)
class CirclesView:
    """Every circle of one store revision, by slug and in tree order (read-only)."""

    revision: int
    circles: tuple[Circle, ...]
    by_slug: Mapping[str, Circle] = field(init=False)
    tree: tuple[tuple[int, Circle], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_slug", {c.slug: c for c in self.circles})
        object.__setattr__(self, "tree", tuple(tree_order(self.circles)))

    def get(self, slug: str) -> Circle | None:
        return self.by_slug.get(slug)

    def children_of(self, slug: str) -> list[Circle]:
        return sorted((c for c in self.circles if c.parent == slug), key=lambda c: c.slug)


def tree_order(circles: Iterable[Circle]) -> list[tuple[int, Circle]]:
    """Every circle with its depth, parents before children, siblings by slug."""
    circles = list(circles)
    children: dict[str | None, list[Circle]] = {}
    for circle in circles:
        children.setdefault(circle.parent, []).append(circle)
    ordered: list[tuple[int, Circle]] = []
    known = {c.slug for c in circles}

    def walk(parent: str | None, depth: int) -> None:
        for circle in sorted(children.get(parent, []), key=lambda c: c.slug):
            ordered.append((depth, circle))
            walk(circle.slug, depth + 1)

    walk(None, 0)
    # Circles whose parent vanished still show, at the top level, rather than disappear.
    for circle in circles:
        if circle.parent is not None and circle.parent not in known:
            ordered.append((0, circle))
            walk(circle.slug, 1)
    return ordered
