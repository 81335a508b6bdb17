"""The read model: one cached view of each incident, brought up to date without a re-fold.

Every reader (the window's tabs, the CLI, the alerts, the outbox worker, the PDF) asks for an
incident here. A snapshot is keyed on what the log holds for the stream: the number of its
events, the highest local insertion number (``seq``) among them and a checksum of their HLCs.
When only new events arrived (appended here, pulled by the sync, or written by another
process on the same file) they are read alone and applied to a copy of the state; an event
that sorts before the snapshot's last (a late arrival from another desk) folds the events in
memory again, without reading the stream. Anything else (a sync repair that re-stamps
events) reads the stream afresh. Snapshots are never changed once made, so a view handed to
the window stays consistent while a worker thread makes the next one.

The timeline is built the first time a view asks for it, once per snapshot.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from mimdesk.domain import folding, timeline
from mimdesk.domain.events import Event
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.timeline import TimelineEntry
from mimdesk.store.eventlog import EventLog
from mimdesk.store.logfile import read_newer, read_stream
from mimdesk.store.models import event_table

# HLCs are near 2**57: their plain sum overflows SQLite's integers after a few dozen events.
# Summed modulo a prime under 2**31, a stream of millions of events stays exact, and a
# re-stamped event still changes the sum.
_CHECKSUM_MODULUS = 2_147_483_629


@dataclass(frozen=True, slots=True)
class _Key:
    """What the log holds for a stream, cheaply: enough to tell new events from a rewrite."""

    count: int
    max_seq: int
    hlc_sum: int


@dataclass(frozen=True, eq=False)
class IncidentSnapshot:
    """One incident as the log held it: its events in the agreed order and their fold.

    ``state`` must be treated as read-only: it is shared by every reader of this snapshot.
    """

    stream_id: str
    events: tuple[Event, ...]
    state: IncidentState
    key: _Key
    # The snapshot this one extended and the events it added, while this one's timeline is
    # not built: the new entries then go into the earlier timeline instead of a new build.
    _extends: list[tuple[IncidentSnapshot, tuple[Event, ...]]] = field(
        default_factory=list, repr=False
    )
    _timeline: list[list[TimelineEntry]] = field(default_factory=list, repr=False)
    _timeline_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def timeline(self) -> list[TimelineEntry]:
        """The timeline, built on first use and kept with the snapshot."""
        with self._timeline_lock:
            if not self._timeline:
                entries = None
                if self._extends:
                    earlier, added = self._extends.pop()
                    entries = timeline.extended(earlier.timeline, added, self.state)
                if entries is None:
                    entries = timeline.build(self.events, self.state)
                self._timeline.append(entries)
            return self._timeline[0]

    @property
    def has_timeline(self) -> bool:
        return bool(self._timeline)


_MODELS: weakref.WeakKeyDictionary[EventLog, ReadModel] = weakref.WeakKeyDictionary()
_MODELS_LOCK = threading.Lock()


def of(log: EventLog) -> ReadModel:
    """The read model of a log: one per open log, shared by everything that reads it."""
    with _MODELS_LOCK:
        model = _MODELS.get(log)
        if model is None:
            model = _MODELS[log] = ReadModel(log)
        return model


class ReadModel:
    """The cached snapshots of one log's incidents. Thread-safe."""

    def __init__(self, log: EventLog, *, keep: int = 32) -> None:
        self._log = log
        self._keep = keep
        self._lock = threading.Lock()
        self._snapshots: dict[str, IncidentSnapshot] = {}

    def incident(self, stream_id: str) -> IncidentSnapshot | None:
        """The incident as the log holds it now, or None if the log has no such stream."""
        with self._lock:
            cached = self._snapshots.get(stream_id)
        try:
            fresh = self._bring_up_to_date(stream_id, cached)
        except DBAPIError as exc:
            raise self._log.file.translate(exc) from None
        with self._lock:
            self._snapshots.pop(stream_id, None)
            if fresh is not None:
                self._snapshots[stream_id] = fresh  # most recently used last
                while len(self._snapshots) > self._keep:
                    self._snapshots.pop(next(iter(self._snapshots)))
        return fresh

    def forget(self) -> None:
        """Drop every snapshot (after the projections are rebuilt, say)."""
        with self._lock:
            self._snapshots.clear()

    def _bring_up_to_date(
        self, stream_id: str, cached: IncidentSnapshot | None
    ) -> IncidentSnapshot | None:
        with self._log.engine.begin() as conn:
            row = conn.execute(
                select(
                    func.count(),
                    func.coalesce(func.max(event_table.c.seq), 0),
                    func.coalesce(func.sum(event_table.c.hlc % _CHECKSUM_MODULUS), 0),
                ).where(event_table.c.stream_id == stream_id)
            ).one()
            key = _Key(int(row[0]), int(row[1]), int(row[2]))
            if key.count == 0:
                return None
            if cached is not None and cached.key == key:
                return cached
            if cached is not None and key.max_seq > cached.key.max_seq:
                new = read_newer(conn, stream_id, cached.key.max_seq)
                # Only new rows, and the old ones untouched: apply the new ones.
                count = cached.key.count + len(new)
                hlc_sum = cached.key.hlc_sum + sum(e.hlc % _CHECKSUM_MODULUS for e in new)
                if new and (count, hlc_sum) == (key.count, key.hlc_sum):
                    return _extended(cached, new, key)
            events = read_stream(conn, stream_id)
        return _folded(stream_id, events, key)


def _folded(stream_id: str, events: Sequence[Event], key: _Key) -> IncidentSnapshot:
    ordered = tuple(sorted(events, key=lambda e: e.sort_key))
    return IncidentSnapshot(stream_id, ordered, folding.fold(ordered), key)


def _extended(cached: IncidentSnapshot, new: list[Event], key: _Key) -> IncidentSnapshot:
    new.sort(key=lambda e: e.sort_key)
    if new[0].sort_key <= cached.state.last_key:
        # A late arrival from another desk sorts among what was folded: fold again, in
        # memory; the stream need not be read.
        return _folded(cached.stream_id, [*cached.events, *new], key)
    state = folding.copy_state(cached.state)
    for event in new:
        folding.apply(state, event)
    added = tuple(new)
    # Linked only to a snapshot whose timeline is built: a chain of snapshots nobody asked
    # the timeline of (the outbox worker's, the CLI's) is never kept alive.
    extends = [(cached, added)] if cached.has_timeline else []
    return IncidentSnapshot(cached.stream_id, (*cached.events, *added), state, key, extends)
