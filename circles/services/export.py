"""The whole network as the documented JSON export (format ``can-bot/1``), and its import."""

from __future__ import annotations

from typing import Any

from circles.errors import N_, Conflict, Invalid
from circles.model import Circle, Role, Volunteer
from circles.services.announcements import ANNOUNCEMENTS
from circles.services.export_check import check_export
from circles.services.reminders import DELIVERIES
from circles.text import pick
from circles.unit_of_work import UnitOfWork

FORMAT = "can-bot/1"
# Tables that later features own; exported as their documents, sorted by id. One-time codes
# (``one_time_codes``) stay out on purpose: they are credentials that live ten minutes, and an
# import must not bring a working code (or a digest to guess it from) into another store.
FEATURE_TABLES = ("meetups", "topics", "relays", "checkins")
# Asks and offers (issue 21): the light records of neighbors who asked without joining, the
# neighborhoods' linked chats, opt-ins, blocks (digests) and the relayed messages still kept.
ASK_TABLES = (
    "neighbors", "neighborhoods", "asks", "offers", "ask_messages", "ask_watchers", "ask_blocks",
    "ask_outbox",  # private messages queued for an asker or a helper: a restore must send them
)  # fmt: skip
# What was already sent, and what waits to be sent: the delivery record of every reminder and
# hand-off (claimed, sent, failed, skipped) and the queued announcements. Without them a restore
# would remind everyone again of what they were already told, and drop what was queued.
# (A settled proposal or a formed topic is its own state in ``circles`` and ``topics``.)
# Governance (decisions, role holdings and terms, the log, admins added from chat), as stored.
GOVERNANCE_TABLES = ("decisions", "holdings", "role_terms", "governance_log", "admins")
OTHER_TABLES: tuple[str, ...] = (
    *FEATURE_TABLES, *ASK_TABLES, *GOVERNANCE_TABLES, DELIVERIES, ANNOUNCEMENTS,
)  # fmt: skip


def export_volunteer(volunteer: Volunteer) -> dict[str, Any]:
    doc = volunteer.to_doc()
    # Extra keys, only when there is something: earlier names and neighborhoods (forgetme masks
    # them, so a restored store must still know them).
    former: dict[str, Any] = {
        k: doc[k] for k in ("former_names", "former_neighborhoods") if k in doc
    }
    return {
        "id": doc["id"],
        "name": doc["name"],
        "identities": doc["identities"],
        "skills": doc["skills"],
        "neighborhood": doc["neighborhood"],
        "mission": doc["mission"],
        "language": doc["language"],
        "joined_at": doc["joined_at"],
        **former,
    }


def export_role(role: Role, language: str) -> dict[str, Any]:
    return {
        "slug": role.slug,
        "name": pick(role.name, language),
        "purpose": pick(role.purpose, language),
        "accountabilities": [pick(a, language) for a in role.accountabilities],
        "capacity": role.capacity,
        "status": role.status,
        "holders": list(role.holders),
        # Extra keys (allowed by the format): every language, and who proposed it.
        "i18n": {
            "name": role.name,
            "purpose": role.purpose,
            "accountabilities": role.accountabilities,
        },
        "proposed_by": role.proposed_by,
        "proposed_at": role.proposed_at.isoformat() if role.proposed_at else None,
        "objections": list(role.objections),
    }


def export_circle(circle: Circle, language: str) -> dict[str, Any]:
    return {
        "slug": circle.slug,
        "name": pick(circle.name, language),
        "purpose": pick(circle.purpose, language),
        "parent": circle.parent,
        "leads": list(circle.leads),
        "members": list(circle.members),
        "chats": list(circle.chats),
        "roles": [export_role(role, language) for role in circle.roles],
        "i18n": {"name": circle.name, "purpose": circle.purpose},
    }


def export_network(uow: UnitOfWork) -> dict[str, Any]:
    network = uow.network
    with uow.begin() as s:
        volunteers = sorted(s.volunteers.all(), key=lambda v: (v.joined_at, v.id))
        circles = sorted(s.circles.all(), key=lambda c: (c.parent is not None, c.slug))
        others = {
            table: sorted(s.tx.all(table), key=lambda d: str(d.get("id", "")))
            for table in OTHER_TABLES
        }
        now = s.now
    return {
        "format": FORMAT,
        "exported_at": now.isoformat().replace("+00:00", "Z"),
        "network": {
            "name": network.name,
            "timezone": network.timezone,
            "language": network.language,
        },
        "volunteers": [export_volunteer(v) for v in volunteers],
        "circles": [export_circle(c, network.language) for c in circles],
        **others,
    }


def _localized(record: dict[str, Any], key: str, language: str) -> dict[str, str]:
    i18n = record.get("i18n", {}).get(key)
    if isinstance(i18n, dict):
        return {str(k): str(v) for k, v in i18n.items()}
    return {language: str(record.get(key, ""))}


def _role_from_export(record: dict[str, Any], language: str) -> Role:
    duties = record.get("i18n", {}).get("accountabilities")
    if not isinstance(duties, list):
        duties = [{language: str(a)} for a in record.get("accountabilities", [])]
    return Role.from_doc(
        {
            "slug": record["slug"],
            "name": _localized(record, "name", language),
            "purpose": _localized(record, "purpose", language),
            "accountabilities": duties,
            "capacity": record.get("capacity", 1),
            "status": record.get("status", "active"),
            "holders": record.get("holders", []),
            "proposed_by": record.get("proposed_by", ""),
            "proposed_at": record.get("proposed_at"),
            "objections": record.get("objections", []),
        }
    )


def import_network(uow: UnitOfWork, data: dict[str, Any]) -> tuple[int, int]:
    """Restore an export into a store that has no volunteers yet; returns (volunteers, circles)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(N_("This file is not a canbot export (format {format})."), format=FORMAT)
    check_export(data)  # names the table, record, field and expectation of a damaged one
    language = str(data.get("network", {}).get("language", uow.network.language))
    try:
        volunteers = [Volunteer.from_doc(v) for v in data.get("volunteers", [])]
        circles = [
            Circle(
                slug=c["slug"],
                name=_localized(c, "name", language),
                purpose=_localized(c, "purpose", language),
                parent=c.get("parent"),
                leads=list(c.get("leads", [])),
                members=list(c.get("members", [])),
                chats=list(c.get("chats", [])),
                roles=[_role_from_export(r, language) for r in c.get("roles", [])],
            )
            for c in data.get("circles", [])
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid(N_("The export is damaged: {reason}"), reason=str(exc)[:120]) from None
    with uow.begin() as s:
        if s.volunteers.count() > 0:
            raise Conflict(N_("The store already has volunteers; import needs an empty store."))
        for existing in s.circles.all():
            s.circles.remove(existing.slug)
        for volunteer in volunteers:
            s.volunteers.save(volunteer)
        for circle in circles:
            s.circles.save(circle)
        for table in OTHER_TABLES:
            # Saving the circles above opened holdings for their holders: the export's own
            # holdings (with their true since) replace them.
            for doc in list(s.tx.all(table)):
                s.tx.delete(table, str(doc["id"]))
            for doc in data.get(table, []):
                s.tx.put(table, str(doc["id"]), doc)
        s.commit()
    return len(volunteers), len(circles)
