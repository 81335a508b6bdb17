"""What the sync remembers between runs about trouble in the log, kept in the local
``sync_state`` table (key/value, so no local migration) and so shared by every process that
opens this desk's file (the window, ``mimdesk sync --once``, the agent):

- ``gap_waited``: the seq of the hole in the shared log the pull already waited for once; the
  next pull, in this process or another, steps over it;
- ``holes``: seqs stepped over, as ``[first, last]`` ranges (the newest few), for the alarm;
- ``skipped``: rows of the shared log this desk did not load (over the payload limit, or not
  readable): ``seq -> {id, stream, size, why}``. Anti-entropy counts them as present, so they
  are not fetched again and again;
- ``refused``: this desk's own events the shared database refused (too large, malformed):
  ``event_id -> reason``. They stay here, pending, and are not sent with every batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mimdesk.store.eventlog import EventLog

KEYS = ("gap_waited", "holes", "skipped", "refused")
MAX_HOLES = 20


@dataclass(frozen=True)
class SkippedRow:
    seq: int
    event_id: str
    stream_id: str
    size: int
    why: str  # "too large" or "unreadable: ..."


def _load(state: Mapping[str, str], key: str, default: Any) -> Any:
    try:
        return json.loads(state.get(key) or "null") or default
    except ValueError:
        return default


def gap_waited(state: Mapping[str, str]) -> int | None:
    value = state.get("gap_waited")
    return int(value) if value and value.isdigit() else None


def holes(state: Mapping[str, str]) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in _load(state, "holes", [])]


def holes_value(state: Mapping[str, str], first: int, last: int) -> str:
    ranges = [*holes(state), (first, last)]
    return json.dumps(ranges[-MAX_HOLES:])


def skipped(state: Mapping[str, str]) -> dict[int, SkippedRow]:
    rows = _load(state, "skipped", {})
    return {
        int(seq): SkippedRow(int(seq), r["id"], r["stream"], int(r["size"]), r["why"])
        for seq, r in rows.items()
    }


def skipped_value(state: Mapping[str, str], new: Iterable[SkippedRow]) -> str:
    rows = _load(state, "skipped", {})
    for r in new:
        rows[str(r.seq)] = {"id": r.event_id, "stream": r.stream_id, "size": r.size, "why": r.why}
    return json.dumps(rows, sort_keys=True)


def refused(state: Mapping[str, str]) -> dict[str, str]:
    return dict(_load(state, "refused", {}))


def set_refused(log: EventLog, event_id: str, reason: str) -> None:
    found = refused(log.sync_state())
    found[event_id] = reason[:300]
    log.set_sync_state({"refused": json.dumps(found, sort_keys=True)})


def clear_refused(log: EventLog, event_ids: Iterable[str]) -> None:
    found = refused(log.sync_state())
    gone = [e for e in event_ids if e in found]
    if gone:
        for e in gone:
            del found[e]
        log.set_sync_state({"refused": json.dumps(found, sort_keys=True) if found else None})


def forget_all() -> dict[str, str | None]:
    """The values that clear this ledger (a new log epoch: everything starts over)."""
    return dict.fromkeys(KEYS)


def alarm(state: Mapping[str, str]) -> str:
    """The words for the status line and ``mimdesk doctor``, or ''."""
    parts = []
    found_holes = holes(state)
    if found_holes:
        first = found_holes[0][0]
        parts.append(f"the shared log is missing events (seq {first}...)")
    rows = skipped(state)
    if rows:
        large = [r for r in rows.values() if r.why == "too large"]
        other = len(rows) - len(large)
        if large:
            biggest = max(r.size for r in large) / 1_048_576
            parts.append(
                f"{len(large)} shared event{'s' if len(large) != 1 else ''} over the 1 MiB "
                f"limit not loaded (largest {biggest:.1f} MiB, seq {min(r.seq for r in large)})"
            )
        if other:
            parts.append(f"{other} unreadable shared event{'s' if other != 1 else ''} skipped")
    mine = refused(state)
    if mine:
        parts.append(
            f"{len(mine)} change{'s' if len(mine) != 1 else ''} refused by the shared database "
            f"({next(iter(mine.values()))})"
        )
    return "; ".join(parts)
