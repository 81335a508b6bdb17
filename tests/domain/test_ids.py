"""Identifiers: UUIDv7 event ids, and the short incident references read aloud on a bridge."""

from __future__ import annotations

import re
import uuid

import pytest

from mimdesk.domain.ids import CROCKFORD, crockford, new_id, normalise_crockford, uuid7
from mimdesk.domain.incident import reference_for

REFERENCE = re.compile(r"^MI-[0-9A-HJKMNP-TV-Z]{5}$")


def test_uuid7_has_version_7_and_the_rfc_variant():
    u = uuid7(1_795_000_000_123)
    assert u.version == 7
    assert u.variant == uuid.RFC_4122


def test_uuid7_carries_its_millisecond_timestamp_in_the_top_48_bits():
    for ms in (0, 1, 1_795_000_000_123, (1 << 48) - 1):
        assert uuid7(ms).int >> 80 == ms


def test_uuid7_sorts_by_time_as_integer_and_as_text():
    ids = [uuid7(ms) for ms in (1_000, 1_001, 2_000, 1_795_000_000_000)]
    assert ids == sorted(ids, key=lambda u: u.int)
    assert [str(u) for u in ids] == sorted(str(u) for u in ids)


def test_uuid7_is_unique_within_one_millisecond():
    ids = {uuid7(1_795_000_000_000) for _ in range(20_000)}
    assert len(ids) == 20_000


def test_new_id_is_a_canonical_uuid7_string_of_now():
    import time

    before = int(time.time() * 1000)
    text = new_id()
    after = int(time.time() * 1000)
    parsed = uuid.UUID(text)
    assert str(parsed) == text
    assert parsed.version == 7
    assert before <= parsed.int >> 80 <= after


def test_crockford_alphabet_leaves_out_ambiguous_letters():
    assert len(CROCKFORD) == 32
    assert len(set(CROCKFORD)) == 32
    assert not set("ILOU") & set(CROCKFORD)


@pytest.mark.parametrize(
    ("number", "length", "text"),
    [(0, 3, "000"), (31, 1, "Z"), (32, 2, "10"), (1234, 3, "16J"), (2**25 - 1, 5, "ZZZZZ")],
)
def test_crockford_encodes_fixed_width(number, length, text):
    assert crockford(number, length) == text


def test_crockford_keeps_only_the_low_bits_that_fit():
    assert crockford(2**25 + 5, 5) == crockford(5, 5) == "00005"


def test_reference_format():
    for _ in range(200):
        assert REFERENCE.match(reference_for(new_id()))


def test_reference_is_deterministic_and_uses_the_random_low_bits():
    low = 0b10101_01010_11111_00000_10001  # 25 bits
    a = uuid.UUID(int=(0x019AC9B0_1000 << 80) | (0x7 << 76) | (0b10 << 62) | low)
    b = uuid.UUID(int=(0x019AC9B0_9999 << 80) | (0x7 << 76) | (0b10 << 62) | (1 << 40) | low)
    assert reference_for(str(a)) == reference_for(str(a))
    # Different time and high random bits, the same low 25 bits: the same reference.
    assert reference_for(str(a)) == reference_for(str(b)) == "MI-" + crockford(low, 5)
    c = uuid.UUID(int=a.int ^ 1)
    assert reference_for(str(c)) != reference_for(str(a))


def test_longer_reference_extends_the_short_one_to_the_left():
    sid = new_id()
    short, long = reference_for(sid), reference_for(sid, 7)
    assert len(long) == len("MI-") + 7
    assert long.endswith(short.removeprefix("MI-"))


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("7KQ4F", "7KQ4F"),
        ("7kq4f", "7KQ4F"),
        ("  7kq4f\n", "7KQ4F"),
        ("7kq-4f", "7KQ4F"),
        ("7KQ 4F", "7KQ4F"),
        ("O0o", "000"),
        ("IiLl1", "11111"),
    ],
)
def test_normalise_crockford_reads_what_people_type(typed, code):
    assert normalise_crockford(typed) == code


def test_normalise_crockford_result_is_in_the_alphabet_for_any_alphabet_lookalike():
    typed = "0123456789abcdefghijklmnopqrstvwxyzOIL"
    typed = typed.replace("u", "")
    assert set(normalise_crockford(typed)) <= set(CROCKFORD)
