"""Parameter checks: building ranges, text, numbers, defaults and unknown names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkits.errors import KitFormatError, KitParameterError
from toolkits.language import Localized
from toolkits.parameters import (
    Parameter,
    format_ranges,
    parse_building_ranges,
    resolve_parameters,
)


def test_ranges_expand_to_sorted_building_numbers() -> None:
    numbers = parse_building_ranges("1-8,10,12-20")
    assert numbers == (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20)
    assert len(numbers) == 18


@pytest.mark.parametrize(
    "text",
    ["1-3, 5", "１－３，５", "1–3、5", "1 ~ 3 5", "1-3;5", "5,1-3,2"],
)
def test_ranges_accept_what_people_type_on_phones(text: str) -> None:
    assert parse_building_ranges(text) == (1, 2, 3, 5)


def test_overlapping_ranges_count_each_building_once() -> None:
    assert parse_building_ranges("1-5,3-7") == (1, 2, 3, 4, 5, 6, 7)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "needs at least one building number"),
        (" , ", "needs at least one building number"),
        ("1-8,x", "has x, which is not a building number or range"),
        ("1--3", "not a building number or range"),
        ("8-1", "the range 8-1 backwards"),
        ("0-3", "has building 0; numbers must be between 1 and 9999"),
        ("1-300,400", "more than 300 buildings"),
    ],
)
def test_bad_ranges_say_what_is_wrong_and_name_the_parameter(text: str, fragment: str) -> None:
    with pytest.raises(KitParameterError) as caught:
        parse_building_ranges(text, name="buildings")
    assert fragment in str(caught.value)
    assert caught.value.params["name"] == "buildings"
    assert "{" in caught.value.message  # a template the bot layer can translate


def test_ranges_respect_custom_bounds() -> None:
    with pytest.raises(KitParameterError, match="between 1 and 30"):
        parse_building_ranges("25-31", high=30)
    with pytest.raises(KitParameterError, match="more than 5 buildings"):
        parse_building_ranges("1-6", max_count=5)


def test_format_ranges_collapses_runs() -> None:
    assert format_ranges([5, 1, 2, 3, 10, 11]) == "1–3, 5, 10–11"
    assert format_ranges([7]) == "7"
    assert format_ranges([1, 2], dash="-", separator=",") == "1-2"


@given(st.sets(st.integers(min_value=1, max_value=9999), min_size=1, max_size=300))
def test_format_then_parse_gives_the_same_buildings(numbers: set[int]) -> None:
    text = format_ranges(numbers, dash="-", separator=",")
    assert parse_building_ranges(text) == tuple(sorted(numbers))


def _parameter(**overrides: object) -> Parameter:
    spec: dict[str, object] = {
        "name": "city",
        "type": "str",
        "label": Localized({"zh": "城市", "en": "City"}),
        "defaults": {"zh": "上海", "en": "Shanghai"},
    }
    spec.update(overrides)
    return Parameter(**spec)  # type: ignore[arg-type]


def test_text_is_trimmed_and_limited_in_length() -> None:
    city = _parameter(max_length=5)
    assert city.parse("  Wuhan ") == "Wuhan"
    with pytest.raises(KitParameterError, match="city must be at most 5 characters"):
        city.parse("Chongqing")


@pytest.mark.parametrize("value", ["two\nlines", "tab\there", "zero\u200bwidth"])
def test_text_must_be_one_plain_line(value: str) -> None:
    with pytest.raises(KitParameterError, match="city must be one line of plain text"):
        _parameter().parse(value)


def test_numbers_are_checked_against_their_bounds() -> None:
    days = _parameter(name="days", type="int", defaults={"zh": "14", "en": "14"}, min=0, max=30)
    assert days.parse(" 7 ") == 7
    assert days.parse("１４") == 14
    with pytest.raises(KitParameterError, match="days must be between 0 and 30"):
        days.parse("31")
    with pytest.raises(KitParameterError, match="days must be a whole number, like 14"):
        days.parse("seven")
    with pytest.raises(KitParameterError, match="days must be a whole number"):
        days.parse("1e9")


def test_one_sided_bounds_get_their_own_sentence() -> None:
    low = _parameter(name="n", type="int", defaults={"en": "3"}, min=1)
    with pytest.raises(KitParameterError, match="n must be at least 1"):
        low.parse("0")
    high = _parameter(name="n", type="int", defaults={"en": "3"}, max=5)
    with pytest.raises(KitParameterError, match="n must be at most 5"):
        high.parse("6")


def test_resolve_uses_defaults_per_language_for_missing_and_blank_values() -> None:
    parameters = [_parameter(), _parameter(name="days", type="int", defaults={"en": "14"})]
    assert resolve_parameters(parameters, {}, "zh") == {"city": "上海", "days": 14}
    assert resolve_parameters(parameters, {"city": "  "}, "en") == {"city": "Shanghai", "days": 14}
    assert resolve_parameters(parameters, {"days": "3"}, "en") == {"city": "Shanghai", "days": 3}


def test_resolve_refuses_unknown_names_and_lists_the_known_ones() -> None:
    with pytest.raises(KitParameterError) as caught:
        resolve_parameters([_parameter()], {"cty": "Wuhan"}, "en")
    assert str(caught.value) == "This kit has no parameter cty; it takes city."
    with pytest.raises(KitParameterError, match="takes no parameters, not even x"):
        resolve_parameters([], {"x": "1"}, "en")


def test_a_number_too_long_for_any_kit_is_out_of_range_not_a_non_number() -> None:
    days = _parameter(name="days", type="int", defaults={"en": "14"}, min=0, max=30)
    with pytest.raises(KitParameterError, match="days must be between 0 and 30"):
        days.parse("12345678901234567890")
    free = _parameter(name="n", type="int", defaults={"en": "3"})
    with pytest.raises(KitParameterError, match="n must be between -999999999 and 999999999"):
        free.parse("-12345678901234567890")
    assert free.parse("999999999") == 999_999_999


def test_an_empty_building_list_is_refused_naming_the_parameter() -> None:
    buildings = _parameter(name="buildings", type="ranges", defaults={"en": "1-24"})
    assert resolve_parameters([buildings], {}, "en") == {"buildings": tuple(range(1, 25))}
    with pytest.raises(KitParameterError, match="buildings needs at least one building number"):
        resolve_parameters([buildings], {"buildings": " "}, "en")


@pytest.mark.parametrize("value", ["a\ue000b", "a\U0010fffd", "a\U000e0fffb"])
def test_characters_no_font_has_are_refused_naming_the_parameter(value: str) -> None:
    with pytest.raises(KitParameterError, match="city has a character that cannot be printed"):
        _parameter().parse(value)


def test_emoji_and_rare_chinese_characters_are_accepted() -> None:
    assert _parameter().parse("阳光🏠小区𪚥") == "阳光🏠小区𪚥"


@pytest.mark.parametrize("name", ["lang", "page_lang"])
def test_a_kit_cannot_declare_a_parameter_the_portal_reads_itself(name: str) -> None:
    # On a download address ?lang= is the kit's language and ?page_lang= the reader's.
    with pytest.raises(KitFormatError, match="not kit, lang"):
        Parameter.from_yaml({"name": name, "label": "x"}, where="kits/x")
