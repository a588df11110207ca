"""The circle list counts in the reader's language: English plural forms, Chinese punctuation."""

from __future__ import annotations

from tests.conftest import Say


def circle_line(text: str, slug: str) -> str:
    return next(line for line in text.splitlines() if f"({slug})" in line)


def test_english_counts_take_their_plural_form(say: Say) -> None:
    # Once "Research circle (research) — 1 members".
    say("alice", "join")
    say("alice", "claim research/interviewer")
    line = circle_line(say("alice", "circles").text, "research")
    assert "— 1 member, " in line and "members" not in line
    assert " open roles" in line or " open role" in line
    assert "— 0 members, " in circle_line(say("alice", "circles").text, "content")


def test_the_chinese_circle_list_has_no_half_width_comma(say: Say) -> None:
    # Once "0 位成员,2 个空缺角色, 1 个提议中".
    say("mei", "join")
    say("mei", "lang zh")
    say("mei", "claim research/interviewer")
    say("mei", "newrole research translator 翻译：把访谈翻译成英文")
    line = circle_line(say("mei", "circles").text, "research")
    assert "1 位成员，" in line and "个提议中的角色" in line
    assert "," not in line.split("—", 1)[1]
