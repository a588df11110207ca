"""Topics: propose, back, and the moment enough backers turn a topic into an action group.

At ``threshold`` backers (the proposer counts) the topic forms an action group in the same
transaction as the backing that reached it: a new circle under the parent the proposer named
(``practice`` by default), the proposer as lead, the backers as members, and a starter
``coordinator`` role held by the proposer. New topics and new action groups are announced in
the network's chats (see ``announcements.network_chats``) and in the parent circle's chats.
Topic ids are short numbers (``back 7`` is easy to type on a phone).
"""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Conflict, Invalid, NotFound, plural
from circles.masking import mask, mask_localized, traces_of
from circles.model import NETWORK, Circle, Role, Volunteer
from circles.services import quotas
from circles.services.announcements import announce, network_chats
from circles.services.lookup import find_circle
from circles.text import clean
from circles.topic import CLOSED, FORMED, Topic, group_slug
from circles.unit_of_work import Session, UnitOfWork

TOPICS = "topics"
DEFAULT_PARENT = "practice"
MAX_TITLE = 120
COORDINATOR = "coordinator"


@dataclass(frozen=True)
class TopicChange:
    """A topic after a proposal or a backing, and its action group if this formed one."""

    topic: Topic
    volunteer: Volunteer
    formed: Circle | None = None


def _all(s: Session) -> list[Topic]:
    return [Topic.from_doc(doc) for doc in s.tx.all(TOPICS)]


def _save(s: Session, topic: Topic) -> None:
    s.tx.put(TOPICS, topic.id, topic.to_doc())


def _next_id(s: Session) -> str:
    numbers = [int(t.id) for t in _all(s) if t.id.isdigit()]
    return str(max(numbers, default=0) + 1)


def require_topic(s: Session, ref: str) -> Topic:
    key = ref.strip().lstrip("#")
    if not key:
        # A bare "#": "there is no topic ''" would not say what was missing.
        raise Invalid(N_("Name the topic by its id, e.g. 7. Send topics for the list."))
    doc = s.tx.get(TOPICS, key)
    if doc is None:
        raise NotFound(N_("There is no topic '{topic}'. Send topics for the list."), topic=key[:20])
    return Topic.from_doc(doc)


def propose_topic(
    uow: UnitOfWork, actor: Actor, title: str, threshold: int, parent: str = ""
) -> TopicChange:
    """A volunteer proposes a topic (and backs it); announced in the network's chats."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        title = clean(title, field="title", max_length=MAX_TITLE)
        parent_slug = find_circle(s, parent).slug if parent else DEFAULT_PARENT
        s.circles.require(parent_slug)
        everything = _all(s)
        quotas.check_open_topics(
            s, volunteer, sum(1 for t in everything if t.is_open and t.proposer == volunteer.id)
        )
        quotas.check_announcement_rate(s, volunteer)
        for other in everything:
            if other.is_open and other.title.casefold() == title.casefold():
                raise Conflict(
                    N_("Topic {topic} already says that: back it with back {topic}."),
                    topic=other.id,
                )
        topic = Topic(
            id=_next_id(s),
            title=title,
            proposer=volunteer.id,
            created_at=s.now,
            parent=parent_slug,
            backers=[volunteer.id],
        )
        formed = _form(s, topic) if len(topic.backers) >= threshold else None
        _save(s, topic)
        if formed is None:
            announce(
                s,
                network_chats(s),
                plural(
                    "💡 {name} proposes a topic: {title} ({topic}). At {threshold} backer it "
                    "becomes an action group: back {topic}",
                    "💡 {name} proposes a topic: {title} ({topic}). At {threshold} backers it "
                    "becomes an action group: back {topic}",
                    by="threshold",
                ),
                buttons=[(N_("Back it"), f"back {topic.id}")],
                name=volunteer.name,
                title=topic.title,
                topic=topic.id,
                threshold=threshold,
            )
        s.commit()
        return TopicChange(topic, volunteer, formed)


def back_topic(uow: UnitOfWork, actor: Actor, ref: str, threshold: int) -> TopicChange:
    """A volunteer backs a topic; the backing that reaches ``threshold`` forms its group."""
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        topic = require_topic(s, ref)
        topic.back(volunteer.id)
        formed = _form(s, topic) if len(topic.backers) >= threshold else None
        _save(s, topic)
        s.commit()
        return TopicChange(topic, volunteer, formed)


def close_topic(uow: UnitOfWork, actor: Actor, ref: str, reason: str = "") -> Topic:
    """A lead of the topic's parent circle (or its proposer) closes an open topic."""
    reason = clean(reason, field="text", max_length=MAX_TITLE, allow_empty=True)
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        topic = require_topic(s, ref)
        if topic.proposer != volunteer.id:
            s.require_lead(volunteer, _parent_of(s, topic))
        if not topic.is_open:
            raise Conflict(N_("Topic {topic} is not open: nothing to close."), topic=topic.id)
        topic.status, topic.reason = CLOSED, reason
        _save(s, topic)
        s.commit()
        return topic


def _parent_of(s: Session, topic: Topic) -> Circle:
    # The named parent may have been split away or removed since: fall back, never fail a backer.
    for slug in (topic.parent, DEFAULT_PARENT, NETWORK):
        circle = s.circles.get(slug)
        if circle is not None:
            return circle
    raise Invalid(N_("There is no circle '{circle}'."), circle=topic.parent)


