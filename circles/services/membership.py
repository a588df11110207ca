"""Joining the network, editing a profile, choosing a language."""

from __future__ import annotations

from dataclasses import dataclass

from circles.actor import Actor
from circles.errors import N_, Invalid, plural
from circles.model import Volunteer
from circles.separator import items
from circles.services.ask_data import absorb_neighbor
from circles.services.neighbors import person_of
from circles.text import LANGUAGES, clean
from circles.unit_of_work import PREFERENCES, VOLUNTEERS, UnitOfWork

PROFILE_FIELDS = ("skills", "neighborhood", "mission", "name")
MAX_SKILLS = 20


@dataclass(frozen=True)
class Joined:
    volunteer: Volunteer
    created: bool


def join(uow: UnitOfWork, actor: Actor, neighborhood: str = "") -> Joined:
    """Become a volunteer; joining again only updates the neighborhood if one is given."""
    place = clean(neighborhood, field="neighborhood", max_length=80, allow_empty=True)
    name = clean(actor.name or actor.identity, field="name", max_length=80)
    with uow.begin() as s:
        existing = s.volunteers.by_identity(actor.identity)
        if existing is not None:
            if place and place != existing.neighborhood:
                existing.move(place)
                s.volunteers.save(existing)
                s.commit()
            return Joined(existing, created=False)
        preference = s.tx.get(PREFERENCES, actor.identity) or {}
        # A neighbor record (someone who asked first) lends its neighborhood and language.
        neighbor = person_of(s, actor.identity)
        volunteer = Volunteer(
            id=s.new_id(VOLUNTEERS, "v"),
            name=name,
            identities=[actor.identity],
            joined_at=s.now,
            neighborhood=place or (neighbor.neighborhood if neighbor else ""),
            language=str(preference.get("language", "")) or (neighbor.language if neighbor else ""),
        )
        s.volunteers.save(volunteer)
        if preference:
            s.tx.delete(PREFERENCES, actor.identity)
        # A neighbor who asked before joining keeps their asks, offers and messages as a volunteer.
        absorb_neighbor(s, actor.identity)
        s.commit()
        return Joined(volunteer, created=True)


def update_profile(uow: UnitOfWork, actor: Actor, field: str, value: str) -> Volunteer:
    """Change one profile field: skills (comma list), neighborhood, mission or name."""
    field = field.lower()
    if field not in PROFILE_FIELDS:
        raise Invalid(
            N_("Unknown profile field '{field}': use skills, neighborhood, mission or name."),
            field=field[:20],
        )
    with uow.begin() as s:
        volunteer = s.require_volunteer(actor.identity)
        if field == "skills":
            volunteer.skills = parse_skills(value)
        elif field == "neighborhood":
            volunteer.move(clean(value, field="neighborhood", max_length=80))
        elif field == "mission":
            volunteer.mission = clean(value, field="mission", max_length=200)
        else:
            volunteer.rename(clean(value, field="name", max_length=80))
        s.volunteers.save(volunteer)
        s.commit()
        return volunteer


def parse_skills(value: str) -> list[str]:
    """``a, b，c、d`` -> ``["a", "b", "c", "d"]``: lower-cased tags, no duplicates, at most 20."""
    skills: list[str] = []
    for part in items(value):
        tag = clean(part, field="skill", max_length=32, allow_empty=True).lower()
        if tag and tag not in skills:
            skills.append(tag)
    if not skills:
        raise Invalid(N_("Name at least one skill, separated by commas."))
    if len(skills) > MAX_SKILLS:
        raise Invalid(
            plural("At most {limit} skill, please.", "At most {limit} skills, please.", by="limit"),
            limit=MAX_SKILLS,
        )
    return skills


def set_language(uow: UnitOfWork, actor: Actor, language: str) -> str:
    """Remember the reply language, for volunteers on their profile, for others by identity."""
    language = language.strip().lower()
    if language not in LANGUAGES:
        raise Invalid(N_("Unknown language '{language}': use zh or en."), language=language[:10])
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(actor.identity)
        if volunteer is not None:
            volunteer.language = language
            s.volunteers.save(volunteer)
        else:
            s.tx.put(PREFERENCES, actor.identity, {"language": language})
        s.commit()
    return language


@dataclass(frozen=True)
class Reader:
    """Who a command's answer is for: the language to answer in, and whether they joined."""

    language: str
    joined: bool


def reader_of(uow: UnitOfWork, actor: Actor) -> Reader:
    """The language to answer ``actor`` in (their choice, the platform's hint, the default) and
    whether they have joined, read in one transaction (every command asks both before it runs;
    on PostgreSQL each transaction is a round trip with the lock)."""
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(actor.identity)
        chosen = volunteer.language if volunteer else ""
        if not chosen:
            chosen = str((s.tx.get(PREFERENCES, actor.identity) or {}).get("language", ""))
    joined = volunteer is not None
    if chosen in LANGUAGES:
        return Reader(chosen, joined)
    hint = actor.language_hint.lower()[:2]
    if hint in LANGUAGES:
        return Reader(hint, joined)
    return Reader(uow.network.language, joined)
