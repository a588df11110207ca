"""Topic documents and the slugs action groups get from their titles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from circles.errors import Conflict
from circles.text import SLUG
from circles.topic import FORMED, Topic, ascii_slug, group_slug

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def test_a_topic_round_trips_through_its_document() -> None:
    topic = Topic("7", "Water", "v1", NOW, backers=["v1", "v2"])
    doc = topic.to_doc()
    assert doc == {
        "id": "7",
        "title": "Water",
        "proposer": "v1",
        "backers": ["v1", "v2"],
        "status": "open",
        "circle": None,
        "parent": "practice",
        "created_at": NOW.isoformat(),
        "formed_at": None,
    }
    assert Topic.from_doc(doc) == topic


def test_backing_twice_or_backing_a_formed_topic_is_refused() -> None:
    topic = Topic("1", "Water", "v1", NOW, backers=["v1"])
    with pytest.raises(Conflict, match="already back"):
        topic.back("v1")
    topic.status, topic.circle = FORMED, "water"
    with pytest.raises(Conflict, match="already the action group water"):
        topic.back("v2")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Parcel sorting at Xinhua Road!", "parcel-sorting-at-xinhua-road"),
        ("  Café & crèche  ", "cafe-creche"),
        ("社区团购", ""),
        (
            "A very long title about sorting parcels for every building",
            "a-very-long-title-about-sorting",
        ),
        ("x" * 40, "x" * 32),
    ],
)
def test_ascii_slugs_from_titles(title: str, slug: str) -> None:
    assert ascii_slug(title) == slug
    assert not slug or SLUG.match(slug)


def test_group_slugs_fall_back_for_chinese_and_stay_unique() -> None:
    taken = {"water", "water-2", "group-4"}
    assert group_slug("Water", "1", taken.__contains__) == "water-3"
    assert group_slug("社区团购", "4", taken.__contains__) == "group-4-2"
    assert (
        group_slug("团购 QR", "5", taken.__contains__) == "group-5"
    )  # too little ASCII to say much
    long = "y" * 32
    assert group_slug(long, "6", {long}.__contains__) == "y" * 30 + "-2"
