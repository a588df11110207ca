"""Consent decisions: open, take positions, amend, withdraw, and close at their time.

A member of a circle opens a decision; its members take positions (agree, abstain, disagree,
block; disagree and block give a reason). At its closing time the scheduler's governance job
(``run_decisions``) closes it: it passes when nobody blocks and a quorum of the circle's
members took a position (``Governance.quorum_for``). A passed lead, role or split decision
takes effect in the same transaction; the outcome is announced in the circle's chats and
written to the governance log. Members without a position get one private reminder
``remind_before`` the close. Role proposals made with ``newrole`` are decisions of kind role
under the no-objection rule (see ``emergent_roles``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from circles.actor import Actor
from circles.decision import (
    ANSWERS,
    BLOCK,
    CONSENT,
    FAILED,
    LEAD,
    NEEDS_REASON,
    NO_OBJECTION,
    OPEN,
    PASSED,
    PLAIN,
    ROLE,
    SPLIT,
    WITHDRAWN,
    Decision,
    Position,
)
from circles.errors import N_, Conflict, Invalid, NotFound, PermissionDenied
from circles.masking import mask, traces_of
from circles.model import ACTIVE, PROPOSED, Circle, Role, Volunteer
from circles.services import governance_log as glog
from circles.services.announcements import announce
from circles.services.direct import tell
from circles.services.lookup import find_circle
from circles.services.roles import find_volunteer
from circles.services.split import check_split, split_in
from circles.text import clean
from circles.text import slug as check_slug
from circles.unit_of_work import Session, UnitOfWork

DECISIONS = "decisions"
MAX_TITLE = 120
MAX_DESCRIPTION = 1000
MAX_REASON = 300
LONGEST = timedelta(days=60)


@dataclass(frozen=True)
class Draft:
    """What ``decide`` asks for, parsed from its line by the command."""

    circle: str
    title: str
    description: str = ""
    closes_in: timedelta | None = None
    lead: str = ""
    role: str = ""
    split_child: str = ""
    split_roles: tuple[str, ...] = ()


def members_of(circle: Circle) -> list[str]:
    """Who a decision of the circle counts: its members, leads and role holders."""
    people = [*circle.members, *circle.leads, *(h for r in circle.roles for h in r.holders)]
    return list(dict.fromkeys(people))


def may_lead(s: Session, volunteer: Volunteer, circle: Circle) -> bool:
    try:
        s.require_lead(volunteer, circle)
    except PermissionDenied:
        return False
    return True


def require_member(s: Session, volunteer: Volunteer, circle: Circle) -> None:
    if volunteer.id in members_of(circle) or may_lead(s, volunteer, circle):
        return
    raise PermissionDenied(
        N_("Only members of {circle} may do that: claim one of its roles first."),
        circle=circle.slug,
    )


def get(s: Session, decision_id: str) -> Decision:
    doc = s.tx.get(DECISIONS, decision_id.strip().lstrip("#"))
    if doc is None:
        raise NotFound(N_("There is no decision #{id}."), id=decision_id.strip()[:12])
    return Decision.from_doc(doc)


def save(s: Session, decision: Decision) -> None:
    s.tx.put(DECISIONS, decision.id, decision.to_doc())


def _next_id(s: Session) -> str:
    number = s.tx.count(DECISIONS) + 1
    while s.tx.get(DECISIONS, str(number)) is not None:
        number += 1
    return str(number)


def position_buttons(decision_id: str) -> list[tuple[str, str]]:
    return [
        (N_("Agree"), f"position {decision_id} agree"),
        (N_("Abstain"), f"position {decision_id} abstain"),
        (N_("Disagree"), f"position {decision_id} disagree"),
        (N_("Block"), f"position {decision_id} block"),
    ]


def open_in(
    s: Session,
    circle: Circle,
    proposer: str,
    title: str,
    *,
    kind: str = PLAIN,
    description: str = "",
    closes_in: timedelta,
    rule: str = CONSENT,
    lead: str = "",
    role: str = "",
    split: dict[str, Any] | None = None,
    announced: bool = True,
) -> Decision:
    decision = Decision(
        id=_next_id(s),
        circle=circle.slug,
        title=title,
        description=description,
        kind=kind,
        proposer=proposer,
        opened_at=s.now,
        closes_at=s.now + closes_in,
        rule=rule,
        lead=lead,
        role=role,
        split=dict(split or {}),
    )
    save(s, decision)
    if announced:
        announce(
            s,
            circle.chats,
            N_(
                "🗳 {name} asks {circle} to decide #{id}: {title}. Take a position before it "
                "closes (position {id} agree|abstain|disagree|block [reason])."
            ),
            buttons=position_buttons(decision.id),
            name=s.volunteers.name_of(proposer),
            circle=circle.slug,
            id=decision.id,
            title=title,
        )
    return decision


def open_decision(uow: UnitOfWork, actor: Actor, draft: Draft) -> Decision:
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        circle = find_circle(s, draft.circle)
        require_member(s, volunteer, circle)
        title = clean(draft.title, field="title", max_length=MAX_TITLE)
        description = clean(
            draft.description, field="text", max_length=MAX_DESCRIPTION, allow_empty=True
        )
        closes_in = draft.closes_in or s.network.governance.close_after
        kind, lead, role = PLAIN, "", ""
        split: dict[str, Any] | None = None
        if sum(bool(x) for x in (draft.lead, draft.role, draft.split_child)) > 1:
            raise Invalid(N_("A decision is about one thing: use --lead, --role or --split."))
        if draft.lead:
            kind = LEAD
            chosen = find_volunteer(s, draft.lead)
            if chosen.id in circle.leads:
                raise Conflict(
                    N_("{name} already leads {circle}."), name=chosen.name, circle=circle.slug
                )
            lead = chosen.id
        elif draft.role:
            kind = ROLE
            role = check_slug(draft.role, field="role")
            if circle.has_role(role):
                raise Conflict(
                    N_("Circle {circle} already has a role '{role}'."),
                    circle=circle.slug,
                    role=role,
                )
            circle.roles.append(
                Role(
                    slug=role,
                    name={s.network.language: title},
                    purpose={s.network.language: description} if description else {},
                    status=PROPOSED,
                    proposed_by=volunteer.id,
                    proposed_at=s.now,
                )
            )
            s.circles.save(circle)
        elif draft.split_child:
            kind = SPLIT
            child = check_split(s, circle, draft.split_child, list(draft.split_roles))
            split = {"child": child, "roles": list(draft.split_roles)}
        decision = open_in(
            s,
            circle,
            volunteer.id,
            title,
            kind=kind,
            description=description,
            closes_in=closes_in,
            lead=lead,
            role=role,
            split=split,
        )
        s.commit()
        return decision


def _reason(answer: str, reason: str) -> str:
    text = clean(reason, field="text", max_length=MAX_REASON, allow_empty=True)
    if answer in NEEDS_REASON and not text:
        raise Invalid(N_("Say why you {answer}: position <id> {answer} <reason>."), answer=answer)
    return text


def take_position(
    uow: UnitOfWork, actor: Actor, decision_id: str, answer: str, reason: str = ""
) -> Decision:
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        decision = get(s, decision_id)
        answer = answer.strip().lower()
        if answer not in ANSWERS:
            raise Invalid(
                N_("'{answer}' is not a position: agree, abstain, disagree or block."),
                answer=answer[:20],
            )
        if not decision.is_open:
            raise Conflict(N_("Decision #{id} is closed."), id=decision.id)
        circle = s.circles.require(decision.circle)
        require_member(s, volunteer, circle)
        text = _reason(answer, reason)
        decision.positions[volunteer.id] = Position(answer, text, s.now)
        save(s, decision)
        if decision.kind == ROLE and decision.rule == NO_OBJECTION:
            _follow_objection(s, circle, decision, volunteer.id, answer)
        s.commit()
        return decision


def _follow_objection(
    s: Session, circle: Circle, decision: Decision, volunteer_id: str, answer: str
) -> None:
    """A block on a role proposal is an objection (and changing it withdraws the objection)."""
    if not circle.has_role(decision.role):
        return
    role = circle.role(decision.role)
    if answer == BLOCK and volunteer_id not in role.objections:
        role.objections.append(volunteer_id)
    elif answer != BLOCK and volunteer_id in role.objections:
        role.objections.remove(volunteer_id)
    s.circles.save(circle)


def _require_proposer(s: Session, actor: Actor, decision: Decision) -> Volunteer:
    volunteer = s.require_volunteer(actor.identity)
    if volunteer.id != decision.proposer:
        circle = s.circles.require(decision.circle)
        if not may_lead(s, volunteer, circle) or decision.kind == ROLE:
            raise PermissionDenied(
                N_("Only who proposed decision #{id} may do that."), id=decision.id
            )
    if not decision.is_open:
        raise Conflict(N_("Decision #{id} is closed."), id=decision.id)
    return volunteer


def amend(
    uow: UnitOfWork, actor: Actor, decision_id: str, title: str, description: str = ""
) -> Decision:
    """New wording: every position is reset, and members who had taken one are told."""
    with uow.begin() as s:
        decision = get(s, decision_id)
        _require_proposer(s, actor, decision)
        decision.title = clean(title, field="title", max_length=MAX_TITLE)
        if description:
            decision.description = clean(description, field="text", max_length=MAX_DESCRIPTION)
        had = list(decision.positions)
        decision.positions = {}
        decision.amended += 1
        decision.reminded = False
        save(s, decision)
        if decision.kind == ROLE:
            circle = s.circles.require(decision.circle)
            if circle.has_role(decision.role):
                circle.role(decision.role).objections = []
                s.circles.save(circle)
        circle = s.circles.require(decision.circle)
        message = N_(
            "✏️ Decision #{id} of {circle} was amended: {title}. Positions were reset; "
            "please take yours again."
        )
        announce(
            s,
            circle.chats,
            message,
            buttons=position_buttons(decision.id),
            id=decision.id,
            circle=circle.slug,
            title=decision.title,
        )
        for who in had:
            tell(
                s,
                who,
                message,
                buttons=position_buttons(decision.id),
                id=decision.id,
                circle=circle.slug,
                title=decision.title,
            )
        s.commit()
        return decision


def withdraw(uow: UnitOfWork, actor: Actor, decision_id: str) -> Decision:
    with uow.begin() as s:
        decision = get(s, decision_id)
        volunteer = _require_proposer(s, actor, decision)
        decision.status = WITHDRAWN
        decision.closed_at = s.now
        decision.outcome = {"passed": False, "why": "withdrawn", "counts": decision.counts()}
        save(s, decision)
        circle = s.circles.require(decision.circle)
        proposed = decision.kind == ROLE and circle.has_role(decision.role)
        if proposed and circle.role(decision.role).status == PROPOSED:
            circle.roles.remove(circle.role(decision.role))
            s.circles.save(circle)
        glog.record(
            s,
            glog.DECISION,
            circle.slug,
            volunteer.id,
            role=decision.role,
            decision=decision.id,
            title=decision.title,
            outcome=WITHDRAWN,
        )
        announce(
            s,
            circle.chats,
            N_("↩️ Decision #{id} of {circle} ({title}) was withdrawn."),
            id=decision.id,
            circle=circle.slug,
            title=decision.title,
        )
        s.commit()
        return decision


def settle_linked(s: Session, circle: str, role: str, status: str, actor: str, why: str) -> None:
    """Close the open role decision of a proposal a lead accepted or that was rejected."""
    for doc in list(s.tx.all(DECISIONS)):
        if doc["circle"] == circle and doc.get("role") == role and doc["status"] == OPEN:
            decision = Decision.from_doc(doc)
            decision.status, decision.closed_at = status, s.now
            decision.outcome = {"passed": status == PASSED, "why": why, "counts": decision.counts()}
            save(s, decision)
            glog.record(
                s,
                glog.DECISION,
                circle,
                actor,
                role=role,
                decision=decision.id,
                title=decision.title,
                outcome=status,
                why=why,
            )


def linked_decision(s: Session, circle: str, role: str) -> Decision | None:
    for doc in s.tx.all(DECISIONS):
        if doc["circle"] == circle and doc.get("role") == role and doc["status"] == OPEN:
            return Decision.from_doc(doc)
    return None


def has_decision(s: Session, circle: str, role: str) -> bool:
    return any(d["circle"] == circle and d.get("role") == role for d in s.tx.all(DECISIONS))


# Closing and reminding: run by the scheduler's governance job.


@dataclass(frozen=True)
class Closed:
    decision: Decision
    passed: bool


def _take_effect(s: Session, decision: Decision, circle: Circle) -> str:
    """Apply a passed decision; returns "" or why it could not take effect."""
    if decision.kind == LEAD:
        if s.volunteers.get(decision.lead) is None:
            return "volunteer-gone"
        if decision.lead not in circle.leads:
            circle.leads.append(decision.lead)
            circle.add_member(decision.lead)
            s.circles.save(circle)
            glog.record(s, glog.LEAD, circle.slug, "", subject=decision.lead, decision=decision.id)
            tell(
                s,
                decision.lead,
                N_(
                    "👋 {circle} decided (#{id}) to make you one of its leads. Not for you? "
                    "Decline with unlead {circle} me."
                ),
                buttons=[(N_("Decline"), f"unlead {circle.slug} me")],
                circle=circle.slug,
                id=decision.id,
            )
    elif decision.kind == ROLE and circle.has_role(decision.role):
        role = circle.role(decision.role)
        if role.status == PROPOSED:
            role.status = ACTIVE
            s.circles.save(circle)
    elif decision.kind == SPLIT:
        try:
            split_in(s, circle, str(decision.split["child"]), list(decision.split["roles"]))
        except (Conflict, Invalid, NotFound):
            return "split-impossible"
    return ""


def _close(s: Session, decision: Decision) -> Closed:
    circle = s.circles.require(decision.circle)
    people = members_of(circle)
    quorum = s.network.governance.quorum_for(len(people))
    passed, why = decision.evaluate(quorum)
    effect = _take_effect(s, decision, circle) if passed else ""
    if effect:
        passed, why = False, effect
    if not passed and decision.kind == ROLE and circle.has_role(decision.role):
        role = circle.role(decision.role)
        if role.status == PROPOSED and decision.rule == CONSENT:
            circle.roles.remove(role)
            s.circles.save(circle)
    counts = decision.counts()
    blocks = decision.block_reasons()
    decision.status = PASSED if passed else FAILED
    decision.closed_at = s.now
    decision.outcome = {
        "passed": passed,
        "why": why,
        "counts": counts,
        "quorum": quorum if decision.rule == CONSENT else 0,
        "members": len(people),
        "blocks": blocks,
    }
    save(s, decision)
    glog.record(
        s,
        glog.DECISION,
        circle.slug,
        "",
        role=decision.role,
        decision=decision.id,
        title=decision.title,
        outcome=decision.status,
        why=why,
        counts=counts,
        blocks=blocks,
    )
    _announce_outcome(s, circle, decision, passed, why, counts, quorum, blocks)
    return Closed(decision, passed)


def _announce_outcome(
    s: Session,
    circle: Circle,
    decision: Decision,
    passed: bool,
    why: str,
    counts: dict[str, int],
    quorum: int,
    blocks: list[str],
) -> None:
    if decision.rule == NO_OBJECTION:
        if passed:
            ref = f"{circle.slug}/{decision.role}"
            announce(
                s,
                circle.chats,
                N_(
                    "✅ The role {role} ({title}) stands: 48 hours passed with no objection. "
                    "It can be claimed now."
                ),
                buttons=[(N_("Claim"), f"claim {ref}")],
                role=ref,
                title=circle.role(decision.role).name,
            )
        return  # an objection was announced when it was made; the proposal waits for a lead
    params: dict[str, Any] = dict(
        id=decision.id,
        circle=circle.slug,
        title=decision.title,
        agree=counts["agree"],
        abstain=counts["abstain"],
        disagree=counts["disagree"],
        block=counts["block"],
    )
    if passed:
        announce(
            s,
            circle.chats,
            N_(
                "✅ Decision #{id} of {circle} passed: {title}. Agree {agree}, abstain "
                "{abstain}, disagree {disagree}, block {block}."
            ),
            **params,
        )
    elif why == "blocked":
        announce(
            s,
            circle.chats,
            N_(
                "⛔ Decision #{id} of {circle} did not pass: {title}. It was blocked: "
                "{reasons}. Agree {agree}, abstain {abstain}, disagree {disagree}, block {block}."
            ),
            reasons="; ".join(blocks),
            **params,
        )
    else:
        announce(
            s,
            circle.chats,
            N_(
                "⌛ Decision #{id} of {circle} did not pass: {title}. Too few positions "
                "({count} of {quorum} needed)."
            ),
            count=sum(counts.values()),
            quorum=quorum,
            **params,
        )


def close_due(uow: UnitOfWork) -> list[Closed]:
    """Close every open decision whose time has come, in one transaction."""
    with uow.begin() as s:
        due = [
            Decision.from_doc(doc)
            for doc in s.tx.all(DECISIONS)
            if doc["status"] == OPEN and doc["closes_at"] <= s.now.isoformat()
        ]
        closed = [_close(s, d) for d in sorted(due, key=lambda d: (d.closes_at, int(d.id)))]
        if closed:
            s.commit()
        return closed


def send_reminders(uow: UnitOfWork) -> dict[str, list[str]]:
    """One private reminder to each member without a position, ``remind_before`` the close
    (halfway through a decision shorter than twice that); returns decision id -> the volunteer
    ids reminded."""
    with uow.begin() as s:
        before = s.network.governance.remind_before
        reminded: dict[str, list[str]] = {}
        for doc in list(s.tx.all(DECISIONS)):
            decision = Decision.from_doc(doc)
            if not decision.is_open or decision.reminded or decision.rule != CONSENT:
                continue
            # A decision shorter than twice the lead time is reminded halfway, not at once.
            lead_time = min(before, (decision.closes_at - decision.opened_at) / 2)
            if s.now < decision.closes_at - lead_time:
                continue
            circle = s.circles.require(decision.circle)
            silent = [v for v in members_of(circle) if v not in decision.positions]
            for who in silent:
                tell(
                    s,
                    who,
                    N_(
                        "🗳 Reminder: decision #{id} of {circle} ({title}) closes soon and you "
                        "have not taken a position."
                    ),
                    buttons=position_buttons(decision.id),
                    id=decision.id,
                    circle=circle.slug,
                    title=decision.title,
                )
            decision.reminded = True
            save(s, decision)
            reminded[decision.id] = silent
        if reminded:
            s.commit()
        return reminded


def run_decisions(uow: UnitOfWork) -> tuple[int, int]:
    """The scheduled part: reminders first (a decision closing now needs none), then closing."""
    closed = close_due(uow)
    reminded = send_reminders(uow)
    return len(closed), sum(len(v) for v in reminded.values())


@dataclass(frozen=True)
class DecisionList:
    decisions: list[Decision]
    names: dict[str, str]
    public_names: bool


def list_decisions(uow: UnitOfWork, circle: str = "", recent: int = 10) -> DecisionList:
    """Open decisions (closing soonest first), then the ``recent`` last closed ones."""
    with uow.begin() as s:
        if circle:
            circle = find_circle(s, circle).slug
        found = [Decision.from_doc(d) for d in s.tx.all(DECISIONS)]
        if circle:
            found = [d for d in found if d.circle == circle]
        open_ = sorted((d for d in found if d.is_open), key=lambda d: d.closes_at)
        closed = sorted(
            (d for d in found if not d.is_open),
            key=lambda d: (d.closed_at or d.opened_at, int(d.id)),
            reverse=True,
        )[:recent]
        shown = open_ + closed
        ids = {i for d in shown for i in (d.proposer, d.lead, *d.positions) if i}
        names = s.volunteers.names_of(ids)
        public = s.network.governance.positions == "names"
        return DecisionList(shown, names, public)


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    """Positions become anonymous counts (reasons dropped); a proposal no longer names them."""
    terms = traces_of(s, volunteer_id)
    for doc in list(s.tx.all(DECISIONS)):
        decision = Decision.from_doc(doc)
        changed = False
        if volunteer_id in decision.positions:
            answer = decision.positions.pop(volunteer_id).answer
            decision.anonymous[answer] = decision.anonymous.get(answer, 0) + 1
            changed = True
        if decision.proposer == volunteer_id:
            decision.proposer = ""
            decision.title = mask(decision.title, terms)
            decision.description = mask(decision.description, terms)
            changed = True
        if decision.lead == volunteer_id:
            decision.lead, changed = "", True
        if changed:
            save(s, decision)


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    for doc in list(s.tx.all(DECISIONS)):
        decision = Decision.from_doc(doc)
        touched = from_id in (decision.proposer, decision.lead) or from_id in decision.positions
        if not touched:
            continue
        if decision.proposer == from_id:
            decision.proposer = into_id
        if decision.lead == from_id:
            decision.lead = into_id
        position = decision.positions.pop(from_id, None)
        if position is not None and into_id not in decision.positions:
            decision.positions[into_id] = position
        save(s, decision)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for doc in sorted(s.tx.all(DECISIONS), key=lambda d: int(d["id"])):
        decision = Decision.from_doc(doc)
        mine = decision.positions.get(volunteer_id)
        if not (mine or volunteer_id in (decision.proposer, decision.lead)):
            continue
        found.append(
            {
                "decision": decision.id,
                "circle": decision.circle,
                "title": decision.title,
                "proposed": decision.proposer == volunteer_id,
                "position": mine.answer if mine else None,
                "reason": mine.reason if mine else None,
            }
        )
    return found
