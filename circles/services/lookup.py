"""Finding a circle, role or meetup by what a volunteer typed: its slug, a name, or a prefix.

Slugs stay the stored keys; this module only turns what a person types (``研发圈``,
``研发圈/小茶馆主持``, ``research/Tea-house host``, ``小茶馆``) into them. The rule is the same
for every kind of thing: an exact slug wins, then an exact name in any language, then an
unambiguous prefix of a slug or a name. Several at one step raise ``Ambiguous`` with the
candidates, so the bot can offer each as a button.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from circles.errors import N_, Ambiguous, Invalid, NotFound
from circles.meetup import Meetup
from circles.model import Circle, Role
from circles.read_model import CirclesView
from circles.text import Localized
from circles.unit_of_work import Session, UnitOfWork

T = TypeVar("T")
# A name typed longer than this is no name we hold; it is only echoed, shortened.
MAX_TYPED = 80


def fold(text: str) -> str:
    """Compare as a reader would: full-width forms as ASCII, case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def best(typed: str, things: Iterable[T], key: Callable[[T], tuple[str, Localized]]) -> list[T]:
    """The things ``typed`` names: by exact slug, else exact name, else prefix of either."""
    wanted = fold(typed)
    if not wanted:
        return []
    pool = []
    for thing in things:
        slug, names = key(thing)
        pool.append((thing, fold(slug), [fold(n) for n in names.values() if n]))
    for step in ("slug", "name", "prefix"):
        found = [thing for thing, slug, names in pool if _fits(step, wanted, slug, names)]
        if found:
            return found
    return []


def _fits(step: str, wanted: str, slug: str, names: list[str]) -> bool:
    if step == "slug":
        return slug == wanted
    if step == "name":
        return wanted in names
    return slug.startswith(wanted) or any(name.startswith(wanted) for name in names)


def ambiguous(typed: str, refs: Sequence[tuple[str, Localized]]) -> Ambiguous:
    return Ambiguous(
        N_("'{name}' fits more than one: {choices}. Choose one."),
        typed,
        tuple(refs),
        name=typed[:40],
        choices=tuple(ref for ref, _ in refs),
    )


def find_circle(s: Session, typed: str) -> Circle:
    """A circle by slug, Chinese or English name, or an unambiguous prefix of one."""
    return _pick_circle(typed, s.circles.get, s.circles.all)


def find_circle_in(circles: CirclesView, typed: str) -> Circle:
    """``find_circle`` over a revision's read model: the same rules, no transaction."""
    return _pick_circle(typed, circles.get, lambda: list(circles.circles))


def _pick_circle(
    typed: str, get: Callable[[str], Circle | None], every: Callable[[], list[Circle]]
) -> Circle:
    typed = typed.strip()
    exact = get(typed.lower()) if typed.isascii() else None
    if exact is not None:
        return exact
    found = best(typed[:MAX_TYPED], every(), lambda c: (c.slug, c.name))
    if len(found) == 1:
        return found[0]
    if found:
        raise ambiguous(typed, [(c.slug, c.name) for c in sorted(found, key=lambda c: c.slug)])
    raise NotFound(N_("There is no circle '{circle}'."), circle=typed[:40])


def circle_slug(uow: UnitOfWork, typed: str) -> str:
    """The slug of the circle ``typed`` names (``研发圈`` -> ``research``), or NotFound."""
    with uow.begin() as s:
        return find_circle(s, typed).slug


def find_role(s: Session, typed: str) -> tuple[Circle, Role]:
    """``circle/role`` (either part a slug, a name or a prefix), or a role one circle has."""
    ref = unicodedata.normalize("NFKC", typed).strip()
    if not ref or ref.count("/") > 1 or ref.startswith("/") or ref.endswith("/"):
        raise Invalid(N_("'{ref}' is not a role: write circle/role or role."), ref=typed[:40])
    circle_part, slash, role_part = ref.rpartition("/")
    if slash:
        circle = find_circle(s, circle_part)
        return circle, find_role_of(circle, role_part)
    pairs = _roles_named(s, role_part)
    if len(pairs) == 1:
        return pairs[0]
    choices = sorted((f"{c.slug}/{r.slug}", _role_names(c, r)) for c, r in pairs)
    if len({r.slug for _, r in pairs}) == 1 and fold(pairs[0][1].slug) == fold(role_part):
        # The same slug in several circles (an action group's coordinator, say).
        raise Ambiguous(
            N_("Several circles have a role '{role}': write it as {choices}."),
            typed,
            tuple(choices),
            role=role_part[:40],
            choices=tuple(ref for ref, _ in choices),
        )
    raise ambiguous(typed, choices)


def find_role_of(circle: Circle, typed: str) -> Role:
    """One of the circle's roles, by slug, name or an unambiguous prefix."""
    found = best(typed[:MAX_TYPED], circle.roles, lambda r: (r.slug, r.name))
    if len(found) > 1:
        raise ambiguous(typed, [(f"{circle.slug}/{r.slug}", _role_names(circle, r)) for r in found])
    if not found:
        raise NotFound(
            N_("Circle {circle} has no role '{role}'."), circle=circle.slug, role=typed[:40]
        )
    return found[0]


def _roles_named(s: Session, typed: str) -> list[tuple[Circle, Role]]:
    pairs = [(c, r) for c in s.circles.all() for r in c.roles]
    found = best(typed[:MAX_TYPED], pairs, lambda pair: (pair[1].slug, pair[1].name))
    if not found:
        raise NotFound(N_("No circle has a role '{role}'."), role=typed[:40])
    return found


def _role_names(circle: Circle, role: Role) -> Localized:
    """``研发圈/小茶馆主持``: how a button names a role, in each language."""
    return {lang: f"{circle.display_name(lang)}/{name}" for lang, name in role.name.items() if name}


def find_meetup(meetups: Sequence[Meetup], typed: str) -> Meetup | None:
    """A meetup by id, or an active one by its title or a prefix of it; None when none fits."""
    wanted = typed.strip().lower()
    for meetup in meetups:
        if meetup.id == wanted:
            return meetup
    active = [m for m in meetups if m.active]
    found = best(typed[:MAX_TYPED], active, lambda m: (m.id, {"title": m.title}))
    if len(found) > 1:
        raise ambiguous(typed, [(m.id, {"title": f"{m.title} ({m.circle})"}) for m in found])
    return found[0] if found else None
