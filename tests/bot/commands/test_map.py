"""The map command answers anyone with the map as a PNG and the live map's link."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import Say


def test_map_sends_the_png_and_the_link(say: Say) -> None:
    reply = say("visitor", "map")
    assert not reply.error
    (image,) = reply.attachments
    assert image.mime == "image/png" and image.data.startswith(b"\x89PNG")
    assert "http://127.0.0.1:8080/map" in reply.text


def test_map_takes_no_arguments(say: Say) -> None:
    reply = say("visitor", "map everything")
    assert reply.error and "map" in reply.text


def test_map_without_cairo_says_so_and_points_to_the_live_map(
    say: Say, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry makes `import cairosvg` raise ImportError, as on a machine without libcairo2.
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    reply = say("visitor", "map")
    assert reply.error and not reply.attachments
    assert "map image is not available" in reply.text and "live map" in reply.text
    assert say("visitor", "circles").error is False
