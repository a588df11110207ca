"""The domain model: volunteers, circles and their roles, as plain data with their own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from circles.errors import N_, Conflict, Invalid, NotFound
from circles.text import Localized, pick

NETWORK = "network"
ACTIVE = "active"
PROPOSED = "proposed"

Doc = dict[str, Any]


@dataclass
class Volunteer:
    """A person in the network, reachable through one or more platform identities."""

    id: str
    name: str
    identities: list[str]
    joined_at: datetime
    skills: list[str] = field(default_factory=list)
    neighborhood: str = ""
    mission: str = ""
    language: str = ""  # empty: follow the platform's hint, then the network default
    # Names and neighborhoods given up since: kept only so that ``forgetme`` can mask every one
    # of them in what the volunteer wrote (they are personal data: ``mydata`` shows them).
    former_names: list[str] = field(default_factory=list)
    former_neighborhoods: list[str] = field(default_factory=list)

    def rename(self, name: str) -> None:
        if name != self.name:
            self.former_names = _remember(self.former_names, self.name, name)
            self.name = name

    def move(self, neighborhood: str) -> None:
        if neighborhood != self.neighborhood:
            self.former_neighborhoods = _remember(
                self.former_neighborhoods, self.neighborhood, neighborhood
            )
            self.neighborhood = neighborhood

    def to_doc(self) -> Doc:
        doc: Doc = {
            "id": self.id,
            "name": self.name,
            "identities": list(self.identities),
            "skills": list(self.skills),
            "neighborhood": self.neighborhood,
            "mission": self.mission,
            "language": self.language,
            "joined_at": self.joined_at.isoformat(),
        }
        # Only when there are some: most volunteers never rename, their documents stay as they were.
        if self.former_names:
            doc["former_names"] = list(self.former_names)
        if self.former_neighborhoods:
            doc["former_neighborhoods"] = list(self.former_neighborhoods)
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Volunteer:
        return cls(
            id=doc["id"],
            name=doc["name"],
            identities=list(doc["identities"]),
            skills=list(doc.get("skills", [])),
            neighborhood=doc.get("neighborhood", ""),
            mission=doc.get("mission", ""),
            language=doc.get("language", ""),
            joined_at=datetime.fromisoformat(doc["joined_at"]),
            former_names=[str(n) for n in doc.get("former_names", [])],
            former_neighborhoods=[str(n) for n in doc.get("former_neighborhoods", [])],
        )


def _remember(former: list[str], old: str, new: str) -> list[str]:
    """``former`` with ``old`` added (once, if not empty), and without ``new`` (current again)."""
    kept = [item for item in former if item not in (old, new)]
    return [*kept, old] if old else kept


@dataclass
class Role:
    """A piece of work a circle needs done, held by up to ``capacity`` volunteers (0: no limit)."""

    slug: str
    name: Localized
    purpose: Localized
    accountabilities: list[Localized] = field(default_factory=list)
    capacity: int = 1
    status: str = ACTIVE
    holders: list[str] = field(default_factory=list)
    proposed_by: str = ""
    proposed_at: datetime | None = None
    objections: list[str] = field(default_factory=list)  # members who object to a proposal

    @property
    def is_full(self) -> bool:
        return self.capacity > 0 and len(self.holders) >= self.capacity

    @property
    def is_open(self) -> bool:
        return self.status == ACTIVE and not self.is_full

    def to_doc(self) -> Doc:
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "purpose": dict(self.purpose),
            "accountabilities": [dict(a) for a in self.accountabilities],
            "capacity": self.capacity,
            "status": self.status,
            "holders": list(self.holders),
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at.isoformat() if self.proposed_at else None,
            "objections": list(self.objections),
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Role:
        proposed_at = doc.get("proposed_at")
        return cls(
            slug=doc["slug"],
            name=dict(doc["name"]),
            purpose=dict(doc["purpose"]),
            accountabilities=[dict(a) for a in doc.get("accountabilities", [])],
            capacity=int(doc.get("capacity", 1)),
            status=doc.get("status", ACTIVE),
            holders=list(doc.get("holders", [])),
            proposed_by=doc.get("proposed_by", ""),
            proposed_at=datetime.fromisoformat(proposed_at) if proposed_at else None,
            objections=list(doc.get("objections", [])),
        )


@dataclass
class Circle:
    """A self-organizing group with a purpose, its roles, its people and its chats."""

    slug: str
    name: Localized
    purpose: Localized
    parent: str | None
    leads: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    chats: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)

    def display_name(self, language: str) -> str:
        return pick(self.name, language) or self.slug

    def role(self, slug: str) -> Role:
        for role in self.roles:
            if role.slug == slug:
                return role
        raise NotFound(N_("Circle {circle} has no role '{role}'."), circle=self.slug, role=slug)

    def has_role(self, slug: str) -> bool:
        return any(role.slug == slug for role in self.roles)

    def roles_held_by(self, volunteer_id: str) -> list[Role]:
        return [role for role in self.roles if volunteer_id in role.holders]

    def add_member(self, volunteer_id: str) -> None:
        if volunteer_id not in self.members:
            self.members.append(volunteer_id)

    def take_role(self, slug: str, volunteer_id: str) -> Role:
        """Add a holder, enforcing status and capacity; taking a role makes you a member."""
        role = self.role(slug)
        if role.status != ACTIVE:
            raise Conflict(
                N_("Role {circle}/{role} is only proposed; a lead must accept it first."),
                circle=self.slug,
                role=slug,
            )
        if volunteer_id in role.holders:
            raise Conflict(N_("You already hold {circle}/{role}."), circle=self.slug, role=slug)
        if role.is_full:
            raise Conflict(
                N_("Role {circle}/{role} is full ({capacity} of {capacity} taken)."),
                circle=self.slug,
                role=slug,
                capacity=role.capacity,
            )
        role.holders.append(volunteer_id)
        self.add_member(volunteer_id)
        return role

    def drop_role(self, slug: str, volunteer_id: str) -> Role:
        """Remove a holder; membership stays (people stay in a circle between roles)."""
        role = self.role(slug)
        if volunteer_id not in role.holders:
            raise Conflict(
                N_("{circle}/{role} is not held by that volunteer."), circle=self.slug, role=slug
            )
        role.holders.remove(volunteer_id)
        return role

    def to_doc(self) -> Doc:
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "purpose": dict(self.purpose),
            "parent": self.parent,
            "leads": list(self.leads),
            "members": list(self.members),
            "chats": list(self.chats),
            "roles": [role.to_doc() for role in self.roles],
        }

    @classmethod
    def from_doc(cls, doc: Doc) -> Circle:
        return cls(
            slug=doc["slug"],
            name=dict(doc["name"]),
            purpose=dict(doc["purpose"]),
            parent=doc.get("parent"),
            leads=list(doc.get("leads", [])),
            members=list(doc.get("members", [])),
            chats=list(doc.get("chats", [])),
            roles=[Role.from_doc(r) for r in doc.get("roles", [])],
        )


def parse_role_ref(ref: str) -> tuple[str | None, str]:
    """Split ``circle/role`` (or a bare ``role``) into its parts, lower-cased."""
    ref = ref.strip().lower()
    if ref.count("/") > 1 or ref.startswith("/") or ref.endswith("/"):
        raise Invalid(N_("'{ref}' is not a role: write circle/role or role."), ref=ref[:40])
    if "/" in ref:
        circle, role = ref.split("/")
        return circle, role
    return None, ref
