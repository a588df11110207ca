"""One rule for names and text on every platform: keep what a person sees, drop what hides."""

from __future__ import annotations

import pytest

from circles.actor import Actor
from circles.errors import Invalid
from circles.services import membership, topics
from circles.services.checkins import record_checkin
from circles.text import clean
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import Catalog

TECHNOLOGIST = "\U0001f469\u200d\U0001f4bb"  # woman + ZWJ + laptop: one glyph
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
FLAG = "\U0001f1e8\U0001f1f3"  # two regional indicators
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tag sequence
RAINBOW = "\U0001f3f3\ufe0f\u200d\U0001f308"
ACCENTED = "Zoe\u0308"  # a combining diaeresis; NFC makes it one letter
SEEN = [TECHNOLOGIST, FAMILY, FLAG, SCOTLAND, RAINBOW]


@pytest.mark.parametrize("emoji", SEEN)
def test_emoji_sequences_are_kept_as_the_person_wrote_them(emoji: str) -> None:
    assert clean(f"Ann {emoji}", field="name", max_length=80) == f"Ann {emoji}"


def test_combining_marks_are_kept() -> None:
    assert clean(ACCENTED, field="name", max_length=80) == "Zo\u00eb"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Ann\u200f", "Ann"),  # right-to-left mark
        ("An\u00adn", "Ann"),  # soft hyphen
        ("\u202eAnn\u202c", "Ann"),  # bidi override and pop
        ("\u2067Ann\u2069", "Ann"),  # right-to-left isolate
        ("A\u200bn\u2060n\ufeff", "Ann"),  # zero-width space, word joiner, BOM
        ("A\x00n\x07n\x1b", "Ann"),  # control characters
        ("Ann\u3164", "Ann"),  # a Hangul filler draws nothing
        ("Ann\nLee\tW", "Ann Lee W"),  # line breaks and tabs are whitespace
    ],
)
def test_invisible_harmful_characters_are_dropped(raw: str, shown: str) -> None:
    assert clean(raw, field="name", max_length=80) == shown


@pytest.mark.parametrize("raw", ["\u200d", "\u200f\u202e", "\ufe0f \u00ad", "\x00"])
def test_a_name_of_nothing_visible_is_empty(raw: str) -> None:
    with pytest.raises(Invalid, match="must not be empty"):
        clean(raw, field="name", max_length=80)


def test_a_slack_user_with_a_zwj_emoji_and_a_rtl_mark_can_join(uow: UnitOfWork) -> None:
    ann = Actor("slack:T1:U1", f"Ann {TECHNOLOGIST}\u200f\u00ad")
    joined = membership.join(uow, ann)
    assert joined.volunteer.name == f"Ann {TECHNOLOGIST}"


def test_profile_names_topics_and_checkins_keep_emoji(uow: UnitOfWork, kits: Catalog) -> None:
    ann = Actor("slack:T1:U1", "Ann")
    membership.join(uow, ann)
    volunteer = membership.update_profile(uow, ann, "name", f"Ann {FAMILY} {FLAG}")
    assert volunteer.name == f"Ann {FAMILY} {FLAG}"
    change = topics.propose_topic(uow, ann, f"Rainbow walk {RAINBOW}\u202e", threshold=3)
    assert change.topic.title == f"Rainbow walk {RAINBOW}"
    checkin = record_checkin(uow, ann, f"sorted parcels {SCOTLAND}\u2066", kits)
    assert checkin.text == f"sorted parcels {SCOTLAND}"
