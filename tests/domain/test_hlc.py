"""The hybrid logical clock: increasing whatever the wall clock does."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from mimdesk.domain import hlc
from mimdesk.domain.hlc import COUNTER_BITS, COUNTER_MASK, HybridClock

NOW = 1_795_000_000_000  # late 2026, in milliseconds


def test_pack_and_unpack_round_trip():
    value = hlc.pack(NOW, 17)
    assert hlc.wall_ms(value) == NOW
    assert hlc.counter(value) == 17
    assert value == (NOW << COUNTER_BITS) | 17


def test_values_fit_a_signed_64_bit_column_until_far_in_the_future():
    year_3000_ms = 32_503_680_000_000
    assert hlc.pack(year_3000_ms, COUNTER_MASK) < 2**63


def test_packed_values_sort_by_time_then_counter():
    assert hlc.pack(NOW, COUNTER_MASK) < hlc.pack(NOW + 1, 0)
    assert hlc.pack(NOW, 1) < hlc.pack(NOW, 2)


def test_tick_follows_the_wall_clock_when_it_moves_forward():
    clock = HybridClock()
    assert clock.tick(NOW) == hlc.pack(NOW, 0)
    assert clock.tick(NOW + 5) == hlc.pack(NOW + 5, 0)


def test_tick_counts_within_one_millisecond():
    clock = HybridClock()
    values = [clock.tick(NOW) for _ in range(3)]
    assert values == [hlc.pack(NOW, 0), hlc.pack(NOW, 1), hlc.pack(NOW, 2)]


def test_tick_keeps_increasing_when_the_wall_clock_goes_backwards():
    clock = HybridClock()
    walls = [NOW, NOW - 1, NOW - 60_000, NOW - 3_600_000, NOW, NOW + 1]
    values = [clock.tick(w) for w in walls]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    # While the wall clock is behind, the clock holds its millisecond and counts.
    assert [hlc.wall_ms(v) for v in values[:5]] == [NOW] * 5
    assert [hlc.counter(v) for v in values[:5]] == [0, 1, 2, 3, 4]
    assert values[5] == hlc.pack(NOW + 1, 0)


def test_counter_overflow_borrows_the_next_millisecond():
    clock = HybridClock(hlc.pack(NOW, COUNTER_MASK - 1))
    a = clock.tick(NOW)
    b = clock.tick(NOW)
    assert a == hlc.pack(NOW, COUNTER_MASK)
    assert b == hlc.pack(NOW + 1, 0)
    assert b > a
    # The next real millisecond does not go back below the borrowed one.
    c = clock.tick(NOW + 1)
    assert c == hlc.pack(NOW + 1, 1)


def test_counter_never_spills_into_the_time_bits():
    clock = HybridClock()
    values = [clock.tick(NOW) for _ in range(COUNTER_MASK + 3)]
    assert all(0 <= hlc.counter(v) <= COUNTER_MASK for v in values)
    assert all(a < b for a, b in itertools.pairwise(values))
    assert hlc.wall_ms(values[-1]) == NOW + 1


def test_receive_a_timestamp_from_a_desk_whose_clock_is_ahead():
    clock = HybridClock()
    clock.tick(NOW)
    remote = hlc.pack(NOW + 10_000, 3)
    merged = clock.receive(remote, NOW)
    assert merged >= remote
    # Everything this desk does next sorts after what it has seen.
    assert clock.tick(NOW) > remote


def test_receive_a_timestamp_from_a_desk_whose_clock_is_behind():
    clock = HybridClock()
    clock.tick(NOW - 10)
    merged = clock.receive(hlc.pack(NOW - 5_000, 9), NOW)
    # The local wall clock is ahead of both: the merge moves to it.
    assert merged == hlc.pack(NOW, 0)


def test_receive_never_moves_the_clock_back():
    clock = HybridClock(hlc.pack(NOW, 40))
    merged = clock.receive(hlc.pack(NOW - 100, 0), NOW - 200)
    assert merged == hlc.pack(NOW, 40)
    assert clock.last == merged


operations = st.lists(
    st.tuples(
        st.sampled_from(["tick", "receive"]),
        st.integers(NOW - 100_000, NOW + 100_000),  # the wall clock, jumping both ways
        st.integers(NOW - 100_000, NOW + 100_000),  # a remote wall time
        st.integers(0, COUNTER_MASK),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_property_ticks_strictly_increase_and_pass_everything_seen(ops):
    clock = HybridClock()
    seen = 0
    last_tick = -1
    for op, wall, remote_ms, remote_counter in ops:
        before = clock.last
        if op == "tick":
            value = clock.tick(wall)
            assert value > last_tick
            assert value > seen
            last_tick = value
        else:
            remote = hlc.pack(remote_ms, remote_counter)
            value = clock.receive(remote, wall)
            assert value >= remote
        assert value >= before
        assert clock.last == value
        seen = max(seen, value)
