"""Finding circles, roles and meetups by slug, by name in either language, or by prefix."""

from __future__ import annotations

import pytest

from circles.errors import Ambiguous, Invalid, NotFound
from circles.services.lookup import ambiguous, circle_slug, find_circle, find_role, fold
from circles.unit_of_work import UnitOfWork


def role_of(uow: UnitOfWork, typed: str) -> str:
    with uow.begin() as s:
        circle, role = find_role(s, typed)
        return f"{circle.slug}/{role.slug}"


def test_fold_ignores_case_width_and_spaces() -> None:
    assert fold("Tea-house Host") == fold("tea-househost") == fold("ＴＥＡ-HOUSE host")


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("research", "research"),
        ("研发圈", "research"),
        ("Research circle", "research"),
        ("研发", "research"),
        ("prod", "product"),
        ("产品圈", "product"),
    ],
)
def test_a_circle_by_slug_name_or_prefix(uow: UnitOfWork, typed: str, slug: str) -> None:
    assert circle_slug(uow, typed) == slug


def test_an_exact_slug_wins_over_a_prefix_of_another(uow: UnitOfWork) -> None:
    with uow.begin() as s:
        assert find_circle(s, "content").slug == "content"


def test_a_prefix_of_several_circles_is_ambiguous(uow: UnitOfWork) -> None:
    with uow.begin() as s, pytest.raises(Ambiguous) as caught:
        find_circle(s, "con")
    assert [ref for ref, _ in caught.value.candidates] == ["connect", "content"]
    assert caught.value.candidates[0][1]["zh"] == "连接圈"


def test_an_unknown_circle_is_not_found(uow: UnitOfWork) -> None:
    with uow.begin() as s, pytest.raises(NotFound, match="no circle '月亮圈'"):
        find_circle(s, "月亮圈")


@pytest.mark.parametrize(
    "typed",
    [
        "research/tea-house-host",
        "tea-house-host",
        "小茶馆主持",
        "研发圈/小茶馆主持",
        "research/小茶馆主持",
        "Tea-house host",
        "research/tea",
        "小茶馆",
    ],
)
def test_a_role_by_any_of_its_names(uow: UnitOfWork, typed: str) -> None:
    assert role_of(uow, typed) == "research/tea-house-host"


def test_a_name_several_roles_start_with_is_ambiguous(uow: UnitOfWork) -> None:
    with uow.begin() as s, pytest.raises(Ambiguous) as caught:
        find_role(s, "工具包")
    refs = [ref for ref, _ in caught.value.candidates]
    assert refs == ["content/kit-distributor", "practice/kit-tester", "product/kit-designer"]
    assert caught.value.typed == "工具包"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", Invalid),
        ("a/b/c", Invalid),
        ("研发圈/", Invalid),
        ("研发圈/月亮", NotFound),
        ("月亮", NotFound),
    ],
)
def test_bad_role_names_are_refused(uow: UnitOfWork, typed: str, error: type) -> None:
    with uow.begin() as s, pytest.raises(error):
        find_role(s, typed)


def test_the_english_text_of_an_ambiguous_answer_lists_the_choices_with_commas() -> None:
    error = ambiguous("c", [("connect", {}), ("content", {})])
    assert error.params["choices"] == ("connect", "content")  # joined by the bot, per language
    assert str(error) == "'c' fits more than one: connect, content. Choose one."
