"""The governance section: durations down to one minute, the quorum as a fraction, and one
clear line naming the key for a bad value."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from bot.config import ConfigError, parse_config
from circles.governance import Governance


def test_defaults_and_a_trial_network_of_minutes() -> None:
    assert parse_config("", {}).network.governance == Governance()
    text = (
        "governance:\n  close_after: 1m\n  quorum: 50%\n  quorum_min: 3\n  remind_before: 1m\n"
        "  term_notice: 2m\n  term_grace: 1m\n  max_terms: 4\n  positions: counts\n"
    )
    rules = parse_config(text, {}).network.governance
    assert rules.close_after == rules.remind_before == rules.term_grace == timedelta(minutes=1)
    assert rules.quorum == Fraction(1, 2) and rules.quorum_min == 3 and rules.max_terms == 4
    assert rules.positions == "counts"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("close_after: 30s", "governance.close_after"),
        ("close_after: soon", "governance.close_after"),
        ("quorum: 3/2", "governance.quorum"),
        ("quorum: a third", "governance.quorum"),
        ("max_terms: 0", "governance.max_terms"),
        ("positions: everyone", "governance.positions"),
        ("votes: 3", "governance.votes"),
    ],
)
def test_a_bad_value_names_its_key(line: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_config(f"governance:\n  {line}\n", {})


def test_the_quorum_is_a_share_of_members_at_least_the_minimum_never_more_than_members() -> None:
    rules = Governance()
    assert [rules.quorum_for(n) for n in (1, 2, 3, 6, 7, 30)] == [1, 2, 2, 2, 3, 10]
