"""One-time codes: readable, typed loosely, stored only as a keyed digest bound to their purpose."""

from __future__ import annotations

import hashlib

from circles.one_time_code import ALPHABET, digest, new_code, normalize, well_formed

KEY = bytes(range(32))


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
    assert digest(KEY, "link", "abcdefgh") == digest(KEY, "link", code)
    assert well_formed("abcd-efgh") and not well_formed("abcd-efg") and not well_formed("ABCD-EFG0")


def test_the_digest_depends_on_the_purpose_and_hides_the_code() -> None:
    code = new_code()
    assert digest(KEY, "link", code) != digest(KEY, "forget", code)
    assert normalize(code) not in digest(KEY, "link", code)


def test_without_the_key_the_digest_cannot_be_recomputed_from_a_guess() -> None:
    code = new_code()
    stored = digest(KEY, "link", code)
    # The old, unkeyed digest: anyone reading the store could test all 31^8 codes against it.
    assert stored != hashlib.sha256(f"link:{normalize(code)}".encode()).hexdigest()
    assert stored != digest(bytes(32), "link", code)  # another key, another digest
