"""Role terms: a lead gives a role a term; near its end the holder stays or hands over.

``term_notice`` before a holder's term ends they are asked privately (stay / hand over). Stay
begins the next term; hand over releases the role at once. No answer within ``term_grace`` of
the question: the role is released, announced as open in the circle's chats, and the holder
thanked. Holdings (``circles/holding.py``) keep who held which role since when; a holding in
more terms than ``max_terms`` is pointed out to the leads (``long_holdings_in``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from circles.actor import Actor
from circles.decision import parse_span
from circles.errors import N_, Conflict
from circles.holding import (
    HOLDINGS,
    ROLE_TERMS,
    Holding,
    holdings_of,
    holdings_of_role,
    new_holding_id,
    role_key,
    save,
    term_of,
)
from circles.model import Circle, Role
from circles.services import governance_log as glog
from circles.services.announcements import announce
from circles.services.direct import tell
from circles.services.roles import find_role
from circles.unit_of_work import Session, UnitOfWork

LONGEST = timedelta(days=5 * 366)
STAY, HANDOVER = "stay", "handover"
NONE = ("none", "off")


@dataclass(frozen=True)
class TermChange:
    circle: Circle
    role: Role
    length: timedelta | None


def set_term(uow: UnitOfWork, actor: Actor, ref: str, length_text: str) -> TermChange:
    """A lead gives a role a term (or ``none``); current holders start a term now."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        s.require_lead(volunteer, circle)
        key = role_key(circle.slug, role.slug)
        length = (
            None
            if length_text.strip().lower() in NONE
            else parse_span(length_text, longest=LONGEST)
        )
        if length is None:
            s.tx.delete(ROLE_TERMS, key)
        else:
            s.tx.put(
                ROLE_TERMS,
                key,
                {
                    "id": key,
                    "circle": circle.slug,
                    "role": role.slug,
                    "seconds": int(length.total_seconds()),
                    "set_by": volunteer.id,
                    "set_at": s.now.isoformat(),
                },
            )
        current = [h for h in holdings_of_role(s.tx, circle.slug, role.slug) if h.until is None]
        # Holders from before holdings were recorded have none yet: their record starts now.
        tracked = {h.volunteer for h in current}
        current += [
            Holding(new_holding_id(s.tx), circle.slug, role.slug, holder, since=s.now)
            for holder in role.holders
            if holder not in tracked
        ]
        for holding in current:
            holding.term_ends = s.now + length if length else None
            holding.asked_at = None
            save(s.tx, holding)
        glog.record(
            s,
            glog.TERM_SET,
            circle.slug,
            volunteer.id,
            role=role.slug,
            seconds=int(length.total_seconds()) if length else 0,
        )
        s.commit()
        return TermChange(circle, role, length)


def _current(s: Session, volunteer_id: str, circle: Circle, role: Role) -> Holding:
    for holding in holdings_of(s.tx, volunteer_id):
        if holding.circle == circle.slug and holding.role == role.slug and holding.until is None:
            return holding
    raise Conflict(N_("You do not hold {circle}/{role}."), circle=circle.slug, role=role.slug)


