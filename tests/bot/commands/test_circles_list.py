"""The circle list counts in the reader's language: English plural forms, Chinese punctuation."""

from __future__ import annotations

from tests.conftest import Say


def circle_line(text: str, slug: str) -> str:
    return next(line for line in text.splitlines() if slug in line and "—" in line)


def test_english_counts_take_their_plural_form(say: Say) -> None:
    # Once "Research circle (research) — 1 members".
    say("alice", "join")
    say("alice", "claim research/interviewer")
    line = circle_line(say("alice", "circles").text, "(research)")
    assert "— 1 member, " in line and "members" not in line
    assert " open roles" in line or " open role" in line
    assert "— 0 members, " in circle_line(say("alice", "circles").text, "(content)")


def test_the_chinese_circle_list_has_no_half_width_comma(say: Say) -> None:
    # Once "0 位成员,2 个空缺角色, 1 个提议中".
    say("mei", "join")
    say("mei", "lang zh")
    say("mei", "claim research/interviewer")
    say("mei", "newrole research translator 翻译：把访谈翻译成英文")
    line = circle_line(say("mei", "circles").text, "（research）")
    assert "研发圈（research） — 1 位成员，" in line and "个提议中的角色" in line
    assert not any(mark in line for mark in ",()")


def test_a_chinese_circle_shows_its_roles_with_full_width_marks(say: Say) -> None:
    say("mei", "join")
    say("mei", "lang zh")
    say("mei", "claim research/interviewer")
    text = say("mei", "circle research").text
    assert text.startswith("研发圈（research）\n")
    assert "• research/interviewer 访谈员（1/1）：mei" in text
