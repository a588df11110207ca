"""Asks and their people's personal data: what ``mydata`` shows, ``forgetme`` erases and a merge
moves, for asks, relayed messages, offers, opt-ins, queued messages and neighbor records."""

from __future__ import annotations

from typing import Any

from circles.ask import CLOSED, OPEN, TAKEN, Ask
from circles.errors import N_
from circles.masking import mask
from circles.services import announcements, ask_outbox, ask_relay, neighbors, offers
from circles.services.asks import ASKS, WATCHERS, save
from circles.services.neighbors import person_by_id
from circles.unit_of_work import Session

TABLES = (ASKS, ask_relay.MESSAGES, offers.OFFERS, WATCHERS, ask_outbox.OUTBOX, neighbors.NEIGHBORS)


def _asks(s: Session, field: str, person_id: str) -> list[Ask]:
    return sorted(
        (Ask.from_doc(d) for d in s.tx.find(ASKS, field, person_id)), key=lambda a: a.created_at
    )


def _traces(s: Session, person_id: str) -> list[str]:
    person = person_by_id(s, person_id)
    return [person.name, *person.identities] if person else []


def forget_person(s: Session, person_id: str) -> None:
    """The asker's asks close and lose who asked, the private part and every message; a public
    text naming them is dropped. A helper leaves their asks (open again if nobody is left)."""
    terms = _traces(s, person_id)
    for ask in _asks(s, "asker", person_id):
        for message in ask_relay.messages_of_ask(s, ask.id):
            s.tx.delete(ask_relay.MESSAGES, str(message["id"]))
        if ask.status == "draft":
            s.tx.delete(ASKS, ask.id)
            continue
        if mask(ask.text, terms) != ask.text:
            ask.text = ""
        ask.asker, ask.private, ask.purged = "", "", True
        if ask.status in (OPEN, TAKEN):
            for helper in ask.helpers:
                ask_outbox.tell(
                    s, helper, N_("Ask #{ask} was closed. Thank you for your help."), ask=ask.id
                )
            ask.status, ask.closed_at, ask.closed_by = CLOSED, s.now, "asker"
        save(s, ask)
    for ask in _asks(s, "helpers", person_id):
        ask.helpers.remove(person_id)
        if ask.done_claim == person_id:
            ask.done_claim = ""
        if ask.status == TAKEN and not ask.helpers:
            ask.status, ask.taken_at = OPEN, None
        save(s, ask)
    ask_relay.forget_person(s, person_id)
    offers.forget_person(s, person_id)
    if s.tx.get(WATCHERS, person_id) is not None:
        s.tx.delete(WATCHERS, person_id)
    ask_outbox.forget_person(s, person_id)
    ask_outbox.mask_queued(s, terms)  # the ask's words, told to volunteers nearby
    # A neighbor is no volunteer, so the announcements hook cannot find their names: an ask
    # announced to a neighborhood's chat may still wait in the outbox with the asker's words.
    announcements.mask_queued(s, terms)
    neighbors.forget_neighbor(s, person_id)


def merge_person(s: Session, from_id: str, into_id: str) -> None:
    for ask in _asks(s, "asker", from_id):
        ask.asker = into_id
        save(s, ask)
    for ask in _asks(s, "helpers", from_id):
        ask.helpers = list(dict.fromkeys(into_id if h == from_id else h for h in ask.helpers))
        save(s, ask)
    ask_relay.merge_person(s, from_id, into_id)
    offers.merge_person(s, from_id, into_id)
    if s.tx.get(WATCHERS, from_id) is not None:
        s.tx.delete(WATCHERS, from_id)
        s.tx.put(WATCHERS, into_id, {"id": into_id, "volunteer": into_id})
    ask_outbox.merge_person(s, from_id, into_id)
    neighbors.merge_neighbor(s, from_id, into_id)


def _mine(ask: Ask, person_id: str) -> dict[str, Any]:
    """An ask as one party sees it: never the other party's id."""
    doc = ask.to_doc()
    view = {
        k: doc[k]
        for k in (
            "id",
            "text",
            "kind",
            "neighborhood",
            "urgent",
            "status",
            "created_at",
            "closed_at",
        )
    }
    view["role"] = ask.party(person_id)
    if ask.asker == person_id:
        view["private"] = ask.private
    view["helpers"] = len(ask.helpers)
    return view


def data_of(s: Session, person_id: str) -> list[dict[str, Any]]:
    asked, helping = _asks(s, "asker", person_id), _asks(s, "helpers", person_id)
    found: list[dict[str, Any]] = [{"ask": _mine(a, person_id)} for a in [*asked, *helping]]
    found += [{"message": m} for m in ask_relay.data_of(s, person_id, [*asked, *helping])]
    found += [{"offer": o} for o in offers.data_of(s, person_id)]
    if s.tx.get(WATCHERS, person_id) is not None:
        found.append({"notify_asks": True})
    found += [{"queued_message": m} for m in ask_outbox.data_of(s, person_id)]
    found += [{"neighbor": n} for n in neighbors.neighbor_data(s, person_id)]
    return found


def absorb_neighbor(s: Session, identity: str) -> bool:
    """A neighbor who asked and later joined: their asks and offers become the volunteer's."""
    volunteer = s.volunteers.by_identity(identity)
    if volunteer is None:
        return False
    found = s.tx.find(neighbors.NEIGHBORS, "identity", identity)
    for doc in found:
        merge_person(s, str(doc["id"]), volunteer.id)
    return bool(found)
