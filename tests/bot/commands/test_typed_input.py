"""Arguments as a Chinese-speaking volunteer types them: names instead of slugs, a Chinese
keyboard's spaces and separators, and answers that offer only what helps."""

from __future__ import annotations

import json
import re

import pytest

from bot.commands.dispatch import Dispatcher
from circles.services.export import export_network
from circles.services.roles import appoint_lead
from circles.unit_of_work import UnitOfWork
from tests.conftest import Say

IDEOGRAPHIC_SPACE = "\u3000"


def state(uow: UnitOfWork) -> str:
    data = export_network(uow)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True)


def holders(uow: UnitOfWork, circle: str, role: str) -> list[str]:
    with uow.begin() as s:
        found = s.circles.require(circle).role(role)
        return [s.volunteers.name_of(i) for i in found.holders]


def buttons(reply: object) -> list[str]:
    return [b.command for row in reply.buttons for b in row]  # type: ignore[attr-defined]


# -- section 3: every Unicode space separates, full-width marks separate as ASCII ones do ----


def test_a_full_width_space_after_the_command_word_separates(say: Say, uow: UnitOfWork) -> None:
    reply = say("mei", f"join{IDEOGRAPHIC_SPACE}古北")
    assert not reply.error, reply.text
    assert "Neighborhood: 古北" in say("mei", "profile").text
    reply = say("mei", f"claim{IDEOGRAPHIC_SPACE}research/tea-house-host")
    assert not reply.error, reply.text
    assert holders(uow, "research", "tea-house-host") == ["mei"]


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u202f", "\u200b", "\t"])
def test_other_unicode_spaces_separate_too(say: Say, uow: UnitOfWork, space: str) -> None:
    say("mei", "join")
    assert not say("mei", f"claim{space}research/interviewer").error
    assert holders(uow, "research", "interviewer") == ["mei"]


def test_an_unknown_command_is_echoed_as_typed_with_invisible_characters_named(
    say: Say,
) -> None:
    reply = say("mei", "join\u200d 古北")  # a zero-width joiner glued to the word
    assert reply.error
    assert "'join<U+200D>'" in reply.text


