"""An ambiguous name's answer: the same command again, once per candidate, as buttons."""

from __future__ import annotations

from bot.commands.registry import Args, Command
from bot.i18n import Translator
from bot.reply import Button
from circles.errors import Ambiguous
from circles.separator import words
from circles.text import pick

MAX_CHOICES = 12


def choice_buttons(
    t: Translator, error: Ambiguous, command: Command, args: Args
) -> tuple[tuple[Button, ...], ...]:
    """One button per candidate, each the typed command with the name swapped for its slug.

    None when the typed name cannot be found among the arguments again (then the reply's
    text, which lists the slugs, is the answer).
    """
    rows = []
    for ref, names in error.candidates[:MAX_CHOICES]:
        line = _swapped(command, args, error.typed, ref)
        if line is None:
            return ()
        name = pick(names, t.language)
        label = f"{name} ({ref})" if name and name != ref else ref
        rows.append((Button(label, line),))
    return tuple(rows)


def _swapped(command: Command, args: Args, typed: str, ref: str) -> str | None:
    parts = [command.name]
    swapped = False
    for param in command.params:
        value = args.get(param.name)
        if value is None:
            continue
        tokens = words(value) if param.rest else [value]
        for index, token in enumerate(tokens):
            if swapped:
                break
            replacement = _swap(token, typed.strip(), ref)
            if replacement is not None:
                tokens[index] = replacement
                swapped = True
        parts.append(" ".join(tokens))
    return " ".join(parts) if swapped else None


def _swap(token: str, typed: str, ref: str) -> str | None:
    """``research/小茶`` with ``小茶`` typed and ``research/tea-house-host`` found."""
    if token == typed:
        return ref
    if token.startswith(typed + "/") and "/" not in ref:  # the circle part was ambiguous
        return ref + token[len(typed) :]
    for mark in ("/", "="):
        head, found, tail = token.rpartition(mark)
        if found and tail == typed:
            return ref if mark == "/" and "/" in ref else f"{head}{mark}{ref}"
    return None
