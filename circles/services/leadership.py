"""Leads and admins appointed from chat, and who may appoint them.

A lead of a circle, a lead of any circle above it, or an admin appoints (``lead``) and removes
(``unlead``) a circle's leads; the appointed volunteer is told privately and may decline, which
is ``unlead`` on themselves. Admins add and remove admins; the config's ``network.admins`` are
the bootstrap admins, which chat cannot remove, and the last admin cannot remove themselves.
Every change is written to the governance log with who, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Conflict, PermissionDenied
from circles.model import Circle, Volunteer
from circles.read_model import CirclesView
from circles.services import governance_log as glog
from circles.services.announcements import announce
from circles.services.direct import tell
from circles.services.lookup import find_circle
from circles.services.roles import find_volunteer
from circles.text import clean
from circles.unit_of_work import ADMINS, Session, UnitOfWork

MAX_REASON = 300
# How one names oneself: `unlead research me` steps down, as does `卸任 research 我`.
ME = frozenset({"me", "myself", "我", "自己"})


@dataclass(frozen=True)
class LeadChange:
    circle: Circle
    volunteer: Volunteer
    by_self: bool = False


def _reason(text: str) -> str:
    return clean(text, field="text", max_length=MAX_REASON, allow_empty=True)


def appoint(
    uow: UnitOfWork, actor: Actor, circle_slug: str, who: str, reason: str = ""
) -> LeadChange:
    with uow.begin() as s:
        by = s.require_volunteer(actor.identity)
        circle = find_circle(s, circle_slug)  # slug, Chinese or English name, or a prefix
        s.require_lead(by, circle)
        volunteer = find_volunteer(s, who)
        why = _reason(reason)
        if volunteer.id in circle.leads:
            raise Conflict(
                N_("{name} already leads {circle}."), name=volunteer.name, circle=circle.slug
            )
        circle.leads.append(volunteer.id)
        circle.add_member(volunteer.id)
        s.circles.save(circle)
        glog.record(s, glog.LEAD, circle.slug, by.id, subject=volunteer.id, reason=why)
        tell(
            s,
            volunteer.id,
            N_(
                "👋 {by} made you a lead of {circle}. You may now schedule its meetups, link "
                "its chats and assign its roles. Not for you? Decline with unlead {circle} me."
            ),
            buttons=[(N_("Decline"), f"unlead {circle.slug} me")],
            by=by.name,
            circle=circle.slug,
        )
        announce(
            s,
            circle.chats,
            N_("🧭 {by} appointed {name} as a lead of {circle}."),
            by=by.name,
            name=volunteer.name,
            circle=circle.slug,
        )
        s.commit()
        return LeadChange(circle, volunteer)


def unappoint(
    uow: UnitOfWork, actor: Actor, circle_slug: str, who: str, reason: str = ""
) -> LeadChange:
    """Remove a lead; a lead may also step down (or decline) themselves with ``me``."""
    with uow.begin() as s:
        by = s.require_volunteer(actor.identity)
        circle = find_circle(s, circle_slug)  # slug, Chinese or English name, or a prefix
        volunteer = by if who.strip().lower() in ME else find_volunteer(s, who)
        by_self = volunteer.id == by.id
        if not by_self:
            s.require_lead(by, circle)
        why = _reason(reason)
        if volunteer.id not in circle.leads:
            raise Conflict(
                N_("{name} is not a lead of {circle}."), name=volunteer.name, circle=circle.slug
            )
        circle.leads.remove(volunteer.id)
        s.circles.save(circle)
        kind = glog.DECLINE if by_self else glog.UNLEAD
        glog.record(s, kind, circle.slug, by.id, subject=volunteer.id, reason=why)
        if not by_self:
            tell(
                s,
                volunteer.id,
                N_("{by} removed you as a lead of {circle}."),
                by=by.name,
                circle=circle.slug,
            )
        announce(
            s,
            circle.chats,
            N_("🧭 {name} is no longer a lead of {circle}."),
            name=volunteer.name,
            circle=circle.slug,
        )
        s.commit()
        return LeadChange(circle, volunteer, by_self)


def appointer_ids(s: Session, view: CirclesView, circle: Circle) -> list[str]:
    """Ids of who may appoint a lead of the circle: leads of the circles above it, nearest
    first, then admins."""
    ids: list[str] = []
    parent = view.get(circle.parent) if circle.parent else None
    seen: set[str] = set()
    while parent is not None and parent.slug not in seen:
        seen.add(parent.slug)
        ids.extend(parent.leads)
        parent = view.get(parent.parent) if parent.parent else None
    ids.extend(admin_ids(s))
    return list(dict.fromkeys(ids))


def admin_ids(s: Session) -> list[str]:
    """Volunteers who are admins: the bootstrap ones who joined, and those added from chat."""
    # By the identity index, one look-up per configured admin: never a walk over every
    # volunteer (that made `circle` cost 40 ms at 10,000 volunteers; bench/hot_path.py).
    bootstrap = (s.volunteers.by_identity(i) for i in sorted(s.network.admins))
    found = [v.id for v in bootstrap if v is not None]
    found.extend(doc["id"] for doc in s.tx.all(ADMINS))
    return list(dict.fromkeys(found))


def _require_admin(s: Session, actor: Actor) -> Volunteer:
    volunteer = s.require_volunteer(actor.identity)
    if not s.is_admin(volunteer, actor.identity):
        raise PermissionDenied(N_("Only an admin may do that."))
    return volunteer


def add_admin(uow: UnitOfWork, actor: Actor, who: str, reason: str = "") -> Volunteer:
    with uow.begin() as s:
        by = _require_admin(s, actor)
        volunteer = find_volunteer(s, who)
        why = _reason(reason)
        if s.is_admin(volunteer):
            raise Conflict(N_("{name} is an admin already."), name=volunteer.name)
        s.tx.put(
            ADMINS,
            volunteer.id,
            {"id": volunteer.id, "added_by": by.id, "added_at": s.now.isoformat()},
        )
        glog.record(s, glog.ADMIN_ADD, "", by.id, subject=volunteer.id, reason=why)
        tell(s, volunteer.id, N_("🔑 {by} made you an admin of the network."), by=by.name)
        s.commit()
        return volunteer


def remove_admin(uow: UnitOfWork, actor: Actor, who: str, reason: str = "") -> Volunteer:
    with uow.begin() as s:
        by = _require_admin(s, actor)
        volunteer = by if who.strip().lower() in ME else find_volunteer(s, who)
        why = _reason(reason)
        if set(volunteer.identities) & s.network.admins:
            raise Conflict(
                N_(
                    "{name} is an admin by the config (network.admins); that can only be "
                    "changed there."
                ),
                name=volunteer.name,
            )
        if s.tx.get(ADMINS, volunteer.id) is None:
            raise Conflict(N_("{name} is not an admin."), name=volunteer.name)
        if volunteer.id == by.id and not s.network.admins and len(admin_ids(s)) <= 1:
            raise Conflict(N_("You are the last admin: add another admin first."))
        s.tx.delete(ADMINS, volunteer.id)
        glog.record(s, glog.ADMIN_REMOVE, "", by.id, subject=volunteer.id, reason=why)
        if volunteer.id != by.id:
            tell(s, volunteer.id, N_("{by} removed you as an admin."), by=by.name)
        s.commit()
        return volunteer


# Hooks for personal data (mydata, forgetme, linkme): each works inside the caller's session.


def forget_admin(s: Session, volunteer_id: str) -> None:
    s.tx.delete(ADMINS, volunteer_id)
    for doc in list(s.tx.all(ADMINS)):
        if doc.get("added_by") == volunteer_id:
            s.tx.put(ADMINS, doc["id"], {**doc, "added_by": ""})


def merge_admin(s: Session, from_id: str, into_id: str) -> None:
    doc = s.tx.get(ADMINS, from_id)
    if doc is not None:
        s.tx.delete(ADMINS, from_id)
        if s.tx.get(ADMINS, into_id) is None:
            s.tx.put(ADMINS, into_id, {**doc, "id": into_id})
    for other in list(s.tx.all(ADMINS)):
        if other.get("added_by") == from_id:
            s.tx.put(ADMINS, other["id"], {**other, "added_by": into_id})


def admin_data_of(s: Session, volunteer_id: str) -> list[dict[str, object]]:
    doc = s.tx.get(ADMINS, volunteer_id)
    return [{"admin_since": doc["added_at"]}] if doc else []
