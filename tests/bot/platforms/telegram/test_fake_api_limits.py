"""The fake Bot API's flood limits, which the fan-out benchmark relies on to count 429s."""

from __future__ import annotations

from tests.fakes.telegram_api import RateLimits


def test_the_31st_send_in_a_second_is_refused_and_not_counted() -> None:
    limits = RateLimits(overall=30, per_group=20)
    answers = [limits.retry_after(1000 + n, 10.0 + n / 100) for n in range(31)]
    assert answers[:30] == [None] * 30
    assert answers[30] == 1 and limits.refused == 1
    assert limits.retry_after(2000, 11.0) is None  # the first send has left the window


def test_a_group_gets_20_a_minute() -> None:
    limits = RateLimits(overall=30, per_group=20)
    assert all(limits.retry_after(-5, float(n)) is None for n in range(20))
    assert limits.retry_after(-5, 20.0) == 40  # the first left at 0 s leaves the minute at 60 s
    assert limits.retry_after(-6, 20.0) is None  # another group is not held
    assert limits.retry_after(-5, 60.0) is None
