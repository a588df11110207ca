"""An export read record by record before import: where it is damaged and what was expected.

"The export is damaged: 'slug'" helps nobody mend a file; this names the table, the record's
id, the field and what the field should hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from circles.checkin import Checkin
from circles.errors import N_, Invalid
from circles.meetup import Meetup
from circles.model import Volunteer
from circles.relay import Relay
from circles.text import SLUG
from circles.topic import Topic

READERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "volunteers": Volunteer.from_doc,
    "meetups": Meetup.from_doc,
    "topics": Topic.from_doc,
    "relays": Relay.from_doc,
    "checkins": Checkin.from_doc,
}
# What a field holds, for the fields a hand edit most often breaks.
EXPECTED = {
    "slug": N_("a slug: 1-32 lowercase letters, digits or dashes"),
    "start": N_("a time of day like 20:00"),
    "timezone": N_("a time zone like Asia/Shanghai"),
    "duration_minutes": N_("a whole number of minutes"),
    "capacity": N_("a whole number (0: no limit)"),
}
DATE_TIME = N_("a date and time like 2026-12-01T20:00:00+00:00")


def check_export(data: dict[str, Any]) -> None:
    """Raise Invalid naming the first damaged record, field and expectation; else nothing."""
    for table, reader in READERS.items():
        for index, doc in enumerate(_records(data, table)):
            _read(table, doc, index, reader)
    for index, circle in enumerate(_records(data, "circles")):
        where = str(circle.get("slug") or f"#{index + 1}")
        slug = circle.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise _damaged("circles", where, "slug", _expected("slug"))
        roles = circle.get("roles", [])
        if not isinstance(roles, list):
            raise _damaged("circles", where, "roles", N_("a list of roles"))
        for role_index, role in enumerate(roles):
            role_where = f"{slug}/{role.get('slug') if isinstance(role, dict) else role_index + 1}"
            if not isinstance(role, dict):
                raise _damaged("circles", role_where, "roles", N_("a list of roles"))
            _check_role(role, role_where)


def _check_role(role: dict[str, Any], where: str) -> None:
    """A role as an export writes it (names by language, duties as text)."""
    if not isinstance(role.get("slug"), str) or not SLUG.match(role["slug"]):
        raise _damaged("circles", where, "slug", _expected("slug"))
    capacity = role.get("capacity", 1)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise _damaged("circles", where, "capacity", _expected("capacity"))
    for key in ("holders", "objections"):
        if not isinstance(role.get(key, []), list):
            raise _damaged("circles", where, key, N_("a list of volunteer ids"))
    proposed_at = role.get("proposed_at")
    if proposed_at is not None:
        try:
            datetime.fromisoformat(str(proposed_at))
        except ValueError:
            raise _damaged("circles", where, "proposed_at", DATE_TIME) from None


def _records(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    records = data.get(table, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise Invalid(N_("The export is damaged: {table} must be a list of records."), table=table)
    return records


def _read(
    table: str,
    doc: dict[str, Any],
    index: int,
    reader: Callable[[dict[str, Any]], object],
    where: str = "",
) -> None:
    where = where or str(doc.get("id") or doc.get("slug") or f"#{index + 1}")
    try:
        reader(doc)
    except KeyError as missing:
        field = str(missing.args[0]) if missing.args else "?"
        raise _damaged(table, where, field, N_("is missing"), missing=True) from None
    except (TypeError, ValueError, AttributeError) as error:
        field = _culprit(doc, str(error))
        raise _damaged(table, where, field, _expected(field)) from None


def _culprit(doc: dict[str, Any], message: str) -> str:
    """The field whose value the error message quotes, else the first that does not parse."""
    for key, value in doc.items():
        if isinstance(value, str | int | float) and repr(value) in message:
            return str(key)
    for key, value in doc.items():
        if key.endswith("_at") and value is not None:
            try:
                datetime.fromisoformat(str(value))
            except ValueError:
                return str(key)
    return "?"


def _expected(field: str) -> str:
    if field.endswith("_at"):
        return DATE_TIME
    return EXPECTED.get(field, N_("a value of the right kind"))


def _damaged(table: str, where: str, field: str, expected: str, missing: bool = False) -> Invalid:
    if missing:
        return Invalid(
            N_("The export is damaged: in {table}, record {record}: the field {field} is missing."),
            table=table,
            record=where[:60],
            field=field[:40],
        )
    return Invalid(
        N_(
            "The export is damaged: in {table}, record {record}, the field {field} should be "
            "{expected}."
        ),
        table=table,
        record=where[:60],
        field=field[:40],
        expected=expected,
    )
