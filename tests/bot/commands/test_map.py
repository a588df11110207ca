"""The map command answers anyone with the map as a PNG and the live map's link."""

from __future__ import annotations

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
