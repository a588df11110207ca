"""A volunteer's own record and the language preferences kept by identity, to forget or merge."""

from __future__ import annotations

from typing import Any

from circles.services.export import export_volunteer
from circles.unit_of_work import PREFERENCES, Session


def forget_volunteer(s: Session, volunteer_id: str) -> int:
    """Delete the volunteer's record: name, identities, skills, neighborhood, mission."""
    if s.volunteers.get(volunteer_id) is None:
        return 0
    s.volunteers.remove(volunteer_id)
    return 1


def merge_volunteers(s: Session, from_id: str, into_id: str) -> None:
    """Union identities and skills into ``into_id``, fill its empty fields, delete ``from_id``."""
    source, target = s.volunteers.get(from_id), s.volunteers.get(into_id)
    if source is None or target is None:
        return
    target.identities += [i for i in source.identities if i not in target.identities]
    target.skills += [k for k in source.skills if k not in target.skills]
    target.neighborhood = target.neighborhood or source.neighborhood
    # Every name and place either account ever had stays maskable by a later forgetme.
    for name in [*source.former_names, source.name]:
        if name != target.name and name not in target.former_names:
            target.former_names.append(name)
    for place in [*source.former_neighborhoods, source.neighborhood]:
        if place and place != target.neighborhood and place not in target.former_neighborhoods:
            target.former_neighborhoods.append(place)
    target.mission = target.mission or source.mission
    target.language = target.language or source.language
    target.joined_at = min(target.joined_at, source.joined_at)
    s.volunteers.remove(from_id)
    s.volunteers.save(target)


def data_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    volunteer = s.volunteers.get(volunteer_id)
    return [export_volunteer(volunteer)] if volunteer else []


def _identities(s: Session, volunteer_id: str) -> list[str]:
    volunteer = s.volunteers.get(volunteer_id)
    return volunteer.identities if volunteer else []


def forget_preferences(s: Session, volunteer_id: str) -> int:
    """Delete language choices stored under any of the volunteer's identities.

    Runs before the record is deleted: the identities are read from it.
    """
    dropped = 0
    for identity in _identities(s, volunteer_id):
        if s.tx.get(PREFERENCES, identity) is not None:
            s.tx.delete(PREFERENCES, identity)
            dropped += 1
    return dropped


def merge_preferences(s: Session, from_id: str, into_id: str) -> None:
    """The merged volunteer's own language setting governs; stray preferences go."""
    forget_preferences(s, from_id)


def preferences_of(s: Session, volunteer_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for identity in _identities(s, volunteer_id):
        doc = s.tx.get(PREFERENCES, identity)
        if doc is not None:
            found.append({"identity": identity, **doc})
    return found
