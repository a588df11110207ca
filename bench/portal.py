"""Circle map render time: /map.svg and /map.png at 5 and 50 circles with 10,000 volunteers.

Usage: python bench/portal.py [circles ...]   (default: 5 50)
Builds an in-memory network (the seeded five root circles, then sub-circles up to the count,
each with three roles, about half of them held), and times reading + drawing the SVG and
rasterising the PNG, as the portal does for one request.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime

from bot.circle_map.drawings import MapDrawings
from bot.circle_map.png import svg_to_png
from bot.circle_map.snapshot import read_circle_map
from bot.circle_map.svg import circle_map_svg
from bot.i18n import Catalogs
from circles.clock import FixedClock
from circles.model import Circle, Role, Volunteer
from circles.network import Network
from circles.services.network_setup import ensure_seeded
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork

VOLUNTEERS = 10_000
ROOTS = ("connect", "research", "practice", "product", "content")


def build(circles: int) -> UnitOfWork:
    clock = FixedClock(datetime(2026, 11, 22, tzinfo=UTC))
    uow = UnitOfWork(MemoryStore(), clock, Network())
    ensure_seeded(uow)
    with uow.begin() as s:
        for number in range(VOLUNTEERS):
            s.volunteers.save(
                Volunteer(f"v{number}", f"Volunteer {number}", [f"console:v{number}"], clock.now())
            )
        for number in range(max(0, circles - len(ROOTS))):
            roles = [
                Role(
                    f"role-{k}",
                    {"en": f"Role {k} of team {number}", "zh": f"第{number}组角色{k}"},
                    {"en": "x"},
                    holders=[f"v{(number * 3 + k) % VOLUNTEERS}"] if k % 2 == 0 else [],
                )
                for k in range(3)
            ]
            parent = ROOTS[number % len(ROOTS)]
            s.circles.save(
                Circle(f"team-{number}", {"en": f"Team {number}"}, {}, parent, roles=roles)
            )
        s.commit()
    return uow


def timed(action: object, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main(argv: list[str]) -> None:
    counts = [int(a) for a in argv] or [5, 50]
    t = Catalogs().translator("en")
    print(
        f"{'circles':>8} {'roles':>6} {'svg KB':>7} {'svg p50/max ms':>16} {'png p50/max ms':>16}"
        f" {'map again p50/max ms':>21}"
    )
    for count in counts:
        uow = build(count)
        circle_map = read_circle_map(uow)
        svg = circle_map_svg(circle_map, t, "CAN")
        roles = sum(len(c.roles) for c in circle_map.circles)
        svg_p50, svg_max = timed(lambda uow=uow: circle_map_svg(read_circle_map(uow), t, "CAN"), 20)
        png_p50, png_max = timed(lambda svg=svg: svg_to_png(svg), 5)
        # The `map` command once this revision's PNG is drawn: a store read and a look-up.
        drawings = MapDrawings(Catalogs(), "CAN")
        drawings.png(circle_map, "en")
        again_p50, again_max = timed(
            lambda uow=uow, d=drawings: d.png(read_circle_map(uow), "en"), 20
        )
        print(
            f"{len(circle_map.circles):>8} {roles:>6} {len(svg) / 1024:>7.1f} "
            f"{svg_p50:>7.1f} / {svg_max:<6.1f} {png_p50:>7.1f} / {png_max:<6.1f}"
            f" {again_p50:>10.1f} / {again_max:<6.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
