"""Hybrid logical clock: timestamps that sort causally and stay near wall time.

An HLC value packs milliseconds since the epoch in the high bits and a 16-bit counter in the
low bits (``ms << 16 | counter``), so it fits a signed 64-bit integer column and sorts as a
plain number. A desk whose wall clock goes backwards (NTP step, sleep, a wrong clock fixed by
hand) still issues increasing values.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1


def pack(ms: int, counter: int) -> int:
    return (ms << COUNTER_BITS) | counter


def wall_ms(hlc: int) -> int:
    """The wall-clock part of an HLC value, in milliseconds since the epoch."""
    return hlc >> COUNTER_BITS


def counter(hlc: int) -> int:
    return hlc & COUNTER_MASK


@dataclass
class HybridClock:
    """The desk's HLC. ``last`` is persisted by the store so a restart never moves it back."""

    last: int = 0

    def tick(self, now_ms: int) -> int:
        """A new timestamp for a local event happening at wall time ``now_ms``."""
        last_ms, last_c = wall_ms(self.last), counter(self.last)
        if now_ms > last_ms:
            self.last = pack(now_ms, 0)
        elif last_c < COUNTER_MASK:
            self.last = pack(last_ms, last_c + 1)
        else:
            # The counter is exhausted within one millisecond: borrow the next millisecond
            # rather than wrap, which would break ordering.
            self.last = pack(last_ms + 1, 0)
        return self.last

    def receive(self, remote: int, now_ms: int) -> int:
        """Merge a timestamp seen on an event from another desk."""
        self.last = max(self.last, remote)
        return self.tick(now_ms) if wall_ms(self.last) < now_ms else self.last
