"""The incident summaries: one row per incident, what lists and search read.

Each write to the log updates the summaries of the streams it touched, in the same
transaction. The folded state of every incident this process has projected is cached, so an
event that sorts after it is applied to it (``folding.apply``) instead of folding the whole
stream again. The row is updated only while it still holds what that state last wrote: when
another process on the file (the CLI, a second window) wrote to the incident since, or an
event sorts before the state's last one, the stream is folded again from the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from mimdesk.domain import folding, incident
from mimdesk.domain.events import Event, EventType
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import ACTIVE, Status
from mimdesk.domain.summary import IncidentSummary, search_text
from mimdesk.store.logfile import LogFile, driver, read_stream
from mimdesk.store.models import (
    UTCDateTime,
    event_table,
    summary_table,
    time_from_text,
    time_to_text,
)

LONG_REFERENCE = 7

# Filters of the incident list.
FILTERS = ("active", "candidates", "recent", "all")

_SUMMARY = summary_table
_BY_ID = select(_SUMMARY).where(_SUMMARY.c.stream_id == bindparam("stream_id"))
# What an IncidentSummary holds, and which of it are times.
_SHOWN = (
    "stream_id",
    "reference",
    "title",
    "status",
    "severity",
    "mim",
    "reported_at",
    "declared_at",
    "resolved_at",
    "updated_at",
    "event_count",
    "decision",
    "decided_at",
)
_TIMES = frozenset(c.name for c in _SUMMARY.columns if isinstance(c.type, UTCDateTime))
_FIND = f"SELECT {', '.join(_SHOWN)} FROM incident_summary WHERE reference = ? OR stream_id = ?"
_FIND_PREFIX = (
    f"SELECT {', '.join(_SHOWN)} FROM incident_summary WHERE reference LIKE ? ESCAPE '\\'"
)

# What a fold decides; the reference is settled when the row is inserted (see _insert).
_FOLDED = (
    "title",
    "status",
    "severity",
    "mim",
    "reported_at",
    "declared_at",
    "resolved_at",
    "decision",
    "decided_at",
    "updated_at",
    "event_count",
    "last_hlc",
    "search_text",
)
_UPDATE = (
    f"UPDATE incident_summary SET {', '.join(f'{c} = :{c}' for c in _FOLDED)} "
    "WHERE stream_id = :stream_id"
)
_HAS_REPORT = "SELECT 1 FROM event WHERE stream_id = ? AND type = ? LIMIT 1"


class SummaryProjection:
    def __init__(self, file: LogFile) -> None:
        self._file = file
        self._states: dict[str, IncidentState] = {}
        # Streams whose cached state the current write transaction changed (see updating).
        self._changed: set[str] = set()

    # ---- keeping it current (inside the log's write transactions) ------------------------

    @contextmanager
    def updating(self) -> Iterator[None]:
        """Hold the writers' lock around a write transaction that projects; if it fails,
        forget the cached states it changed, which may hold events that were rolled back."""
        with self._file.lock:
            self._changed.clear()
            try:
                yield
            except BaseException:
                for stream_id in self._changed:
                    self._states.pop(stream_id, None)
                raise
            finally:
                self._changed.clear()

    def project(self, conn: Connection, stream_id: str, new: list[Event]) -> None:
        """Bring one stream's summary up to date with ``new``, just written to it."""
        new = sorted(new, key=lambda e: e.sort_key)
        self._changed.add(stream_id)
        state = self._states.get(stream_id)
        if state is not None and new[0].sort_key > state.last_key:
            before = _bound(state)
            for e in new:
                folding.apply(state, e)
            if self._update(conn, before, _bound(state)):
                return
        self.refold(conn, stream_id)

    def refold(self, conn: Connection, stream_id: str) -> None:
        """Fold one stream again from the log and write its summary."""
        self._changed.add(stream_id)
        self._states.pop(stream_id, None)
        reported = EventType.INCIDENT_REPORTED.value
        if driver(conn).execute(_HAS_REPORT, (stream_id, reported)).fetchone() is None:
            return  # not an incident, or its first event has not arrived yet
        state = folding.fold(read_stream(conn, stream_id))
        self._states[stream_id] = state
        self._upsert(conn, state)

    @staticmethod
    def _update(conn: Connection, before: dict[str, Any], after: dict[str, Any]) -> bool:
        """Write what changed from ``before`` to ``after``, if the row still holds ``before``.

        Only the columns that changed are set: SQLite rewrites an index entry for every
        indexed column set, even to the value it holds, which would cost a page per append.
        """
        changed = [name for name in _FOLDED if after[name] != before[name]]
        sql = (
            f"UPDATE incident_summary SET {', '.join(f'{c} = :{c}' for c in changed)} "
            "WHERE stream_id = :stream_id AND event_count = :was_count AND last_hlc = :was_hlc"
        )
        params = {**after, "was_count": before["event_count"], "was_hlc": before["last_hlc"]}
        return driver(conn).execute(sql, params).rowcount > 0

    def _upsert(self, conn: Connection, state: IncidentState) -> None:
        if not state.reference:
            return
        if not driver(conn).execute(_UPDATE, _bound(state)).rowcount:
            self._insert(conn, state)

    @staticmethod
    def _insert(conn: Connection, state: IncidentState) -> None:
        base = state.reference
        clashing = list(
            conn.execute(
                select(_SUMMARY.c.stream_id).where(_SUMMARY.c.base_reference == base)
            ).scalars()
        )
        conn.execute(
            insert(summary_table).values(
                stream_id=state.stream_id,
                base_reference=base,
                # A placeholder that cannot clash, settled just below.
                reference=f"~{state.stream_id[-19:]}",
                **_values(state),
            )
        )
        # Two desks picked the same short reference offline: the incident whose id sorts
        # first keeps it and the others take a longer one, the same on every desk.
        owners = sorted([*clashing, state.stream_id])
        # Every owner lets go of its reference before any takes its new one: the incident
        # arriving now may sort first and take the short reference another one held.
        for sid in owners:
            conn.execute(
                update(summary_table)
                .where(summary_table.c.stream_id == sid)
                .values(reference=f"~{sid[-19:]}")
            )
        for position, sid in enumerate(owners):
            ref = base if position == 0 else incident.reference_for(sid, LONG_REFERENCE)
            conn.execute(
                update(summary_table).where(summary_table.c.stream_id == sid).values(reference=ref)
            )

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Throw the summaries away and build them again from the log; returns incidents."""
        with self._file.lock:
            # On failure (a full disk fails the commit) the transaction rolls back, so the old
            # summaries stand, and the cache, cleared here, refills as incidents are written.
            self._states.clear()
            with self._file.translated(), self._file.write() as conn:
                conn.execute(delete(summary_table))
                streams = list(
                    conn.execute(
                        select(event_table.c.stream_id)
                        .where(event_table.c.type == EventType.INCIDENT_REPORTED.value)
                        .order_by(event_table.c.seq)
                    ).scalars()
                )
                for done, stream_id in enumerate(streams, 1):
                    self._upsert(conn, folding.fold(read_stream(conn, stream_id)))
                    if progress:
                        progress(done, len(streams))
            return len(streams)

    def differences(self) -> list[str]:
        """The incidents whose stored summary is not what folding their events gives now,
        each as a line naming the incident and the first field that differs (``mimdesk
        verify``). Reads only: nothing is repaired."""
        found = []
        with self._file.translated(), self._file.read() as conn:
            stored = {r.stream_id: r._mapping for r in conn.execute(select(summary_table)).all()}
            streams = conn.execute(
                select(event_table.c.stream_id)
                .where(event_table.c.type == EventType.INCIDENT_REPORTED.value)
                .distinct()
            ).scalars()
            for stream_id in streams:
                state = folding.fold(read_stream(conn, stream_id))
                if not state.reference:
                    continue
                row = stored.pop(stream_id, None)
                if row is None:
                    found.append(f"{state.reference}: no summary row")
                    continue
                for name, value in _values(state).items():
                    if row[name] != value:
                        found.append(
                            f"{row['reference']}: {name} is {row[name]!r}, the log gives {value!r}"
                        )
                        break
            found += [f"{row['reference']}: a summary without events" for row in stored.values()]
        return found

    # ---- reading ------------------------------------------------------------------------

    def summary(self, stream_id: str) -> IncidentSummary | None:
        with self._file.read() as conn:
            row = conn.execute(_BY_ID, {"stream_id": stream_id}).first()
            return _to_summary(row._mapping) if row else None

    def summaries(
        self,
        filter: str = "all",
        search: str = "",
        *,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[IncidentSummary]:
        """Incident summaries, most recently updated first."""
        query = select(_SUMMARY)
        if filter == "active":
            query = query.where(summary_table.c.status.in_([s.value for s in ACTIVE]))
        elif filter == "candidates":
            query = query.where(summary_table.c.status == Status.CANDIDATE.value)
        elif filter == "recent" and since is not None:
            query = query.where(summary_table.c.updated_at >= since)
        elif filter not in FILTERS:
            raise ValueError(f"unknown filter {filter!r}")
        for word in search.casefold().split():
            # The search text is stored case-folded; escape LIKE's wildcards in what was typed.
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(or_(summary_table.c.search_text.like(f"%{escaped}%", escape="\\")))
        query = query.order_by(summary_table.c.updated_at.desc())
        if limit:
            query = query.limit(limit)
        with self._file.translated(), self._file.read() as conn:
            return [_to_summary(r._mapping) for r in conn.execute(query)]

    def find(self, reference: str) -> list[IncidentSummary]:
        """Incidents whose reference (or id) matches what a person typed."""
        with self._file.driver_read() as raw:
            rows = raw.execute(_FIND, (reference, reference.lower())).fetchall()
            if not rows and len(reference) >= 4:
                # A prefix of a reference, typed: its % and _ are characters, not wildcards
                # ("show %" found any incident).
                typed = reference.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = raw.execute(_FIND_PREFIX, (f"{typed}%",)).fetchall()
        return [_to_summary(_read_back(row)) for row in rows]


def _values(state: IncidentState) -> dict[str, Any]:
    return {
        "title": state.title[:300],
        "status": state.status.value,
        "severity": state.severity[:20],
        "mim": state.holder("mim")[:200],
        "reported_at": state.key_times["reported_at"],
        "declared_at": state.key_times["declared_at"],
        "resolved_at": state.key_times["resolved_at"],
        "decision": state.decision.decision if state.decision else "",
        "decided_at": state.decisions[0].at if state.decisions else None,
        "updated_at": state.updated_at,
        "event_count": state.event_count,
        "last_hlc": state.last_hlc,
        "search_text": search_text(state),
    }


def _bound(state: IncidentState) -> dict[str, Any]:
    """The state's values as sqlite3 binds them in _UPDATE (times as the column stores them)."""
    values = {
        k: time_to_text(v) if isinstance(v, datetime) else v for k, v in _values(state).items()
    }
    return {**values, "stream_id": state.stream_id}


def _read_back(row: Sequence[Any]) -> dict[str, Any]:
    """A row of _SHOWN columns from sqlite3, with its times read back."""
    return {
        name: time_from_text(value) if name in _TIMES else value
        for name, value in zip(_SHOWN, row, strict=True)
    }


def _to_summary(row: Mapping[Any, Any]) -> IncidentSummary:
    return IncidentSummary(
        stream_id=row["stream_id"],
        reference=row["reference"],
        title=row["title"],
        status=Status(row["status"]),
        severity=row["severity"],
        mim=row["mim"],
        reported_at=row["reported_at"],
        declared_at=row["declared_at"],
        resolved_at=row["resolved_at"],
        updated_at=row["updated_at"],
        event_count=row["event_count"],
        decision=row["decision"],
        decided_at=row["decided_at"],
    )
