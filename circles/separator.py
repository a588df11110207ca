"""What separates words and list items in typed text, whatever keyboard typed it.

A Chinese keyboard types a full-width space (U+3000), a full-width comma ，, colon ：,
semicolon ；, and the enumeration comma 、 where an English one types ASCII. Each of them
separates exactly where its ASCII form does, so every parser cuts text through this module.
"""

from __future__ import annotations

import re
import unicodedata

# Every Unicode space (str.split() knows them all) plus the zero-width space, which phone
# keyboards and copy-paste slip in between words, and the byte-order mark at a line's start.
_INVISIBLE_SPACES = "\u200b\ufeff"
# For parsers that take a list of space characters (shlex): every one str.split() cuts at.
UNICODE_SPACES = "".join(chr(c) for c in range(0x80, 0x3001) if chr(c).isspace()) + "\u200b"
_WORD_BREAK = re.compile(rf"[\s{_INVISIBLE_SPACES}]+")
# Full-width marks and their ASCII forms; 、 is a comma in a list.
_MARKS = str.maketrans({"，": ",", "：": ":", "；": ";", "、": ",", "＝": "=", "／": "/"})
# Where a list is typed (skills, days, roles), a comma separates its items; 、 is the comma a
# Chinese list is written with. (No list here takes ';', so neither does it take '；'.)
_LIST_BREAK = re.compile(r"[,，、]+")


def words(text: str, maxsplit: int = -1) -> list[str]:
    """The words of ``text``, cut at any Unicode space; ``maxsplit`` as in ``str.split``."""
    text = text.strip().strip(_INVISIBLE_SPACES).strip()
    if not text:
        return []
    return _WORD_BREAK.split(text, maxsplit=max(maxsplit, 0))


def first_word(text: str) -> tuple[str, str]:
    """``("join", "古北")`` from ``"join　古北"``: the first word and the rest, stripped."""
    parts = words(text, maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def ascii_marks(word: str) -> str:
    """A typed word with its full-width separators written as their ASCII forms."""
    return word.translate(_MARKS)


def items(text: str) -> list[str]:
    """The items of a typed list (``a, b、c，d``), stripped, empty ones dropped."""
    return [part.strip() for part in _LIST_BREAK.split(text) if part.strip()]


def list_words(text: str) -> list[str]:
    """Items separated by spaces or list marks alike (``interviewer，scenario-mapper host``)."""
    return [item for word in words(text) for item in items(word)]


def shown(text: str, limit: int = 40) -> str:
    """Text as typed, for an echo: invisible characters named, so it never looks identical to
    something else (``join<U+3000>古北`` is not ``join 古北``)."""
    out = []
    for char in text[:limit]:
        category = unicodedata.category(char)
        if char != " " and (category.startswith("Z") or category in ("Cc", "Cf")):
            out.append(f"<U+{ord(char):04X}>")
        else:
            out.append(char)
    return "".join(out)
