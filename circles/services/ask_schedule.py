"""What the scheduler does for asks: nudge, escalate once, delete relayed messages past retention.

Each step's flag (``nudged``, ``escalated``, ``purged``) is written in the same transaction as
the messages it queues, so a tick run twice, or by a restarted process, never repeats one.
"""

from __future__ import annotations

from dataclasses import dataclass

from circles.ask import DRAFT, OPEN, TAKEN, Ask, AskRules
from circles.errors import N_
from circles.services import ask_relay
from circles.services.announcements import announce
from circles.services.ask_outbox import tell
from circles.services.asks import ASKS, DRAFT_LIFETIME, public_params, save
from circles.services.neighborhood_chats import chats_of
from circles.unit_of_work import Session, UnitOfWork

# The circle whose chats hear of an ask nobody took (with the ask's neighborhood chats).
ESCALATION_CIRCLE = "connect"


@dataclass(frozen=True)
class AskTick:
    nudged: int
    escalated: int
    purged: int
    drafts: int


def run_ask_tick(uow: UnitOfWork, rules: AskRules) -> AskTick:
    """One pass over the live asks, in one transaction."""
    with uow.begin() as s:
        nudged = sum(_nudge(s, ask, rules) for ask in _with_status(s, TAKEN))
        escalated = sum(_escalate(s, ask, rules) for ask in _with_status(s, OPEN))
        purged = ask_relay.purge_expired(s, s.now - rules.retention)
        drafts = 0
        for ask in _with_status(s, DRAFT):
            if s.now - ask.created_at > DRAFT_LIFETIME:
                s.tx.delete(ASKS, ask.id)
                drafts += 1
        if nudged or escalated or purged or drafts:
            s.commit()
    return AskTick(nudged, escalated, purged, drafts)


def _with_status(s: Session, status: str) -> list[Ask]:
    return [Ask.from_doc(doc) for doc in s.tx.find(ASKS, "status", status)]


def _nudge(s: Session, ask: Ask, rules: AskRules) -> bool:
    if ask.nudged or ask.taken_at is None or s.now < ask.taken_at + rules.nudge_after:
        return False
    ask.nudged = True
    save(s, ask)
    for person in [ask.asker, *ask.helpers]:
        tell(
            s,
            person,
            N_(
                "⏰ Ask #{ask} was taken a while ago. Is it done? Send done "
                "{ask}, or say {ask} <message>."
            ),
            ask=ask.id,
            buttons=[(N_("Yes, done"), f"done {ask.id}")],
        )
    return True


def _escalate(s: Session, ask: Ask, rules: AskRules) -> bool:
    if ask.escalated or ask.hidden or s.now < rules.escalate_at(ask):
        return False
    ask.escalated = True
    save(s, ask)
    circle = s.circles.get(ESCALATION_CIRCLE)
    chats = [*(circle.chats if circle else []), *chats_of(s, ask.neighborhood)]
    announce(
        s,
        chats,
        N_("📣 Nobody has taken ask #{ask} ({kind}) in {place}{urgent} yet: {text}"),
        buttons=[(N_("Take it"), f"take {ask.id}")],
        **public_params(ask),
    )
    return True