def answer_term(uow: UnitOfWork, actor: Actor, ref: str, answer: str) -> TermChange:
    """The holder's answer: stay for another term, or hand the role over now."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle, role = find_role(s, ref)
        holding = _current(s, volunteer.id, circle, role)
        length = term_of(s.tx, circle.slug, role.slug)
        if answer == STAY:
            if length is None or holding.term_ends is None:
                raise Conflict(
                    N_("{circle}/{role} has no term."), circle=circle.slug, role=role.slug
                )
            holding.term_ends = max(holding.term_ends, s.now) + length
            holding.terms += 1
            holding.asked_at = None
            save(s.tx, holding)
            glog.record(
                s, glog.TERM_STAY, circle.slug, volunteer.id, subject=volunteer.id, role=role.slug
            )
        else:
            holding.ended = "handed-over"
            save(s.tx, holding)
            _release(s, circle, role, volunteer.id, glog.TERM_HANDOVER, actor_id=volunteer.id)
        s.commit()
        return TermChange(circle, role, length)


def _release(
    s: Session, circle: Circle, role: Role, volunteer_id: str, kind: str, *, actor_id: str
) -> None:
    circle.drop_role(role.slug, volunteer_id)
    s.circles.save(circle)
    glog.record(s, kind, circle.slug, actor_id, subject=volunteer_id, role=role.slug)
    ref = f"{circle.slug}/{role.slug}"
    announce(
        s,
        circle.chats,
        N_(
            "🔄 The role {role} ({title}) is open: {name} held it and hands it on. "
            "Thank you, {name}!"
        ),
        buttons=[(N_("Claim"), f"claim {ref}")],
        role=ref,
        title=role.name,
        name=s.volunteers.name_of(volunteer_id),
    )
    tell(
        s,
        volunteer_id,
        N_("🙏 Thank you for holding {role} ({title}). It is open now for someone new."),
        role=ref,
        title=role.name,
    )


def run_terms(uow: UnitOfWork) -> tuple[int, int]:
    """The scheduled part: ask holders whose term ends within ``term_notice``, release those
    who did not answer within ``term_grace``; returns (asked, released)."""
    asked = released = 0
    with uow.begin() as s:
        rules = s.network.governance
        for doc in list(s.tx.all(HOLDINGS)):
            holding = Holding.from_doc(doc)
            if holding.until is not None or holding.term_ends is None:
                continue
            circle = s.circles.get(holding.circle)
            if circle is None or not circle.has_role(holding.role):
                continue
            role = circle.role(holding.role)
            ref = role_key(circle.slug, role.slug)
            if holding.asked_at is None and s.now >= holding.term_ends - rules.term_notice:
                holding.asked_at = s.now
                save(s.tx, holding)
                tell(
                    s,
                    holding.volunteer,
                    N_(
                        "⏳ Your term as {role} ({title}) ends on {ends}. Stay for another "
                        "term, or hand it over? With no answer it is released on {release}."
                    ),
                    buttons=[
                        (N_("Stay"), f"term {ref} stay"),
                        (N_("Hand over"), f"term {ref} handover"),
                    ],
                    role=ref,
                    title=role.name,
                    ends=holding.term_ends.strftime("%Y-%m-%d %H:%M UTC"),
                    release=(s.now + rules.term_grace).strftime("%Y-%m-%d %H:%M UTC"),
                )
                asked += 1
            elif holding.asked_at is not None and s.now >= holding.asked_at + rules.term_grace:
                holding.ended = "term-ended"
                save(s.tx, holding)
                _release(s, circle, role, holding.volunteer, glog.TERM_RELEASED, actor_id="")
                released += 1
        if asked or released:
            s.commit()
    return asked, released


@dataclass(frozen=True)
class RoleHistory:
    circle: Circle
    role: Role
    holdings: list[Holding]
    names: dict[str, str]
    term: timedelta | None


def role_history(uow: UnitOfWork, ref: str) -> RoleHistory:
    with uow.begin() as s:
        circle, role = find_role(s, ref)
        found = holdings_of_role(s.tx, circle.slug, role.slug)
        names = s.volunteers.names_of(h.volunteer for h in found if h.volunteer)
        return RoleHistory(circle, role, found, names, term_of(s.tx, circle.slug, role.slug))


def open_holdings(s: Session, circle: Circle) -> dict[tuple[str, str], Holding]:
    """(role slug, volunteer id) -> the open holding, role by role, oldest first."""
    found: dict[tuple[str, str], Holding] = {}
    for role in circle.roles:
        for holding in holdings_of_role(s.tx, circle.slug, role.slug):
            if holding.until is None:
                found[(role.slug, holding.volunteer)] = holding
    return found


@dataclass(frozen=True)
class LongHolding:
    name: str
    role: str
    terms: int


def long_holdings_in(s: Session, held: dict[tuple[str, str], Holding]) -> list[LongHolding]:
    """Of a circle's open holdings, those in more terms than ``max_terms``."""
    limit = s.network.governance.max_terms
    found = [h for h in held.values() if h.term_ends and h.terms > limit]
    names = s.volunteers.names_of(h.volunteer for h in found)
    return [LongHolding(names[h.volunteer], h.key, h.terms) for h in found]


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    """Their holdings go (the roles were released by the circles hook); a term they set stays,
    without their name."""
    for holding in holdings_of(s.tx, volunteer_id):
        s.tx.delete(HOLDINGS, holding.id)
    for doc in list(s.tx.all(ROLE_TERMS)):
        if doc.get("set_by") == volunteer_id:
            s.tx.put(ROLE_TERMS, doc["id"], {**doc, "set_by": ""})


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    for holding in holdings_of(s.tx, from_id):
        holding.volunteer = into_id
        save(s.tx, holding)
    for doc in list(s.tx.all(ROLE_TERMS)):
        if doc.get("set_by") == from_id:
            s.tx.put(ROLE_TERMS, doc["id"], {**doc, "set_by": into_id})


def data_of(s: Session, volunteer_id: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = [
        {k: v for k, v in h.to_doc().items() if k not in ("id", "volunteer", "role_key")}
        for h in sorted(holdings_of(s.tx, volunteer_id), key=lambda h: (h.since, h.id))
    ]
    found.extend(
        {"term_set_for": doc["id"], "at": doc["set_at"]}
        for doc in s.tx.all(ROLE_TERMS)
        if doc.get("set_by") == volunteer_id
    )
    return found
