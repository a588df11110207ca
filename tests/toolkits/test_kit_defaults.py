"""Kits agree on their defaults: the same default is written the same way in every kit (a kit
may pick another word: 小区 for a compound, 社区 for a community), and a line that starts with a
parameter starts with a capital."""

from __future__ import annotations

from collections import defaultdict

from toolkits.catalog import Catalog
from toolkits.render import Renderer
from toolkits.templating import upper_first


def test_the_same_default_is_spelt_the_same_in_every_kit(catalog: Catalog) -> None:
    # Once "Our neighborhood" in one kit and "our neighborhood" in another.
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kit in catalog.list():
        for parameter in kit.parameters:
            for value in parameter.defaults.values():
                spellings[(parameter.name, value.casefold())].add(value)
    assert ("neighborhood", "our neighborhood") in spellings
    assert {key: found for key, found in spellings.items() if len(found) > 1} == {}


def test_the_english_neighborhood_default_reads_mid_sentence_and_on_a_sign(
    catalog: Catalog, renderer: Renderer
) -> None:
    text = renderer.markdown(catalog.get("parcel-sorting"), "en", {"buildings": "1"})
    assert "for **our neighborhood**" in text
    assert "\nOur neighborhood · Parcels for these buildings go here" in text


def test_upper_first_keeps_the_rest_of_a_name() -> None:
    assert upper_first("our neighborhood") == "Our neighborhood"
    assert upper_first("new York") == "New York"
    assert upper_first("新华路小区") == "新华路小区"
    assert upper_first("") == ""
