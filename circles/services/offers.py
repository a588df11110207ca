"""Offers: a thing, a skill, a place or time someone offers; a fitting open ask hears of it."""

from __future__ import annotations

from typing import Any

from circles.actor import Actor
from circles.ask import Ask, Offer, kind_of, place_key
from circles.errors import N_, Conflict, Invalid, NotFound, PermissionDenied, plural
from circles.services.ask_outbox import tell
from circles.services.asks import ASKS, is_blocked, next_number, parse_request
from circles.services.neighborhood_chats import is_steward
from circles.services.neighbors import ensure_person, ids_of, person_by_id
from circles.unit_of_work import Session, UnitOfWork

OFFERS = "offers"
MAX_OPEN_OFFERS = 10
MAX_SUGGESTIONS = 3


def make_offer(uow: UnitOfWork, actor: Actor, line: str) -> tuple[Offer, int]:
    """Record an offer; returns it and how many open asks it was suggested to."""
    with uow.begin() as s:
        if is_blocked(s, actor.identity):
            raise PermissionDenied(
                N_("This account may not post asks. Talk to a lead if you think this is wrong.")
            )
        parsed = parse_request(s, line)
        if not parsed.text:
            raise Invalid(
                N_("Say what you offer, for example: offer transport @古北 a car on weekends")
            )
        ids = ids_of(s, actor.identity)
        known = person_by_id(s, sorted(ids)[0]) if ids else None
        place = parsed.neighborhood or (known.neighborhood if known else "")
        person = ensure_person(s, actor, parsed.neighborhood)
        live = [
            d for p in ids | {person.id} for d in s.tx.find(OFFERS, "person", p) if d.get("open")
        ]
        if len(live) >= MAX_OPEN_OFFERS:
            raise Conflict(
                plural(
                    "You have {count} open offer already: close it first.",
                    "You have {count} open offers already: close one first.",
                ),
                count=len(live),
            )
        offer = Offer(
            id=next_number(s, OFFERS, OFFERS, "o"),
            person=person.id,
            text=(parsed.text + (" " + parsed.private if parsed.private else "")).strip(),
            kind=parsed.kind,
            neighborhood=place,
            created_at=s.now,
        )
        s.tx.put(OFFERS, offer.id, offer.to_doc())
        suggested = 0
        for ask in fitting_asks(s, offer.kind, offer.neighborhood):
            if ask.asker == person.id or suggested >= MAX_SUGGESTIONS:
                continue
            tell(
                s,
                ask.asker,
                N_(
                    "🎁 Someone offers what may fit your ask #{ask}: {text} (offer {offer}). "
                    "A volunteer can take your ask to connect you."
                ),
                ask=ask.id,
                text=offer.text,
                offer=offer.id,
            )
            suggested += 1
        s.commit()
    return offer, suggested


def fitting_asks(s: Session, kind: str, neighborhood: str) -> list[Ask]:
    docs = s.tx.find(ASKS, "open_in", place_key(neighborhood)) if neighborhood else []
    return sorted(
        (Ask.from_doc(d) for d in docs if d.get("kind") == kind), key=lambda a: a.created_at
    )


def suggest_offers(s: Session, ask: Ask) -> int:
    """A new ask hears of open offers of its kind in its neighborhood (at most three)."""
    found = [
        Offer.from_doc(d)
        for d in s.tx.all(OFFERS)
        if d.get("open")
        and d.get("kind") == ask.kind
        and place_key(str(d.get("neighborhood", ""))) == place_key(ask.neighborhood)
        and d.get("person") != ask.asker
    ][:MAX_SUGGESTIONS]
    for offer in found:
        tell(
            s,
            ask.asker,
            N_(
                "🎁 Someone offers what may fit your ask #{ask}: {text} (offer {offer}). "
                "A volunteer can take your ask to connect you."
            ),
            ask=ask.id,
            text=offer.text,
            offer=offer.id,
        )
    return len(found)


def list_offers(uow: UnitOfWork, word: str = "") -> list[Offer]:
    """Open offers, newest first, of a kind or in a neighborhood if ``word`` names one."""
    kind = kind_of(word) if word else None
    with uow.begin() as s:
        offers = [Offer.from_doc(d) for d in s.tx.all(OFFERS) if d.get("open")]
    if kind:
        offers = [o for o in offers if o.kind == kind]
    elif word:
        offers = [o for o in offers if place_key(o.neighborhood) == place_key(word.lstrip("@＠"))]
    return sorted(offers, key=lambda o: o.created_at, reverse=True)


def close_offer(uow: UnitOfWork, actor: Actor, offer_id: str) -> Offer:
    with uow.begin() as s:
        doc = s.tx.get(OFFERS, offer_id.strip().lower())
        if doc is None:
            raise NotFound(N_("There is no offer '{offer}'."), offer=offer_id[:20])
        offer = Offer.from_doc(doc)
        if offer.person not in ids_of(s, actor.identity):
            volunteer = s.volunteers.by_identity(actor.identity)
            if volunteer is None or not is_steward(s, volunteer):
                raise PermissionDenied(
                    N_("Only who made offer {offer}, or a lead, may close it."), offer=offer.id
                )
        if not offer.open:
            raise Conflict(N_("Offer {offer} is closed already."), offer=offer.id)
        offer.open = False
        s.tx.put(OFFERS, offer.id, offer.to_doc())
        s.commit()
    return offer


def offers_of(s: Session, person_id: str) -> list[Offer]:
    return sorted(
        (Offer.from_doc(d) for d in s.tx.find(OFFERS, "person", person_id)),
        key=lambda o: o.created_at,
    )


# Hooks for personal data.


def forget_person(s: Session, person_id: str) -> int:
    """Offers are about the person: they go entirely."""
    found = s.tx.find(OFFERS, "person", person_id)
    for doc in found:
        s.tx.delete(OFFERS, str(doc["id"]))
    return len(found)


def merge_person(s: Session, from_id: str, into_id: str) -> None:
    for doc in s.tx.find(OFFERS, "person", from_id):
        s.tx.put(OFFERS, str(doc["id"]), {**doc, "person": into_id})


def data_of(s: Session, person_id: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in o.to_doc().items() if k != "person"} for o in offers_of(s, person_id)]
