"""The map is rasterised once per revision and language, however many ask at once."""

from __future__ import annotations

import threading

import pytest

from bot.circle_map import drawings
from bot.commands.dispatch import Dispatcher
from tests.conftest import Say


@pytest.fixture
def rasterised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SVGs handed to the rasteriser; the PNG is a stand-in naming how many came before."""
    seen: list[str] = []

    def counting(svg: str) -> bytes:
        seen.append(svg)
        return f"PNG {len(seen)}".encode()

    monkeypatch.setattr(drawings, "svg_to_png", counting)
    return seen


def test_map_asked_again_is_not_drawn_again_until_the_map_changes(
    say: Say, rasterised: list[str]
) -> None:
    first = say("visitor", "map").attachments[0].data
    assert say("someone", "map").attachments[0].data == first
    assert len(rasterised) == 1
    say("alice", "join")
    say("alice", "claim research/interviewer")
    assert say("visitor", "map").attachments[0].data == b"PNG 2"
    assert "alice" in rasterised[1] and "alice" not in rasterised[0]


def test_each_language_has_its_own_drawing(say: Say, rasterised: list[str]) -> None:
    say("visitor", "map")
    say("chinese", "join")
    say("chinese", "lang zh")
    say("chinese", "map")
    say("chinese", "map")
    assert len(rasterised) == 2
    assert "Research circle" in rasterised[0] and "研发圈" in rasterised[1]


def test_a_burst_of_map_requests_draws_once(dispatcher: Dispatcher, rasterised: list[str]) -> None:
    from bot.circle_map.snapshot import read_circle_map

    circle_map = read_circle_map(dispatcher.uow)
    start = threading.Barrier(8)
    answers: list[bytes] = []

    def ask() -> None:
        start.wait()
        answers.append(dispatcher.map_drawings.png(circle_map, "zh"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [b"PNG 1"] * 8 and len(rasterised) == 1
