"""The life of an ask: drafted, confirmed and posted, taken, dropped, done, closed, flagged.

Every step is one transaction; what the other party and the chats hear is queued in the same
transaction (``ask_outbox.tell``, ``announcements.announce``), so nothing is told that was not
saved. The asker's identity is never part of what others are told.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from circles.actor import Actor
from circles.ask import (
    CLOSED,
    DONE,
    DRAFT,
    KIND_NAMES,
    OPEN,
    TAKEN,
    URGENT_WORDS,
    Ask,
    AskRules,
    kind_label,
    kind_of,
    place_key,
)
from circles.checkin import Checkin
from circles.errors import N_, Conflict, Invalid, NotFound, PermissionDenied, plural
from circles.services.announcements import announce
from circles.services.ask_outbox import tell
from circles.services.checkins import CHECKINS  # a kit that helped counts as a check-in
from circles.services.neighborhood_chats import chats_of, is_steward, linked_names
from circles.services.neighbors import Person, ensure_person, ids_of, person_by_id
from circles.text import clean
from circles.unit_of_work import Session, UnitOfWork

ASKS = "asks"
SEQUENCES = "ask_sequence"
BLOCKS = "ask_blocks"
WATCHERS = "ask_watchers"
MAX_TEXT = 280
MAX_PRIVATE = 280
DRAFT_LIFETIME = timedelta(days=1)
PRIVATE_MARK = ("||", "｜｜")
YES_WORDS = frozenset({"yes", "ok", "confirm", "是", "好", "确认"})
NO_WORDS = frozenset({"no", "object", "不", "否", "没有"})


@dataclass(frozen=True)
class Parsed:
    """What ``ask <text>`` said: the leading words that are a kind, a place or urgency, the rest."""

    kind: str
    neighborhood: str
    urgent: bool
    text: str
    private: str


def next_number(s: Session, key: str, table: str, prefix: str = "") -> str:
    """The next short id of ``table`` (``12``, ``o5``): easy to type, never reused."""
    doc = s.tx.get(SEQUENCES, key)
    if doc is None:
        # A store restored from an export has the documents but no counter: start past them.
        used = [str(d["id"]).removeprefix(prefix) for d in s.tx.all(table)]
        number = max((int(u) for u in used if u.isdigit()), default=0) + 1
    else:
        number = int(doc["next"])
    while s.tx.get(table, f"{prefix}{number}") is not None:
        number += 1
    s.tx.put(SEQUENCES, key, {"id": key, "next": number + 1})
    return f"{prefix}{number}"


def known_places(s: Session) -> dict[str, str]:
    """Neighborhood names people use (linked ones, and volunteers' own), by key."""
    places = {
        place_key(v.neighborhood): v.neighborhood for v in s.volunteers.all() if v.neighborhood
    }
    places.update(linked_names(s))
    return places


def parse_request(s: Session, line: str) -> Parsed:
    """Leading words may name a kind, ``urgent``, ``@place`` or a known place; ``||`` starts
    the private part. ``ask 买菜 古北 紧急 家里没菜了 || 12号楼301`` has them all."""
    public, private = line, ""
    for mark in PRIVATE_MARK:
        if mark in line:
            public, _, private = line.partition(mark)
            break
    words = public.split()
    kind, place, urgent = "", "", False
    places = known_places(s)
    while words:
        word = words[0]
        if not kind and kind_of(word):
            kind = kind_of(word) or ""
        elif word.lower() in URGENT_WORDS and not urgent:
            urgent = True
        elif word[:1] in ("@", "＠") and len(word) > 1 and not place:
            place = word[1:]
        elif not place and place_key(word) in places:
            place = places[place_key(word)]
        else:
            break
        words.pop(0)
    if place and place_key(place) in places:
        place = places[place_key(place)]
    return Parsed(
        kind or "other",
        clean(place, field="neighborhood", max_length=80, allow_empty=True),
        urgent,
        clean(" ".join(words), field="text", max_length=MAX_TEXT, allow_empty=True),
        clean(private, field="text", max_length=MAX_PRIVATE, allow_empty=True),
    )


def identity_digest(identity: str) -> str:
    return hashlib.sha256(f"ask-block:{identity}".encode()).hexdigest()[:32]


def is_blocked(s: Session, identity: str) -> bool:
    return s.tx.get(BLOCKS, identity_digest(identity)) is not None


def get_ask(s: Session, ask_id: str) -> Ask:
    ref = ask_id.strip().lstrip("#＃")
    doc = s.tx.get(ASKS, ref) if ref else None
    if doc is None or doc.get("status") == DRAFT:
        raise NotFound(N_("There is no ask '{ask}': send asks for the open ones."), ask=ref[:20])
    return Ask.from_doc(doc)


def save(s: Session, ask: Ask) -> None:
    s.tx.put(ASKS, ask.id, ask.to_doc())


def open_asks_of(s: Session, person_ids: set[str]) -> list[Ask]:
    found = [Ask.from_doc(d) for p in person_ids for d in s.tx.find(ASKS, "asker", p)]
    return [a for a in found if a.is_live]


# Drafting and posting.


def draft_ask(uow: UnitOfWork, actor: Actor, line: str, rules: AskRules) -> Ask:
    """Write the ask as a draft, to show what will be public and what private before posting."""
    with uow.begin() as s:
        if is_blocked(s, actor.identity):
            raise PermissionDenied(
                N_("This account may not post asks. Talk to a lead if you think this is wrong.")
            )
        parsed = parse_request(s, line)
        if not parsed.text:
            raise Invalid(N_("Say what you need, for example: ask groceries @古北 rice and eggs"))
        person_ids = ids_of(s, actor.identity)
        if len(open_asks_of(s, person_ids)) >= rules.max_open:
            raise Conflict(
                plural(
                    "You have {count} open ask already, the most there may "
                    "be: close or finish it first.",
                    "You have {count} open asks already, the most there may "
                    "be: close or finish one first.",
                ),
                count=rules.max_open,
            )
        mine = None if not person_ids else person_by_id(s, sorted(person_ids)[0])
        place = parsed.neighborhood or (mine.neighborhood if mine else "")
        if not place:
            raise Invalid(
                N_(
                    "Which neighborhood is it in? Name it with @, for example: "
                    "ask groceries @古北 rice and eggs"
                )
            )
        person = ensure_person(s, actor, place if not parsed.neighborhood else parsed.neighborhood)
        for stale in s.tx.find(ASKS, "asker", person.id):
            if stale["status"] == DRAFT:  # one draft at a time: the newest is what they meant
                s.tx.delete(ASKS, str(stale["id"]))
        ask = Ask(
            id=next_number(s, ASKS, ASKS),
            asker=person.id,
            text=parsed.text,
            private=parsed.private,
            kind=parsed.kind,
            neighborhood=place,
            urgent=parsed.urgent,
            created_at=s.now,
        )
        save(s, ask)
        s.commit()
    return ask


@dataclass(frozen=True)
class Posted:
    ask: Ask
    chats: int  # group chats the ask is announced in
    notified: int  # volunteers told privately


def _own_draft(s: Session, actor: Actor, ask_id: str) -> Ask:
    doc = s.tx.get(ASKS, ask_id.strip().lstrip("#"))
    if (
        doc is None
        or doc.get("status") != DRAFT
        or doc.get("asker") not in ids_of(s, actor.identity)
    ):
        raise NotFound(
            N_("There is no draft ask '{ask}' of yours: send ask <text> again."), ask=ask_id[:20]
        )
    return Ask.from_doc(doc)


def post_ask(uow: UnitOfWork, actor: Actor, ask_id: str, rules: AskRules) -> Posted:
    """The asker confirmed: the ask opens, its chats hear of it, a few volunteers are told."""
    with uow.begin() as s:
        ask = _own_draft(s, actor, ask_id)
        if len(open_asks_of(s, ids_of(s, actor.identity))) >= rules.max_open:
            raise Conflict(
                plural(
                    "You have {count} open ask already, the most there may "
                    "be: close or finish it first.",
                    "You have {count} open asks already, the most there may "
                    "be: close or finish one first.",
                ),
                count=rules.max_open,
            )
        ask.status, ask.posted_at = OPEN, s.now
        save(s, ask)
        chats = chats_of(s, ask.neighborhood)
        take = [(N_("Take it"), f"take {ask.id}")]
        announce(
            s,
            chats,
            N_("🙋 New ask #{ask} ({kind}) in {place}{urgent}: {text}"),
            buttons=take,
            **public_params(ask),
        )
        watchers = matching_watchers(s, ask, rules.notify_max)
        for volunteer_id in watchers:
            tell(
                s,
                volunteer_id,
                N_("🙋 An ask near you, #{ask} ({kind}) in {place}{urgent}: {text}"),
                buttons=take,
                **public_params(ask),
            )
        # Imported here: offers builds on this module (its parsing and numbering).
        from circles.services.offers import suggest_offers

        suggest_offers(s, ask)
        s.commit()
    return Posted(ask, len(chats), len(watchers))


def public_params(ask: Ask) -> dict[str, Any]:
    """What anyone may read of an ask: never who asked or the private part. Localized values
    are picked in each chat's language when sent."""
    return {
        "ask": ask.id,
        "kind": kind_label(ask.kind),
        "place": ask.neighborhood,
        "urgent": {"en": " (urgent)", "zh": "（紧急）"} if ask.urgent else "",
        "text": ask.text,
    }


def cancel_draft(uow: UnitOfWork, actor: Actor, ask_id: str) -> None:
    with uow.begin() as s:
        ask = _own_draft(s, actor, ask_id)
        s.tx.delete(ASKS, ask.id)
        s.commit()


# Who hears of a new ask privately.


def set_notify(uow: UnitOfWork, actor: Actor, on: bool) -> bool:
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        if on:
            s.tx.put(WATCHERS, volunteer.id, {"id": volunteer.id, "volunteer": volunteer.id})
        elif s.tx.get(WATCHERS, volunteer.id) is not None:
            s.tx.delete(WATCHERS, volunteer.id)
        s.commit()
    return on


def is_watching(s: Session, volunteer_id: str) -> bool:
    return s.tx.get(WATCHERS, volunteer_id) is not None


def matching_watchers(s: Session, ask: Ask, limit: int) -> list[str]:
    """Opted-in volunteers to tell: same neighborhood first, then skills fitting the kind."""
    place = place_key(ask.neighborhood)
    kind_words = set(KIND_NAMES.get(ask.kind, ())) | {ask.kind}
    ranked: list[tuple[int, str]] = []
    for doc in s.tx.all(WATCHERS):
        volunteer = s.volunteers.get(str(doc["volunteer"]))
        if volunteer is None or volunteer.id == ask.asker:
            continue
        near = place_key(volunteer.neighborhood) == place
        skilled = bool(kind_words & set(volunteer.skills))
        if near or skilled:
            ranked.append((0 if near and skilled else 1 if near else 2, volunteer.id))
    return [volunteer_id for _, volunteer_id in sorted(ranked)[:limit]]


# Taking and giving back.


def _volunteer_person(s: Session, actor: Actor) -> Person:
    volunteer = s.require_volunteer(actor.identity)
    return person_by_id(s, volunteer.id) or Person(volunteer.id, volunteer.name, ())


def take_ask(uow: UnitOfWork, actor: Actor, ask_id: str) -> Ask:
    with uow.begin() as s:
        helper = _volunteer_person(s, actor)
        ask = get_ask(s, ask_id)
        if ask.asker in ids_of(s, actor.identity):
            raise Conflict(N_("That is your own ask."))
        if helper.id in ask.helpers:
            raise Conflict(N_("You are already helping with ask #{ask}."), ask=ask.id)
        if ask.hidden:
            raise Conflict(N_("Ask #{ask} is hidden until a lead reviews it."), ask=ask.id)
        if ask.status not in (OPEN, TAKEN) or len(ask.helpers) >= ask.max_helpers:
            raise Conflict(N_("Ask #{ask} is not open any more."), ask=ask.id)
        ask.helpers.append(helper.id)
        ask.status, ask.taken_at, ask.nudged = TAKEN, s.now, False
        save(s, ask)
        tell(
            s,
            ask.asker,
            N_(
                "🤝 A volunteer took your ask #{ask}. Talk through me: say {ask} <message>. "
                "Your account stays private."
            ),
            ask=ask.id,
        )
        s.commit()
    return ask


def drop_ask(uow: UnitOfWork, actor: Actor, ask_id: str) -> Ask:
    with uow.begin() as s:
        helper = _volunteer_person(s, actor)
        ask = get_ask(s, ask_id)
        if helper.id not in ask.helpers or ask.status != TAKEN:
            raise Conflict(N_("You are not helping with ask #{ask}."), ask=ask.id)
        ask.helpers.remove(helper.id)
        ask.done_claim = ""
        if not ask.helpers:
            ask.status, ask.taken_at = OPEN, None
        save(s, ask)
        tell(
            s,
            ask.asker,
            N_("↩️ Your helper gave ask #{ask} back; it is open again for others."),
            ask=ask.id,
        )
        s.commit()
    return ask


MAX_HELPERS = 10


def set_max_helpers(uow: UnitOfWork, actor: Actor, ask_id: str, count: str) -> Ask:
    """A steward (lead of connect or practice, admin) lets more (or fewer) volunteers take an ask:
    between 1 and ``MAX_HELPERS``, never fewer than already help."""
    word = count.strip()
    if not word.isdecimal() or not 1 <= int(word) <= MAX_HELPERS:
        raise Invalid(
            N_("The number of helpers is a whole number from 1 to {most}."), most=MAX_HELPERS
        )
    wanted = int(word)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        if not is_steward(s, volunteer):
            raise PermissionDenied(
                N_("Only leads of connect or practice (or an admin) may do that.")
            )
        ask = get_ask(s, ask_id)
        if ask.status not in (OPEN, TAKEN):
            raise Conflict(N_("Ask #{ask} is not open any more."), ask=ask.id)
        if wanted < len(ask.helpers):
            raise Conflict(
                N_("Ask #{ask} already has {count} helpers; ask one to drop it first."),
                ask=ask.id,
                count=len(ask.helpers),
            )
        ask.max_helpers = wanted
        save(s, ask)
        s.commit()
    return ask


# Finishing.


@dataclass(frozen=True)
class DoneStep:
    """What ``done`` did: ``claimed`` (waiting for the other), ``confirmed``, ``objected``,
    ``kit`` (a kit's help recorded)."""

    ask: Ask
    step: str


def done_ask(
    uow: UnitOfWork, actor: Actor, ask_id: str, answer: str, known_kits: set[str]
) -> DoneStep:
    """The asker or a helper says done; the other confirms (``done <ask>``) or objects (``no``)."""
    words = answer.lower().split()
    with uow.begin() as s:
        ask = get_ask(s, ask_id)
        mine = ids_of(s, actor.identity)
        me = next((p for p in mine if ask.party(p)), "")
        if not me:
            raise PermissionDenied(
                N_("Only the asker and the helper of ask #{ask} may do that."), ask=ask.id
            )
        if words and words[0] == "kit":
            return _kit_answer(s, ask, me, words[1:], known_kits)
        if ask.status != TAKEN:
            raise Conflict(
                N_("Ask #{ask} is not being helped with, so it cannot be done."), ask=ask.id
            )
        others = [p for p in [ask.asker, *ask.helpers] if p != me]
        if words and words[0] in NO_WORDS:
            if not ask.done_claim or ask.done_claim == me:
                raise Conflict(N_("Nobody else said ask #{ask} is done."), ask=ask.id)
            ask.done_claim = ""
            save(s, ask)
            for other in others:
                tell(
                    s,
                    other,
                    N_(
                        "✋ Ask #{ask} is not done yet, says the other side. Talk "
                        "it over: say {ask} <message>"
                    ),
                    ask=ask.id,
                )
            s.commit()
            return DoneStep(ask, "objected")
        if ask.done_claim and ask.done_claim != me:
            ask.status, ask.closed_at, ask.closed_by, ask.done_claim = DONE, s.now, "done", ""
            save(s, ask)
            for other in others:
                tell(
                    s, other, N_("✅ Ask #{ask} is done, both sides agree. Thank you!"), ask=ask.id
                )
            if ask.kit:
                for helper in ask.helpers:
                    tell(
                        s,
                        helper,
                        N_("Did the kit {kit} help with ask #{ask}?"),
                        ask=ask.id,
                        kit=ask.kit,
                        buttons=[
                            (N_("Yes, it helped"), f"done {ask.id} kit {ask.kit}"),
                            (N_("No"), f"done {ask.id} kit no"),
                        ],
                    )
            s.commit()
            return DoneStep(ask, "confirmed")
        if ask.done_claim == me:
            raise Conflict(N_("You said so already; waiting for the other side to confirm."))
        ask.done_claim = me
        save(s, ask)
        for other in others:
            tell(
                s,
                other,
                N_("Ask #{ask} is done, says the other side. Confirm, or say it is not:"),
                ask=ask.id,
                buttons=[(N_("Yes, done"), f"done {ask.id}"), (N_("Not yet"), f"done {ask.id} no")],
            )
        s.commit()
        return DoneStep(ask, "claimed")


def _kit_answer(s: Session, ask: Ask, me: str, words: list[str], known_kits: set[str]) -> DoneStep:

    if ask.status != DONE:
        raise Conflict(N_("Ask #{ask} is not done yet."), ask=ask.id)
    if ask.kit_used:
        raise Conflict(N_("Already noted for ask #{ask}, thank you."), ask=ask.id)
    kit = words[0] if words else ""
    if kit in NO_WORDS:
        ask.kit_used = "-"
        save(s, ask)
        s.commit()
        return DoneStep(ask, "kit")
    if kit not in known_kits:
        raise NotFound(N_("There is no kit '{kit}': send kits for the list."), kit=kit[:40])
    helper = ask.helpers[0] if ask.helpers else me
    if s.volunteers.get(helper) is None:
        helper = me if s.volunteers.get(me) else ""
    ask.kit_used = kit
    save(s, ask)
    if helper:
        checkin = Checkin(
            id=s.new_id(CHECKINS, "c"),
            volunteer=helper,
            text=f"#{kit} ask #{ask.id} ({ask.kind})",
            kit=kit,
            neighborhood=ask.neighborhood,
            at=s.now,
            kits=[kit],
        )
        s.tx.put(CHECKINS, checkin.id, checkin.to_doc())
    s.commit()
    return DoneStep(ask, "kit")


def close_ask(uow: UnitOfWork, actor: Actor, ask_id: str, reason: str = "") -> Ask:
    """The asker withdraws it; a steward (lead of connect or practice, admin) closes any ask.

    ``block`` as the reason (stewards only) also stops the asker's account from asking again.
    """
    with uow.begin() as s:
        ask = get_ask(s, ask_id)
        mine = ids_of(s, actor.identity)
        volunteer = s.volunteers.by_identity(actor.identity)
        steward = volunteer is not None and is_steward(s, volunteer)
        if ask.asker not in mine and not steward:
            raise PermissionDenied(
                N_(
                    "Only the asker, leads of connect or practice, or an "
                    "admin may close ask #{ask}."
                ),
                ask=ask.id,
            )
        block = reason.strip().lower() in ("block", "屏蔽")
        if block and not steward:
            raise PermissionDenied(
                N_("Only leads of connect or practice (or an admin) may do that.")
            )
        if ask.status in (DONE, CLOSED) and not block:
            raise Conflict(N_("Ask #{ask} is closed already."), ask=ask.id)
        if ask.status not in (DONE, CLOSED):
            ask.status, ask.closed_at = CLOSED, s.now
            ask.closed_by = "asker" if ask.asker in mine else "lead"
            ask.done_claim = ""
        save(s, ask)
        if block:
            asker = person_by_id(s, ask.asker)
            for identity in asker.identities if asker else ():
                key = identity_digest(identity)
                s.tx.put(BLOCKS, key, {"id": key, "at": s.now.isoformat()})
        for helper in ask.helpers:
            tell(s, helper, N_("Ask #{ask} was closed. Thank you for your help."), ask=ask.id)
        if ask.asker not in mine:
            tell(s, ask.asker, N_("Your ask #{ask} was closed by a lead."), ask=ask.id)
        s.commit()
    return ask


def flag_ask(uow: UnitOfWork, actor: Actor, ask_id: str, clear: bool = False) -> Ask:
    """Any volunteer hides an ask until a lead reviews it; a steward clears the flag."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        ask = get_ask(s, ask_id)
        if clear:
            if not is_steward(s, volunteer):
                raise PermissionDenied(
                    N_("Only leads of connect or practice (or an admin) may do that.")
                )
            if not ask.hidden:
                raise Conflict(N_("Ask #{ask} is not flagged."), ask=ask.id)
            ask.hidden, ask.flagged_by = False, []
            save(s, ask)
            s.commit()
            return ask
        if ask.status in (DONE, CLOSED):
            raise Conflict(N_("Ask #{ask} is closed already."), ask=ask.id)
        if volunteer.id in ask.flagged_by:
            raise Conflict(
                N_("You flagged ask #{ask} already; a lead will look at it."), ask=ask.id
            )
        ask.flagged_by.append(volunteer.id)
        first = not ask.hidden
        ask.hidden = True
        save(s, ask)
        connect = s.circles.get("connect")
        if first and connect is not None:
            announce(
                s,
                connect.chats,
                N_(
                    "🚩 Ask #{ask} was flagged and is hidden until a lead reviews "
                    "it: close {ask}, or flag {ask} clear."
                ),
                ask=ask.id,
            )
        s.commit()
    return ask
