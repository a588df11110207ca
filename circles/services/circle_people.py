"""Where a volunteer appears in circles: lead, member, role holder.

Proposals and objections are the emergent-roles hook's (``circles.services.emergent_roles``).
"""

from __future__ import annotations

from typing import Any

from circles.model import Circle
from circles.text import pick
from circles.unit_of_work import Session


def _replaced(ids: list[str], old: str, new: str) -> list[str]:
    """``ids`` with ``old`` turned into ``new`` (or dropped when ``new`` is empty), no repeats."""
    if old not in ids:
        return ids
    # dict.fromkeys keeps the order and drops repeats in linear time (a role may have
    # thousands of holders).
    return [item for item in dict.fromkeys(new if i == old else i for i in ids) if item]


def _rewrite(circle: Circle, old: str, new: str) -> bool:
    """Replace ``old`` by ``new`` everywhere in the circle; True if anything changed."""
    before = circle.to_doc()
    circle.leads = _replaced(circle.leads, old, new)
    circle.members = _replaced(circle.members, old, new)
    for role in circle.roles:
        # A role both held stays held once: the merged volunteer is one holder.
        role.holders = _replaced(role.holders, old, new)
    return circle.to_doc() != before


def forget_volunteer(s: Session, volunteer_id: str) -> int:
    """Release every role, leave every circle and lead none; returns how many roles were held."""
    released = 0
    for circle in s.circles.all():
        released += len(circle.roles_held_by(volunteer_id))
        if _rewrite(circle, volunteer_id, ""):
            s.circles.save(circle)
    return released


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    for circle in s.circles.all():
        if _rewrite(circle, from_id, into_id):
            s.circles.save(circle)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    """Each circle the volunteer leads, belongs to or holds a role in, in the export's shape,
    keeping only what concerns them."""
    found: list[dict[str, Any]] = []
    language = s.network.language
    for circle in sorted(s.circles.all(), key=lambda c: c.slug):
        roles = [
            {"slug": r.slug, "name": pick(r.name, language), "holders": [volunteer_id]}
            for r in circle.roles_held_by(volunteer_id)
        ]
        leads = [volunteer_id] if volunteer_id in circle.leads else []
        members = [volunteer_id] if volunteer_id in circle.members else []
        if roles or leads or members:
            found.append(
                {
                    "slug": circle.slug,
                    "name": circle.display_name(language),
                    "leads": leads,
                    "members": members,
                    "roles": roles,
                }
            )
    return found
