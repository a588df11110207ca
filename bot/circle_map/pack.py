"""Circle packing: siblings packed tightly around a centre, and their smallest enclosing circle.

A port of d3-hierarchy's ``packSiblings`` (the front-chain algorithm of Wang et al., 2006) and
``packEnclose`` (Welzl's algorithm for circles). Unlike d3 nothing here is random, so the same
input always gives the same picture: the map is compared across renders and in tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Disc:
    """A circle to place: ``r`` is given, ``x`` and ``y`` are set by packing."""

    r: float
    x: float = 0.0
    y: float = 0.0


class _Link:
    """A disc on the front chain (a circular doubly linked list)."""

    def __init__(self, disc: Disc) -> None:
        self.disc = disc
        self.next: _Link = self
        self.previous: _Link = self


def pack_siblings(discs: Sequence[Disc]) -> float:
    """Place ``discs`` without overlap around (0, 0); return the enclosing radius."""
    if not discs:
        return 0.0
    a = discs[0]
    a.x, a.y = 0.0, 0.0
    if len(discs) == 1:
        return a.r
    b = discs[1]
    a.x, b.x, b.y = -b.r, a.r, 0.0
    if len(discs) == 2:
        return a.r + b.r
    _place(b, a, discs[2])
    la, lb, lc = _Link(a), _Link(b), _Link(discs[2])
    la.next = lc.previous = lb
    lb.next = la.previous = lc
    lc.next = lb.previous = la
    i = 3
    while i < len(discs):
        _place(la.disc, lb.disc, discs[i])
        lc = _Link(discs[i])
        # Find the closest disc on the front chain that the new one overlaps, if any.
        j, k = lb.next, la.previous
        sj, sk = lb.disc.r, la.disc.r
        overlapped = False
        while True:
            if sj <= sk:
                if _intersects(j.disc, lc.disc):
                    lb = j
                    la.next, lb.previous = lb, la
                    overlapped = True
                    break
                sj += j.disc.r
                j = j.next
            else:
                if _intersects(k.disc, lc.disc):
                    la = k
                    la.next, lb.previous = lb, la
                    overlapped = True
                    break
                sk += k.disc.r
                k = k.previous
            if j is k.next:
                break
        if overlapped:
            continue  # retry the same disc between the new neighbours
        lc.previous, lc.next = la, lb
        la.next = lb.previous = lc
        lb = lc
        # The next disc goes beside the pair closest to the centroid.
        best, best_score = la, _score(la)
        node = lc.next
        while node is not lb:
            score = _score(node)
            if score < best_score:
                best, best_score = node, score
            node = node.next
        la, lb = best, best.next
        i += 1
    chain = [lb.disc]
    node = lb.next
    while node is not lb:
        chain.append(node.disc)
        node = node.next
    enclosing = enclose(chain)
    for disc in discs:
        disc.x -= enclosing.x
        disc.y -= enclosing.y
    return enclosing.r


def pack_ring(discs: Sequence[Disc]) -> float:
    """Place a few discs evenly on a ring, the first at the top; return the enclosing radius.

    For a handful of similar discs (the five root circles) a ring is both tighter and calmer
    than the front chain, like cells in a cell.
    """
    count = len(discs)
    if count < 3:
        return pack_siblings(discs)
    half_step = math.pi / count
    # Every pair, not only neighbours: two large discs across a small one would overlap.
    ring = max(
        (discs[i].r + discs[j].r) / (2 * math.sin(half_step * (j - i)))
        for i in range(count)
        for j in range(i + 1, count)
    )
    for index, disc in enumerate(discs):
        angle = -math.pi / 2 + 2 * half_step * index
        disc.x, disc.y = ring * math.cos(angle), ring * math.sin(angle)
    return ring + max(disc.r for disc in discs)


def pack(discs: Sequence[Disc]) -> float:
    """The tighter of the ring and the front chain (rings only for up to seven discs)."""
    if not 3 <= len(discs) <= 7:
        return pack_siblings(discs)
    ring = pack_ring(discs)
    ring_places = [(d.x, d.y) for d in discs]
    chain = pack_siblings(discs)
    if ring <= chain * 1.02:  # prefer the calmer ring when it is about as tight
        for disc, (x, y) in zip(discs, ring_places, strict=True):
            disc.x, disc.y = x, y
        return ring
    return chain


def enclose(discs: Sequence[Disc]) -> Disc:
    """The smallest circle containing every disc (Welzl, move-to-front, deterministic order)."""
    if not discs:
        return Disc(0.0)
    basis: list[Disc] = []
    circle: Disc | None = None
    i = 0
    while i < len(discs):
        disc = discs[i]
        if circle is not None and _encloses_weak(circle, disc):
            i += 1
            continue
        extended = _extend_basis(basis, disc)
        if extended is None:  # floating point gave up: a looser circle is still correct
            return _bounding(discs)
        basis = extended
        circle = _enclose_basis(basis)
        i = 0
    assert circle is not None
    return circle


def _place(b: Disc, a: Disc, c: Disc) -> None:
    """Put ``c`` tangent to both ``a`` and ``b``."""
    dx, dy = b.x - a.x, b.y - a.y
    d2 = dx * dx + dy * dy
    if d2:
        a2 = (a.r + c.r) ** 2
        b2 = (b.r + c.r) ** 2
        if a2 > b2:
            x = (d2 + b2 - a2) / (2 * d2)
            y = math.sqrt(max(0.0, b2 / d2 - x * x))
            c.x = b.x - x * dx - y * dy
            c.y = b.y - x * dy + y * dx
        else:
            x = (d2 + a2 - b2) / (2 * d2)
            y = math.sqrt(max(0.0, a2 / d2 - x * x))
            c.x = a.x + x * dx - y * dy
            c.y = a.y + x * dy + y * dx
    else:
        c.x, c.y = a.x + c.r, a.y


def _intersects(a: Disc, b: Disc) -> bool:
    dr = a.r + b.r - 1e-6
    dx, dy = b.x - a.x, b.y - a.y
    return dr > 0 and dr * dr > dx * dx + dy * dy


def _score(node: _Link) -> float:
    a, b = node.disc, node.next.disc
    ab = a.r + b.r
    dx = (a.x * b.r + b.x * a.r) / ab
    dy = (a.y * b.r + b.y * a.r) / ab
    return dx * dx + dy * dy


def _encloses_not(a: Disc, b: Disc) -> bool:
    dr = a.r - b.r
    dx, dy = b.x - a.x, b.y - a.y
    return dr < 0 or dr * dr < dx * dx + dy * dy


def _encloses_weak(a: Disc, b: Disc) -> bool:
    dr = a.r - b.r + max(a.r, b.r, 1.0) * 1e-9
    dx, dy = b.x - a.x, b.y - a.y
    return dr > 0 and dr * dr > dx * dx + dy * dy


def _encloses_all(a: Disc, basis: Sequence[Disc]) -> bool:
    return all(_encloses_weak(a, b) for b in basis)


def _extend_basis(basis: list[Disc], p: Disc) -> list[Disc] | None:
    if _encloses_all(p, basis):
        return [p]
    for b in basis:
        if _encloses_not(p, b) and _encloses_all(_enclose2(b, p), basis):
            return [b, p]
    for i in range(len(basis) - 1):
        for j in range(i + 1, len(basis)):
            bi, bj = basis[i], basis[j]
            if (
                _encloses_not(_enclose2(bi, bj), p)
                and _encloses_not(_enclose2(bi, p), bj)
                and _encloses_not(_enclose2(bj, p), bi)
            ):
                candidate = _enclose3(bi, bj, p)
                if candidate is not None and _encloses_all(candidate, basis):
                    return [bi, bj, p]
    return None


def _enclose_basis(basis: Sequence[Disc]) -> Disc:
    if len(basis) == 1:
        return Disc(basis[0].r, basis[0].x, basis[0].y)
    if len(basis) == 2:
        return _enclose2(basis[0], basis[1])
    return _enclose3(basis[0], basis[1], basis[2]) or _bounding(basis)


def _enclose2(a: Disc, b: Disc) -> Disc:
    x21, y21, r21 = b.x - a.x, b.y - a.y, b.r - a.r
    length = math.hypot(x21, y21) or 1e-12
    return Disc(
        (length + a.r + b.r) / 2,
        (a.x + b.x + x21 / length * r21) / 2,
        (a.y + b.y + y21 / length * r21) / 2,
    )


def _enclose3(a: Disc, b: Disc, c: Disc) -> Disc | None:
    a2, a3 = a.x - b.x, a.x - c.x
    b2, b3 = a.y - b.y, a.y - c.y
    c2, c3 = b.r - a.r, c.r - a.r
    d1 = a.x * a.x + a.y * a.y - a.r * a.r
    d2 = d1 - b.x * b.x - b.y * b.y + b.r * b.r
    d3 = d1 - c.x * c.x - c.y * c.y + c.r * c.r
    ab = a3 * b2 - a2 * b3
    if ab == 0:
        return None
    xa = (b2 * d3 - b3 * d2) / (ab * 2) - a.x
    xb = (b3 * c2 - b2 * c3) / ab
    ya = (a3 * d2 - a2 * d3) / (ab * 2) - a.y
    yb = (a2 * c3 - a3 * c2) / ab
    qa = xb * xb + yb * yb - 1
    qb = 2 * (a.r + xa * xb + ya * yb)
    qc = xa * xa + ya * ya - a.r * a.r
    if abs(qa) > 1e-6:
        discriminant = qb * qb - 4 * qa * qc
        if discriminant < 0:
            return None
        r = -(qb + math.sqrt(discriminant)) / (2 * qa)
    elif qb:
        r = -qc / qb
    else:
        return None
    return Disc(r, a.x + xa + xb * r, a.y + ya + yb * r)


def _bounding(discs: Sequence[Disc]) -> Disc:
    cx = sum(d.x for d in discs) / len(discs)
    cy = sum(d.y for d in discs) / len(discs)
    return Disc(max(math.hypot(d.x - cx, d.y - cy) + d.r for d in discs), cx, cy)
