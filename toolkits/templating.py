"""Jinja settings shared by the trusted and the sandboxed kit environments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jinja2

from toolkits.parameters import format_ranges
from toolkits.sign import sign_size

MINUTES_PER_DAY = 24 * 60


def clock_time(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM``, wrapping past midnight (1500 gives ``01:00``)."""
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def upper_first(text: str) -> str:
    """``text`` with its first letter capitalised and the rest kept (a line that starts with a
    parameter: "our neighborhood" mid-sentence, "Our neighborhood" on a sign)."""
    return text[:1].upper() + text[1:]


def ranges(numbers: Iterable[int], dash: str = "–", separator: str = ", ") -> str:
    """Building numbers written as ranges, for templates: ``[1, 2, 3, 5] | ranges``."""
    return format_ranges(numbers, dash=dash, separator=separator)


def environment_options() -> dict[str, Any]:
    """Keyword arguments for every kit Environment: strict names, Markdown out, tidy blocks."""
    return {
        "undefined": jinja2.StrictUndefined,
        "autoescape": False,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }


def kit_filters() -> dict[str, Callable[..., str]]:
    """The filters kit templates may use besides Jinja's built-in ones."""
    return {
        "ranges": ranges,
        "sign_size": sign_size,
        "clock": clock_time,
        "upper_first": upper_first,
    }
