"""One use case, one transaction: repositories over an open transaction, committed explicitly."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from circles.clock import Clock
from circles.errors import N_, NotFound, PermissionDenied
from circles.holding import Held, Holding, follow_holders, held_in
from circles.model import Circle, Volunteer
from circles.network import Network
from circles.ports import Doc, DocumentStore, Transaction
from circles.read_model import CirclesView

VOLUNTEERS = "volunteers"
CIRCLES = "circles"
PREFERENCES = "preferences"
ADMINS = "admins"  # admins added from chat, by volunteer id


class Volunteers:
    """Volunteers by id and by identity."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def get(self, volunteer_id: str) -> Volunteer | None:
        doc = self._tx.get(VOLUNTEERS, volunteer_id)
        return Volunteer.from_doc(doc) if doc else None

    def by_identity(self, identity: str) -> Volunteer | None:
        found = self._tx.find(VOLUNTEERS, "identities", identity)
        return Volunteer.from_doc(found[0]) if found else None

    def all(self) -> Iterator[Volunteer]:
        for doc in self._tx.all(VOLUNTEERS):
            yield Volunteer.from_doc(doc)

    def count(self) -> int:
        return self._tx.count(VOLUNTEERS)

    def name_of(self, volunteer_id: str) -> str:
        doc = self._tx.get(VOLUNTEERS, volunteer_id)
        return str(doc["name"]) if doc else "?"

    def names_of(self, volunteer_ids: Iterable[str]) -> dict[str, str]:
        """Display names by id, read together ("?" for one that is gone)."""
        wanted = list(dict.fromkeys(volunteer_ids))
        found = self._tx.get_many(VOLUNTEERS, wanted)
        return {i: str(found[i]["name"]) if i in found else "?" for i in wanted}

    def save(self, volunteer: Volunteer) -> None:
        self._tx.put(VOLUNTEERS, volunteer.id, volunteer.to_doc())

    def remove(self, volunteer_id: str) -> None:
        self._tx.delete(VOLUNTEERS, volunteer_id)


class Circles:
    """Circles by slug; saving one records who started or stopped holding its roles.

    Each circle's holders are remembered as this transaction last read or saved them, so a
    save compares against that instead of reading the circle again (a claim on PostgreSQL is
    a round trip shorter). Nothing else in a transaction writes circle documents.
    """

    def __init__(self, tx: Transaction, now: datetime | None = None) -> None:
        self._tx = tx
        self._now = now
        self._held: dict[str, Held] = {}
        self._closed: dict[tuple[str, str], Holding] = {}  # holdings this transaction closed

    def _decode(self, doc: Doc) -> Circle:
        circle = Circle.from_doc(doc)
        self._held[circle.slug] = held_in(doc)
        return circle

    def get(self, slug: str) -> Circle | None:
        doc = self._tx.get(CIRCLES, slug)
        return self._decode(doc) if doc else None

    def require(self, slug: str) -> Circle:
        circle = self.get(slug)
        if circle is None:
            raise NotFound(N_("There is no circle '{circle}'."), circle=slug[:40])
        return circle

    def all(self) -> list[Circle]:
        return [self._decode(doc) for doc in self._tx.all(CIRCLES)]

    def save(self, circle: Circle) -> None:
        doc = circle.to_doc()
        after = held_in(doc)
        if self._now is not None:
            before = self._held.get(circle.slug)
            if before is None:
                before = held_in(self._tx.get(CIRCLES, circle.slug))
            follow_holders(self._tx, self._now, circle.slug, before, after, self._closed)
        self._held[circle.slug] = after
        self._tx.put(CIRCLES, circle.slug, doc)

    def remove(self, slug: str) -> None:
        self._held.pop(slug, None)
        self._tx.delete(CIRCLES, slug)


class Session:
    """An open unit of work: repositories, the moment it started, and the network's rules."""

    def __init__(self, tx: Transaction, now: datetime, network: Network, code_key: bytes) -> None:
        self.tx = tx
        self.now = now
        self.network = network
        self.code_key = code_key  # keys the digests of one-time codes (circles/one_time_code)
        self.volunteers = Volunteers(tx)
        self.circles = Circles(tx, now)

    def commit(self) -> None:
        self.tx.commit()

    def new_id(self, table: str, prefix: str) -> str:
        """A short random id not yet used in ``table``."""
        while True:
            candidate = prefix + secrets.token_hex(4)
            if self.tx.get(table, candidate) is None:
                return candidate

    def is_admin(self, volunteer: Volunteer | None, identity: str = "") -> bool:
        """Bootstrap admins (config) and admins added from chat (the ``admins`` table)."""
        identities = set(volunteer.identities) if volunteer else set()
        if identity:
            identities.add(identity)
        if identities & self.network.admins:
            return True
        return volunteer is not None and self.tx.get(ADMINS, volunteer.id) is not None

    def require_volunteer(self, identity: str) -> Volunteer:
        volunteer = self.volunteers.by_identity(identity)
        if volunteer is None:
            raise PermissionDenied(N_("You have not joined yet: send join first."))
        return volunteer

    def require_lead(self, volunteer: Volunteer, circle: Circle) -> None:
        """Leads of the circle or of any circle above it, and admins, may lead it."""
        if self.is_admin(volunteer):
            return
        current: Circle | None = circle
        seen: set[str] = set()
        while current is not None and current.slug not in seen:
            if volunteer.id in current.leads:
                return
            seen.add(current.slug)
            current = self.circles.get(current.parent) if current.parent else None
        raise PermissionDenied(
            N_("Only a lead of {circle} (or an admin) may do that."), circle=circle.slug
        )


class UnitOfWork:
    """Hands out sessions on a store; the entry point of every use case.

    ``code_key`` is the secret one-time codes are keyed with. A durable store's is read from
    where the store keeps it (bootstrap injects it); without one, a random key lives as long as
    this object, which suits a store that lives no longer either (memory, tests).
    """

    def __init__(
        self, store: DocumentStore, clock: Clock, network: Network, code_key: bytes | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        self.network = network
        self.code_key = code_key or secrets.token_bytes(32)
        self._circles_view: CirclesView | None = None

    def circles_view(self) -> CirclesView:
        """The circles of the store's current revision, decoded once per revision (read-only).

        The revision is read from the store's source of truth (``current_version``, without
        the transaction lock): a store shared by several processes (PostgreSQL) reports a
        commit made by another replica at once, not when its notification arrives. Only a new
        revision opens a transaction, which reads the revision again with the circles, so a
        view never claims a revision older than what it holds; a commit after that only means
        the next reader rebuilds. Two threads may both rebuild at once: the later assignment
        wins, and both views are correct for their revision. Do not call it inside
        ``begin()``: a second transaction on a cross-process store waits for the first.
        """
        view = self._circles_view
        if view is not None and view.revision == self.store.current_version():
            return view
        with self.store.transaction() as tx:
            revision = self.store.version()
            view = CirclesView(revision, tuple(Circle.from_doc(doc) for doc in tx.all(CIRCLES)))
        self._circles_view = view
        return view

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self.store.transaction() as tx:
            yield Session(tx, self.clock.now(), self.network, self.code_key)