def test_full_width_comma_separates_the_arguments_of_rsvp(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    meetup = schedule(say)
    say("mo", "join")
    reply = say("mo", f"rsvp {meetup}，yes")
    assert not reply.error, reply.text
    assert "yes" in reply.text.lower()


def test_a_missing_argument_is_still_missing_with_commas_around(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    meetup = schedule(say)
    say("mo", "join")
    reply = say("mo", f"rsvp {meetup}，")
    assert reply.error and "Missing <answer>" in reply.text


def test_skills_split_at_full_width_and_enumeration_commas(say: Say) -> None:
    say("mei", "join")
    reply = say("mei", "profile skills 访谈，翻译、设计")
    assert not reply.error, reply.text
    assert "Skills: 访谈, 翻译, 设计" in reply.text


def test_a_day_list_and_time_typed_with_full_width_marks(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    reply = say("lena", "schedule research tue，fri 20：00 90m 小茶馆　@　https://meet.example/t")
    assert not reply.error, reply.text
    meetup = export_network(uow)["meetups"][0]
    assert meetup["recurrence"] == "tue,fri"
    assert meetup["start"] == "20:00"
    assert meetup["title"] == "小茶馆"


def test_split_takes_roles_separated_by_full_width_commas(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    reply = say("lena", "split research listening interviewer，场景梳理员")
    assert not reply.error, reply.text
    with uow.begin() as s:
        moved = [r.slug for r in s.circles.require("listening").roles]
    assert moved == ["interviewer", "scenario-mapper"]


def test_the_free_text_keeps_its_full_width_punctuation(say: Say, uow: UnitOfWork) -> None:
    say("mei", "join")
    say("mei", "profile mission 帮邻居：送菜，取药")
    with uow.begin() as s:
        assert s.require_volunteer("console:mei").mission == "帮邻居：送菜，取药"


# -- section 2: circles, roles, kits and meetups by slug, name or prefix ---------------------


@pytest.mark.parametrize(
    "ref",
    [
        "小茶馆主持",
        "研发圈/小茶馆主持",
        "research/小茶馆主持",
        "研发圈/tea-house-host",
        "Tea-house",
        "research/tea-house",
        "小茶馆",
        "research／小茶馆主持",
    ],
)
def test_a_role_is_claimed_by_its_name_in_either_language(
    say: Say, uow: UnitOfWork, ref: str
) -> None:
    say("mei", "join")
    reply = say("mei", f"claim {ref}")
    assert not reply.error, reply.text
    assert holders(uow, "research", "tea-house-host") == ["mei"]
    assert not say("mei", f"release {ref}").error
    assert holders(uow, "research", "tea-house-host") == []


@pytest.mark.parametrize("name", ["研发圈", "research", "Research", "研发", "ＲＥＳＥＡＲＣＨ"])
def test_a_circle_is_shown_by_its_name(say: Say, name: str) -> None:
    reply = say("mei", f"circle {name}")
    assert not reply.error, reply.text
    assert reply.text.startswith("Research circle (research)")


def test_an_ambiguous_name_answers_with_the_candidates_as_buttons(
    say: Say, uow: UnitOfWork
) -> None:
    say("mei", "join")
    before = state(uow)
    reply = say("mei", "claim 工具包")  # kit tester, kit designer, kit distributor
    assert reply.error
    assert "Usage" not in reply.text
    assert buttons(reply) == [
        "claim content/kit-distributor",
        "claim practice/kit-tester",
        "claim product/kit-designer",
    ]
    labels = [b.label for row in reply.buttons for b in row]
    assert "Content circle/Kit distributor (content/kit-distributor)" in labels
    assert state(uow) == before
    assert not say("mei", buttons(reply)[1]).error
    assert holders(uow, "practice", "kit-tester") == ["mei"]


def test_an_ambiguous_circle_prefix_offers_each_circle(say: Say) -> None:
    reply = say("mei", "circle c")
    assert reply.error
    # Connect circle, Content circle, and Community mutual-aid network (the network circle).
    assert buttons(reply) == ["circle connect", "circle content", "circle network"]


def test_the_choices_of_an_ambiguous_name_are_listed_in_the_readers_language(say: Say) -> None:
    english = say("mei", "circle c")
    assert "connect, content, network" in english.text
    say("mei", "lang zh")
    chinese = say("mei", "circle c")
    assert "connect、content、network" in chinese.text
    assert ", " not in chinese.text


def test_an_ambiguous_circle_part_of_a_role_keeps_the_role_part(say: Say) -> None:
    say("mei", "join")
    reply = say("mei", "claim c/storyteller")
    assert buttons(reply) == [
        "claim connect/storyteller",
        "claim content/storyteller",
        "claim network/storyteller",
    ]


def test_an_unknown_name_is_named_in_the_refusal(say: Say, uow: UnitOfWork) -> None:
    say("mei", "join")
    before = state(uow)
    reply = say("mei", "claim 研发圈/不存在")
    assert reply.error and "has no role '不存在'" in reply.text
    assert "There is no circle '不存在圈'" in say("mei", "circle 不存在圈").text
    assert state(uow) == before


def test_slugs_stay_the_stored_keys(say: Say, uow: UnitOfWork) -> None:
    say("mei", "join")
    say("mei", "claim 小茶馆主持")
    circle = next(c for c in export_network(uow)["circles"] if c["slug"] == "research")
    assert [r["slug"] for r in circle["roles"]] == [
        "interviewer",
        "scenario-mapper",
        "tea-house-host",
    ]


def test_other_commands_take_circle_names(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    assert not say("lena", "schedule 研发圈 daily 20:00 30m 茶话").error
    assert "茶话" in say("mo", "meetups 研发圈").text
    assert not say("lena", "calendar 研发圈").error
    assert not say("lena", "newrole 研发圈 translator 翻译：把访谈译成英文").error
    assert "research/translator" in say("lena", "proposals 研发圈").text
    assert not say("lena", "accept 研发圈/翻译").error


def test_a_meetup_is_named_by_its_title(say: Say, uow: UnitOfWork) -> None:
    lead_research(say, uow)
    schedule(say)
    say("mo", "join")
    reply = say("mo", "rsvp 小茶馆 yes")
    assert not reply.error, reply.text


def test_a_kit_is_named_by_its_title(say: Say, dispatcher: Dispatcher) -> None:
    kit = dispatcher.kits.get("parcel-sorting")
    title = kit.title.get("zh")
    reply = say("mei", f"kit {title[:3]} zh neighborhood=古北")
    assert not reply.error, reply.text
    assert reply.attachments and reply.attachments[0].filename.startswith("parcel-sorting")


def test_kit_parameters_may_be_separated_by_a_full_width_space(say: Say) -> None:
    reply = say("mei", f"kit parcel-sorting zh{IDEOGRAPHIC_SPACE}neighborhood=古北")
    assert not reply.error, reply.text


# -- section 5: buttons only for what the reader may do; usage only after a typing error -----


def test_proposals_offer_accept_only_to_leads_and_object_only_to_other_members(
    say: Say, uow: UnitOfWork
) -> None:
    lead_research(say, uow)
    say("mo", "claim research/interviewer")
    say("zoe", "claim research/scenario-mapper")
    assert not say("mo", "newrole research translator Translator: interviews in English").error
    proposer = buttons(say("mo", "proposals"))
    assert proposer == []  # mo proposed it: neither object nor accept
    member = buttons(say("zoe", "proposals"))
    assert member == ["object research/translator"]
    lead = buttons(say("lena", "proposals"))
    assert lead == ["object research/translator", "accept research/translator"]
    assert buttons(say("stranger", "proposals")) == []


def test_usage_follows_only_an_error_in_how_the_line_was_typed(say: Say) -> None:
    assert "Usage: claim <role>" in say("mei", "claim").text  # missing argument
    not_joined = say("mei", "claim research/interviewer")
    assert not_joined.error and "Usage" not in not_joined.text
    say("mei", "join")
    say("mei", "propose Parcel sorting")
    backed = say("mei", "back 1")
    assert backed.error and "Usage" not in backed.text
    assert "Usage: back <topic>" in say("mei", "back #").text


def lead_research(say: Say, uow: UnitOfWork) -> None:
    """lena leads research; mo and zoe are volunteers."""
    for name in ("lena", "mo", "zoe"):
        say(name, "join")
    with uow.begin() as s:
        lena = s.require_volunteer("console:lena")
    appoint_lead(uow, "research", lena.id)


def schedule(say: Say) -> str:
    reply = say("lena", "schedule research tue,fri 20:00 90m 小茶馆 @ https://meet.example/t")
    assert not reply.error, reply.text
    match = re.search(r"\((m[0-9a-f]{8})\)", reply.text)
    assert match, reply.text
    return match.group(1)
