"""The network's settings that the domain needs (from config, never read by the domain itself)."""

from __future__ import annotations

from dataclasses import dataclass, field

from circles.governance import Governance


@dataclass(frozen=True)
class Network:
    """Name, default timezone and language, and the identities with every permission."""

    name: str = "CAN"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    admins: frozenset[str] = field(default_factory=frozenset)
    role_load_warning: int = 4  # more roles than this and myroles warns
    governance: Governance = field(default_factory=Governance)
