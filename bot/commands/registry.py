"""A command's definition (name, usage, who may use it, handler) and the registry of them all.

The usage string is the single source of both the help text and the argument parser:
``<name>`` a required word, ``[name]`` an optional word, ``<name...>``/``[name...]`` the rest of
the line. So the help a user reads can never disagree with what the parser accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from circles.errors import N_, Invalid
from circles.separator import ascii_marks, list_words, words

if TYPE_CHECKING:
    from bot.commands.context import CommandContext
    from bot.reply import Reply

PARAM = re.compile(r"^([<\[])([a-z][a-z0-9-]*)(\.\.\.)?([>\]])$")


class Who(Enum):
    """Who may run a command; lead and member checks need the circle, so services make them."""

    ANYONE = "anyone"
    VOLUNTEER = "volunteer"
    MEMBER = "member"
    LEAD = "lead"


WHO_LABELS = {
    Who.ANYONE: N_("anyone"),
    Who.VOLUNTEER: N_("volunteers"),
    Who.MEMBER: N_("members of the circle"),
    Who.LEAD: N_("leads of the circle, and admins"),
}


@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    rest: bool


Args = dict[str, str]
Handler = Callable[["CommandContext", Args], "Reply"]


@dataclass(frozen=True)
class Command:
    """One command as every platform offers it."""

    name: str
    usage: str  # e.g. "claim <role>"
    summary: str  # English message id, translated when shown
    who: Who
    handler: Handler
    group: str = "network"
    # Waits on something slow (a PDF or image render): platforms run it in a worker thread.
    # Every other command answers in well under a millisecond of CPU and runs on the event
    # loop, because handing work to a thread costs more than the work (bench/throughput.py).
    slow: bool = False
    # Other names the command answers to (Chinese names: 求助 for ask); help shows them.
    aliases: tuple[str, ...] = ()
    # Keeps the line breaks of its free text (``decide``: the title, then a description).
    multiline: bool = False
    params: tuple[Param, ...] = field(init=False)

    @property
    def who_label(self) -> str:
        """Who may use it, as an English message id for help."""
        return WHO_LABELS[self.who]

    def __post_init__(self) -> None:
        words = self.usage.split()
        if not words or words[0] != self.name:
            raise ValueError(f"usage of {self.name} must start with its name")
        params = []
        for word in words[1:]:
            match = PARAM.match(word)
            if match is None:
                raise ValueError(f"bad parameter {word!r} in usage of {self.name}")
            params.append(Param(match.group(2), match.group(1) == "<", bool(match.group(3))))
        if any(p.rest for p in params[:-1]):
            raise ValueError(f"only the last parameter of {self.name} may take the rest")
        object.__setattr__(self, "params", tuple(params))

    def parse(self, text: str) -> Args:
        """Split the argument text into named arguments, or raise Invalid.

        Any Unicode space separates words. A word (not the free text of a ``...`` parameter)
        has its full-width separators read as ASCII (``tue，fri`` is ``tue,fri``). A command
        without free text whose required argument would be missing also takes a comma between
        two words as a separator (``rsvp m1，yes``): a Chinese keyboard types ``，`` where an
        English one types ``, ``.
        """
        typed = words(text)
        args: Args = {}
        for index, param in enumerate(self.params):
            if param.rest:
                rest = words(text, index)[index:] if index else [text.strip()]
                if rest and rest[0].strip():
                    args[param.name] = rest[0].strip()
                return self._complete(args)
            if index < len(typed):
                args[param.name] = ascii_marks(typed[index])
        if not self._missing(args) or len(list_words(text)) == len(typed):
            extra = typed[len(self.params) :]
            if extra:
                raise Invalid(N_("Too many arguments: {extra}"), extra=" ".join(extra)[:60])
            return self._complete(args)
        return self.parse(" ".join(list_words(text)))

    def _missing(self, args: Args) -> list[str]:
        return [p.name for p in self.params if p.required and p.name not in args]

    def _complete(self, args: Args) -> Args:
        missing = self._missing(args)
        if missing:
            raise Invalid(N_("Missing {what}."), what=", ".join(f"<{m}>" for m in missing))
        return args


class Registry:
    """The commands in the order help lists them, found by name."""

    def __init__(self, commands: list[Command]) -> None:
        self._by_name: dict[str, Command] = {}
        self._by_alias: dict[str, Command] = {}
        for command in commands:
            if command.name in self._by_name:
                raise ValueError(f"command {command.name} defined twice")
            self._by_name[command.name] = command
        for command in commands:
            for alias in command.aliases:
                if alias in self._by_name or alias in self._by_alias:
                    raise ValueError(f"alias {alias} of {command.name} is taken")
                self._by_alias[alias] = command

    def get(self, name: str) -> Command | None:
        return self._by_name.get(name) or self._by_alias.get(name)

    def __iter__(self) -> Iterator[Command]:
        return iter(self._by_name.values())

    def names(self) -> list[str]:
        return list(self._by_name)
