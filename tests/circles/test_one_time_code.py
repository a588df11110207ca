"""One-time codes: readable, typed loosely, stored only as a digest bound to their purpose."""

from __future__ import annotations

from circles.one_time_code import ALPHABET, digest, new_code, normalize, well_formed


def test_codes_avoid_look_alike_characters_and_read_in_two_groups() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        first, second = code.split("-")
        assert len(first) == len(second) == 4
        assert set(first + second) <= set(ALPHABET)
        assert not set("01OIL") & set(code)


def test_a_code_may_be_typed_in_lower_case_without_the_dash() -> None:
    code = "ABCD-EFGH"
    assert normalize("abcd efgh") == normalize("abcdefgh") == normalize(code) == "ABCDEFGH"
    assert digest("link", "abcdefgh") == digest("link", code)
    assert well_formed("abcd-efgh") and not well_formed("abcd-efg") and not well_formed("ABCD-EFG0")


def test_the_digest_depends_on_the_purpose_and_hides_the_code() -> None:
    code = new_code()
    assert digest("link", code) != digest("forget", code)
    assert normalize(code) not in digest("link", code)
