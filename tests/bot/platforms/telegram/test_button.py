"""Callback data of inline buttons: fits in 64 bytes, round-trips, refuses forged and stale."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.platforms.telegram.button import MAX_BYTES, ButtonCodec, ButtonError, Press

SECRET = "123456:ABC-secret"


def test_a_claim_button_from_a_circle_view_fits_inline() -> None:
    codec = ButtonCodec(SECRET)
    press = Press("claim practice/action-group-coordinator", "circle practice")
    data = codec.encode(press)
    assert len(data.encode()) <= MAX_BYTES
    assert data.startswith("1")  # inline: survives a restart
    assert ButtonCodec(SECRET).decode(data) == press


def test_a_long_press_is_kept_in_memory_and_expires_when_forgotten() -> None:
    codec = ButtonCodec(SECRET, remembered=2)
    long_press = Press("rsvp " + "x" * 60, "meetups research")
    data = codec.encode(long_press)
    assert len(data.encode()) <= MAX_BYTES
    assert codec.decode(data) == long_press
    codec.encode(Press("rsvp " + "y" * 60))
    codec.encode(Press("rsvp " + "z" * 60))
    with pytest.raises(ButtonError, match="expired"):
        codec.decode(data)


def test_a_restarted_bot_refuses_stored_presses_as_expired_not_forged() -> None:
    data = ButtonCodec(SECRET).encode(Press("say " + "w" * 70))
    with pytest.raises(ButtonError, match="expired"):
        ButtonCodec(SECRET).decode(data)


@pytest.mark.parametrize(
    "data",
    [
        "",
        None,
        "1",
        "claim research/interviewer",
        "1AAAAAAAAclaim research/interviewer|",
        "2AAAAAAAAabcdefgh",
        "9" + "x" * 40,
        "1ü" * 20,
    ],
)
def test_forged_data_is_refused(data: str | None) -> None:
    with pytest.raises(ButtonError, match="not one of mine"):
        ButtonCodec(SECRET).decode(data)


def test_data_signed_with_another_token_is_refused() -> None:
    data = ButtonCodec("999:other").encode(Press("claim research/interviewer"))
    with pytest.raises(ButtonError, match="not one of mine"):
        ButtonCodec(SECRET).decode(data)


def test_tampering_with_the_command_is_detected() -> None:
    codec = ButtonCodec(SECRET)
    data = codec.encode(Press("claim research/interviewer", "circle research"))
    with pytest.raises(ButtonError):
        codec.decode(data.replace("interviewer", "tea-house-host"))


@given(command=st.text(max_size=120), refresh=st.text(max_size=80))
def test_every_press_encodes_within_64_bytes_and_round_trips(command: str, refresh: str) -> None:
    codec = ButtonCodec(SECRET)
    press = Press(command, refresh)
    data = codec.encode(press)
    assert 1 <= len(data.encode()) <= MAX_BYTES
    assert codec.decode(data) == press


@given(data=st.text(max_size=80))
def test_decoding_random_data_either_refuses_or_returns_a_press(data: str) -> None:
    try:
        press = ButtonCodec(SECRET).decode(data)
    except ButtonError:
        return
    assert isinstance(press, Press)
