"""Typed text cut into words and list items the same way, whatever keyboard typed it."""

from __future__ import annotations

import pytest

from circles.separator import ascii_marks, first_word, items, list_words, shown, words


@pytest.mark.parametrize("space", [" ", "\u3000", "\u00a0", "\u2002", "\u205f", "\u200b", "\t"])
def test_every_unicode_space_separates_words(space: str) -> None:
    assert words(f"claim{space}research/interviewer") == ["claim", "research/interviewer"]
    assert first_word(f"join{space}古北 新村") == ("join", "古北 新村")


def test_maxsplit_keeps_the_rest_as_typed() -> None:
    assert words("a　b  c　 d", 2) == ["a", "b", "c　 d"]


def test_a_byte_order_mark_and_surrounding_spaces_are_no_words() -> None:
    assert words("\ufeff  \u3000") == []
    assert first_word("") == ("", "")


def test_full_width_separators_read_as_ascii() -> None:
    assert ascii_marks("tue，fri") == "tue,fri"
    assert ascii_marks("20：00") == "20:00"
    assert ascii_marks("a；b、c＝d／e") == "a;b,c=d/e"


def test_list_items_split_at_ascii_full_width_and_enumeration_commas() -> None:
    assert items("访谈，翻译、设计, 写作") == ["访谈", "翻译", "设计", "写作"]
    assert items("，，") == []
    assert list_words("interviewer，scenario-mapper host") == [
        "interviewer",
        "scenario-mapper",
        "host",
    ]


def test_an_echo_names_invisible_characters() -> None:
    assert shown("join\u3000古北") == "join<U+3000>古北"
    assert shown("a\u200db") == "a<U+200D>b"
    assert shown("plain text") == "plain text"
