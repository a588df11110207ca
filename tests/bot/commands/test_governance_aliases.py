"""The governance commands by their Chinese names, with their keywords typed in Chinese: each
runs the same command as its English name, and none clashes with another command's name."""

from __future__ import annotations

import pytest

from bot.commands.catalog import build_registry
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say

ALIASES = {
    "lead": ("负责人", "任命"),
    "unlead": ("卸任", "免职"),
    "admin": ("管理员",),
    "decide": ("决定", "提案"),
    "position": ("表态",),
    "decisions": ("决定列表",),
    "history": ("历史",),
    "term": ("任期",),
}


@pytest.fixture
def members(say: Say) -> Say:
    """admin, ann, bob and cy joined; bob and cy hold research roles (so are its members)."""
    for who in ("admin", "ann", "bob", "cy"):
        assert not say(who, "join").error
    assert not say("bob", "claim research/interviewer").error
    assert not say("cy", "claim research/tea-house-host").error
    return say


@pytest.mark.parametrize(("name", "aliases"), sorted(ALIASES.items()))
def test_each_chinese_name_finds_its_command(name: str, aliases: tuple[str, ...]) -> None:
    registry = build_registry()  # raises if an alias is taken by another command or alias
    for alias in aliases:
        found = registry.get(alias)
        assert found is not None and found.name == name, alias


def test_read_only_commands_answer_the_same_by_either_name(members: Say) -> None:
    say = members
    assert not say("admin", "lead research ann").error
    assert not say("bob", "decide research Buy a kettle").error
    for english, chinese in (
        ("decisions research", "决定列表 research"),
        ("history research", "历史 research"),
        ("history research/interviewer", "历史 research/interviewer"),
        ("decisions", "决定列表"),
    ):
        assert say("cy", chinese).text == say("cy", english).text


def test_governance_in_chinese_words_changes_what_the_english_would(
    members: Say, uow: UnitOfWork
) -> None:
    say = members
    appointed = say("admin", "任命 research ann 她组织了访谈")
    assert not appointed.error and "ann is now a lead of research" in appointed.text
    opened = say("bob", "决定 research 买一个水壶")
    assert not opened.error and "#1" in opened.text
    assert not say("cy", "表态 1 同意").error
    assert not say("bob", "表态 #1 弃权").error
    assert "agree 1, abstain 1" in say("ann", "决定列表 research").text.lower()
    refused = say("cy", "决定 撤回 1")  # neither its proposer nor a lead
    assert refused.error and "Only who proposed decision #1" in refused.text
    withdrawn = say("bob", "决定 撤回 1")
    assert not withdrawn.error and "withdrawn" in withdrawn.text
    termed = say("ann", "任期 research/interviewer 30d")
    assert not termed.error and "held for terms of 30 days" in termed.text
    handed = say("bob", "任期 research/interviewer 交接")
    assert not handed.error and "You handed over research/interviewer" in handed.text
    assert not say("admin", "管理员 添加 ann").error
    assert not say("ann", "管理员 移除 ann").error
    stepped = say("ann", "卸任 research 我")
    assert not stepped.error and "You are no longer a lead of research" in stepped.text
    with uow.begin() as s:
        research = s.circles.require("research")
        assert research.leads == []
        assert not research.role("interviewer").holders
    log = say("cy", "历史 research").text
    assert "admin appointed ann as a lead of research — why: 她组织了访谈" in log


def test_a_chinese_keyword_that_is_not_one_is_refused(members: Say) -> None:
    say = members
    assert not say("bob", "决定 research 买一个水壶").error
    refused = say("cy", "表态 1 随便")
    assert refused.error and "is not a position" in refused.text
    assert say("admin", "管理员 升级 ann").error
