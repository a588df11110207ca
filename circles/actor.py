"""Who is asking: a platform identity with what the platform tells about them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person behind a command, as the platform sees them.

    ``identity`` is ``telegram:<user id>``, ``slack:<team>:<user>`` or ``console:<name>``;
    ``chat`` is where the command was sent (``telegram:<chat id>``, ``slack:<channel>``) and
    ``in_group`` tells a group chat from a private one.
    """

    identity: str
    name: str
    language_hint: str = ""
    chat: str = ""
    in_group: bool = False
