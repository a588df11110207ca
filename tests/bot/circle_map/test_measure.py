"""Map labels: Chinese breaks into balanced lines, never starting a line with a closing mark."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from bot.circle_map.layout import ROLE_RADIUS
from bot.circle_map.measure import NO_LINE_START, text_width, wrap
from bot.circle_map.snapshot import read_circle_map
from bot.circle_map.svg import NAME_SIZE, circle_map_svg
from bot.i18n import Catalogs
from circles.unit_of_work import UnitOfWork

SVG = "{http://www.w3.org/2000/svg}"
ROLE_WIDTH = ROLE_RADIUS * 2 - 6  # what svg.py gives a role's name


def test_a_chinese_role_name_breaks_into_even_lines() -> None:
    # Once 行动小组协调 / 人: the last character alone on the second line.
    assert wrap("行动小组协调人", NAME_SIZE * 6, NAME_SIZE) == ["行动小组", "协调人"]
    assert wrap("研究圈访谈员", NAME_SIZE * 5, NAME_SIZE) == ["研究圈", "访谈员"]


def test_a_line_never_starts_with_a_closing_mark() -> None:
    assert wrap("社区伙伴联络（兼）", NAME_SIZE * 6, NAME_SIZE) == ["社区伙伴联", "络（兼）"]
    assert wrap("小茶馆，主持人", NAME_SIZE * 6, NAME_SIZE) == ["小茶馆，", "主持人"]


def test_text_that_fits_on_one_line_stays_on_one() -> None:
    assert wrap("协调人", NAME_SIZE * 6, NAME_SIZE) == ["协调人"]


@given(st.text(alphabet="行动小组协调人研究圈访谈员社区伙伴联络", min_size=2, max_size=12))
def test_chinese_lines_fit_and_differ_by_at_most_one_character(name: str) -> None:
    width = NAME_SIZE * 7
    lines = wrap(name, width, NAME_SIZE, lines=2)
    if "".join(lines) == name:  # whole: balanced and fitting
        assert all(text_width(line, NAME_SIZE) <= width for line in lines)
        assert max(map(len, lines)) - min(map(len, lines)) <= 1
        assert not any(line[0] in NO_LINE_START for line in lines[1:])


def test_the_map_draws_a_long_chinese_role_name_on_balanced_lines(
    uow: UnitOfWork, catalogs: Catalogs
) -> None:
    with uow.begin() as s:
        circle = s.circles.require("practice")
        role = circle.roles[0]
        role.name = {"zh": "行动小组协调人", "en": role.name.get("en", "")}
        s.circles.save(circle)
        s.commit()
    root = ET.fromstring(
        circle_map_svg(read_circle_map(uow), catalogs.translator("zh"), "古北社区")
    )
    names = [
        [text.text for text in group.iter(f"{SVG}text") if text.get("class") == "name"]
        for group in root.iter(f"{SVG}g")
        if group.get("data-role") == f"practice/{role.slug}"
    ]
    assert ["行动小组", "协调人"] in names