def coordinator_role(holder: str) -> Role:
    return Role(
        slug=COORDINATOR,
        name={"zh": "协调人", "en": "Coordinator"},
        purpose={
            "zh": "召集行动小组，推动行动落地，做小组的联络人。",
            "en": "Gathers the action group, keeps its actions moving, and is its contact.",
        },
        accountabilities=[
            {
                "zh": "约定第一次碰头并邀请支持者",
                "en": "Sets the first meetup and invites the backers",
            },
            {"zh": "在打卡中记录小组的行动", "en": "Records the group's actions as check-ins"},
            {
                "zh": "需要新角色时提出（newrole）",
                "en": "Proposes new roles as needs appear (newrole)",
            },
        ],
        holders=[holder] if holder else [],
    )


def _form(s: Session, topic: Topic) -> Circle:
    """The topic becomes a circle; the caller saves the topic and commits."""
    parent = _parent_of(s, topic)
    slug = group_slug(topic.title, topic.id, lambda c: s.circles.get(c) is not None)
    lead = topic.proposer
    circle = Circle(
        slug=slug,
        name={"zh": topic.title, "en": topic.title},
        purpose={
            "zh": f"由话题 {topic.id} 发起的行动小组：{topic.title}",
            "en": f"Action group formed from topic {topic.id}: {topic.title}",
        },
        parent=parent.slug,
        leads=[lead] if lead else [],
        members=list(dict.fromkeys(b for b in [lead, *topic.backers] if b)),
        roles=[coordinator_role(lead)],
    )
    s.circles.save(circle)
    topic.status, topic.circle, topic.parent, topic.formed_at = FORMED, slug, parent.slug, s.now
    announce(
        s,
        [*network_chats(s), *parent.chats],
        plural(
            "🎉 Topic {topic} ({title}) has {count} backer and is now the action group {circle} "
            "under {parent}, led by {lead}.",
            "🎉 Topic {topic} ({title}) has {count} backers and is now the action group {circle} "
            "under {parent}, led by {lead}.",
        ),
        buttons=[(N_("See the group"), f"circle {slug}")],
        topic=topic.id,
        title=topic.title,
        count=len(topic.backers),
        circle=slug,
        parent=parent.slug,
        lead=s.volunteers.name_of(lead) if lead else "—",
    )
    return circle


def open_topics(uow: UnitOfWork) -> tuple[list[Topic], int]:
    """Open topics, most-backed first (then oldest), and how many topics already formed groups."""
    with uow.begin() as s:
        topics = _all(s)
    ranked = sorted((t for t in topics if t.is_open), key=_rank)
    return ranked, sum(1 for t in topics if t.status == FORMED)


def _rank(topic: Topic) -> tuple[int, str, str]:
    return (-len(topic.backers), topic.created_at.isoformat(), topic.id.zfill(12))


def day_topic(s: Session) -> str:
    """The title of the most-backed open topic (the oldest among equals); "" if none is open."""
    ranked = sorted((t for t in _all(s) if t.is_open), key=_rank)
    return ranked[0].title if ranked else ""


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def forget_volunteer(s: Session, volunteer_id: str) -> None:
    """Anonymise: the proposer becomes "" and the volunteer no longer backs anything.

    A topic they proposed stays (others back it) but no longer names them, not even in its title,
    nor in the name and purpose of the action group it formed; no closing reason names them.
    """
    terms = traces_of(s, volunteer_id)
    for topic in _all(s):
        # A closing reason is free text that may name them whoever wrote it ("Ann moved away"),
        # and the closer is not recorded: it is masked on every topic.
        masked_reason = mask(topic.reason, terms) if topic.reason else topic.reason
        if topic.proposer != volunteer_id and volunteer_id not in topic.backers:
            if masked_reason != topic.reason:
                topic.reason = masked_reason
                _save(s, topic)
            continue
        topic.reason = masked_reason
        if topic.proposer == volunteer_id:
            topic.proposer = ""
            topic.title = mask(topic.title, terms)
            _mask_group(s, topic.circle, terms)
        topic.backers = [b for b in topic.backers if b != volunteer_id]
        _save(s, topic)


def _mask_group(s: Session, slug: str, terms: list[str]) -> None:
    """Mask the name and purpose of the action group a forgotten volunteer's topic formed.

    The slug stays, even if it was made from a title with their name in it: it is the group's
    key for its meetups, relays, sub-circles and topics, and outside the store for calendar
    subscriptions, portal links, chat buttons already sent and exports; a rename would break
    those for the members who stay.
    """
    if not slug or s.circles.get(slug) is None:
        return
    # Circles split off the group carry its name in their purpose ("Split from Ann and friends
    # cook to carry: ..."), so the group's whole subtree is masked.
    circles = s.circles.all()
    children: dict[str, list[str]] = {}
    for circle in circles:
        children.setdefault(circle.parent or "", []).append(circle.slug)
    subtree, todo = set(), [slug]
    while todo:
        current = todo.pop()
        if current not in subtree:
            subtree.add(current)
            todo.extend(children.get(current, []))
    for circle in circles:
        if circle.slug in subtree:
            circle.name = mask_localized(circle.name, terms)
            circle.purpose = mask_localized(circle.purpose, terms)
            s.circles.save(circle)


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Two identities became one volunteer: their topics and backings follow, never doubled."""
    for topic in _all(s):
        if topic.proposer != from_id and from_id not in topic.backers:
            continue
        if topic.proposer == from_id:
            topic.proposer = into_id
        topic.backers = list(dict.fromkeys(into_id if b == from_id else b for b in topic.backers))
        _save(s, topic)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, object]]:
    """The topics a volunteer proposed or backs; other backers only as a count, not by id."""
    found: list[dict[str, object]] = []
    for topic in sorted(_all(s), key=lambda t: t.id.zfill(12)):
        proposed = topic.proposer == volunteer_id
        backed = volunteer_id in topic.backers
        if not (proposed or backed):
            continue
        doc = topic.to_doc()
        doc.update(proposer=volunteer_id if proposed else "", backers=len(topic.backers))
        found.append({**doc, "proposed": proposed, "backed": backed})
    return found
