"""The store's figures: append latency, folding a long incident, loading the incident list.

Each is measured through the code the app runs (use cases, the event log, SQLAlchemy) and
beside it the same work done with bare ``sqlite3`` and ``json``: the floor. The ratio says how
much the app's layers cost on top of what the database itself needs.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mimdesk import demo
from mimdesk.app import App
from mimdesk.domain import folding, schema
from mimdesk.domain.events import EventType, format_time
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.vocabulary import NOTE_KINDS
from mimdesk.store import read_model
from mimdesk.usecases import incidents, timeline
from mimdesk.usecases.context import Context

from .common import Figure, Workspace, median, percentile, repeat

APPEND_TARGET_MS = 10.0
FOLD_TARGET_MS = 150.0
LIST_TARGET_MS = 200.0


def note_texts() -> list[str]:
    """Real-looking notes of realistic lengths: the demo's."""
    script = demo.read_script()
    texts = [
        str(step["text"])
        for plan in script["incidents"]
        for step in plan["steps"]
        if step["do"] == "note"
    ]
    return texts


# ---- append ------------------------------------------------------------------------------


def bench_append(ws: Workspace, notes: int = 10_000, warmup: int = 100) -> list[Figure]:
    app = ws.open("append.sqlite3")
    try:
        summary, _ = incidents.report(app.ctx, title="Append benchmark", severity="SEV2")
        texts = itertools.cycle(note_texts())
        kinds = itertools.cycle(NOTE_KINDS)
        for _ in range(warmup):
            timeline.add_note(app.ctx, reference=summary.reference, text=next(texts))
        first_measured = app.log.count_events() + 1
        samples = []
        for _ in range(notes):
            text, kind = next(texts), next(kinds)
            start = time.perf_counter()
            timeline.add_note(app.ctx, reference=summary.reference, text=text, kind=kind)
            samples.append(time.perf_counter() - start)
    finally:
        app.close()
    floor = _bare_appends(
        ws.root / "append.sqlite3", ws.root / "append-floor.sqlite3", first_measured
    )
    note = (
        f"{notes:,} notes through timeline.add_note, one durable commit each "
        "(WAL, synchronous=FULL); floor: the same event rows inserted with bare sqlite3 into "
        "the same table and indexes, same pragmas, one commit each"
    )
    return [
        Figure(
            "append p50",
            "ms",
            percentile(samples, 50) * 1e3,
            percentile(floor, 50) * 1e3,
            None,
            note,
        ),
        Figure(
            "append p99",
            "ms",
            percentile(samples, 99) * 1e3,
            percentile(floor, 99) * 1e3,
            APPEND_TARGET_MS,
        ),
    ]


def _bare_appends(source: Path, target: Path, from_seq: int) -> list[float]:
    src = sqlite3.connect(source)
    schema = [
        sql
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'event' AND sql IS NOT NULL"
        )
    ]
    columns = [row[1] for row in src.execute("PRAGMA table_info(event)") if row[1] != "seq"]
    rows = src.execute(
        f"SELECT {', '.join(columns)} FROM event WHERE seq >= ? ORDER BY seq", (from_seq,)
    ).fetchall()
    src.close()
    con = sqlite3.connect(target, isolation_level=None)  # autocommit: one commit per insert
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    for sql in schema:
        con.execute(sql)
    insert = f"INSERT INTO event ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    samples = []
    for row in rows:
        start = time.perf_counter()
        con.execute(insert, row)
        samples.append(time.perf_counter() - start)
    con.close()
    return samples


# ---- fold --------------------------------------------------------------------------------


def build_long_incident(ctx: Context, events: int) -> str:
    """An incident of ``events`` events with the mix a long night produces, appended through
    the event log in batches (the figure is about reading it back, not writing it)."""
    start = ctx.now() - timedelta(days=2)
    tick = itertools.count()

    def at() -> datetime:
        return start + timedelta(seconds=20 * next(tick))

    clocked = replace(ctx, now=at)
    summary, _ = incidents.report(clocked, title="Fold benchmark: a very long incident")
    sid = summary.stream_id
    texts = itertools.cycle(note_texts())
    statuses = iter([Status.DECLARED, Status.INVESTIGATING, Status.IDENTIFIED, Status.MITIGATED])
    people = itertools.cycle(["Ana Costa", "Ben Carter", "Lucy Tran", "Raj Malhotra"])
    roles = itertools.cycle(["mim", "tech_lead", "comms_lead", "scribe"])
    notes: list[str] = []
    batch = []
    for i in range(1, events):
        if i % 1200 == 1:
            status = next(statuses, None)
            if status is not None:
                batch.append(
                    clocked.event(
                        sid, schema.decode(EventType.STATUS_CHANGED, 1, {"to": status.value})
                    )
                )
                continue
        if i % 25 == 0:
            field = {"field": "workaround", "value": next(texts)}
            batch.append(clocked.event(sid, schema.decode(EventType.FIELD_CHANGED, 1, field)))
        elif i % 40 == 0:
            role = {"role": next(roles), "person": next(people)}
            batch.append(clocked.event(sid, schema.decode(EventType.ROLE_ASSIGNED, 1, role)))
        elif i % 97 == 0 and notes:
            fix = {"target": notes[-3], "text": next(texts)}
            batch.append(clocked.event(sid, schema.decode(EventType.CORRECTED, 1, fix)))
        elif i % 150 == 0:
            when = {"field": "detected_at", "value": format_time(start)}
            batch.append(clocked.event(sid, schema.decode(EventType.FIELD_CHANGED, 1, when)))
        else:
            note = clocked.event(
                sid,
                schema.decode(
                    EventType.NOTE_ADDED, 1, {"text": next(texts), "kind": NOTE_KINDS[i % 5]}
                ),
            )
            notes.append(note.event_id)
            batch.append(note)
        if len(batch) == 500:
            ctx.log.append(batch)
            batch = []
    ctx.log.append(batch)
    return sid


def bench_fold(ws: Workspace, events: int = 5_000, runs: int = 9) -> list[Figure]:
    app = ws.open("fold.sqlite3")
    try:
        sid = build_long_incident(app.ctx, events)
        stream = app.log.stream(sid)
        assert len(stream) == events, len(stream)
        read_fold = repeat(lambda: folding.fold(app.log.stream(sid)), runs)
        fold_only = repeat(lambda: folding.fold(stream), runs)
        whole_view = repeat(lambda: _open_cold(app, sid), runs)
        reopen = _reopen_after_one_event(app, sid, runs)
    finally:
        app.close()
    con = sqlite3.connect(ws.root / "fold.sqlite3")
    query = (
        "SELECT event_id, type, payload, hlc FROM event WHERE stream_id = ? "
        "ORDER BY hlc, desk_id, event_id"
    )
    payloads = [row[2] for row in con.execute(query, (sid,))]

    def bare_read() -> None:
        for row in con.execute(query, (sid,)).fetchall():
            json.loads(row[2])

    bare_read_fold = repeat(bare_read, runs)
    newest = "SELECT payload FROM event WHERE stream_id = ? AND seq > ?"
    last_seq = con.execute("SELECT max(seq) FROM event").fetchone()[0]
    bare_new_row = repeat(
        lambda: [json.loads(r[0]) for r in con.execute(newest, (sid, last_seq - 1))], runs
    )
    bare_loads = repeat(lambda: [json.loads(p) for p in payloads], runs)
    con.close()
    return [
        Figure(
            f"fold {events:,} events: read + fold",
            "ms",
            median(read_fold) * 1e3,
            median(bare_read_fold) * 1e3,
            FOLD_TARGET_MS,
            f"median of {runs}; floor: bare sqlite3 SELECT of the stream + json.loads",
        ),
        Figure(
            f"fold {events:,} events: fold alone",
            "ms",
            median(fold_only) * 1e3,
            median(bare_loads) * 1e3,
            FOLD_TARGET_MS,
            f"events already in memory; floor: json.loads of the {events:,} payloads",
        ),
        Figure(
            f"open {events:,} events: read + fold + timeline",
            "ms",
            median(whole_view) * 1e3,
            median(bare_read_fold) * 1e3,
            None,
            "the read model's first view of the incident and its timeline (nothing cached); "
            "floor as for read + fold",
            ratio_target=3,
        ),
        Figure(
            f"re-open {events:,} events after one new event",
            "ms",
            median(reopen) * 1e3,
            median(bare_new_row) * 1e3,
            5,
            "incidents.view after a note was appended: the new row is read and applied; "
            "floor: bare sqlite3 SELECT of that row + json.loads",
        ),
    ]


def _open_cold(app: App, sid: str) -> None:
    snapshot = read_model.ReadModel(app.log).incident(sid)
    assert snapshot is not None
    assert snapshot.timeline


def _reopen_after_one_event(app: App, sid: str, runs: int) -> list[float]:
    reference = incidents.view(app.ctx, sid).reference
    samples = []
    for i in range(runs):
        timeline.add_note(app.ctx, reference=reference, text=f"one more {i}")
        start = time.perf_counter()
        view = incidents.view(app.ctx, sid)
        assert view.timeline
        samples.append(time.perf_counter() - start)
    return samples


# ---- list --------------------------------------------------------------------------------


def build_incidents(ctx: Context, count: int) -> None:
    """``count`` incidents through the use cases, a third of them declared with a MIM."""
    start = datetime.now(UTC) - timedelta(days=30)
    tick = itertools.count()
    clocked = replace(ctx, now=lambda: start + timedelta(minutes=40 * next(tick)))
    texts = itertools.cycle(note_texts())
    for i in range(count):
        summary, _ = incidents.report(
            clocked,
            title=f"Incident {i}: {next(texts)[:80]}",
            impact=next(texts),
            severity=("SEV1", "SEV2", "SEV3")[i % 3],
            users_affected=(i * 37) % 5000,
            services=["Card payments", "VPN", "Email", "Printing"][: 1 + i % 4],
        )
        if i % 3 == 0:
            # Written as a back-fill writes history: the same events a declaration leaves.
            ctx.log.append(
                [
                    clocked.event(
                        summary.stream_id,
                        schema.decode(EventType.STATUS_CHANGED, 1, {"to": "declared"}),
                    ),
                    clocked.event(
                        summary.stream_id,
                        schema.decode(
                            EventType.ROLE_ASSIGNED, 1, {"role": "mim", "person": "Nadia Hassan"}
                        ),
                    ),
                ]
            )


def bench_list(ws: Workspace, count: int = 1_000, runs: int = 15) -> list[Figure]:
    app = ws.open("list.sqlite3")
    try:
        build_incidents(app.ctx, count)
        rows = incidents.list_incidents(app.ctx, "all")
        assert len(rows) == count, len(rows)
        samples = repeat(lambda: incidents.list_incidents(app.ctx, "all"), runs)
    finally:
        app.close()
    con = sqlite3.connect(ws.root / "list.sqlite3")
    bare = repeat(
        lambda: con.execute("SELECT * FROM incident_summary ORDER BY updated_at DESC").fetchall(),
        runs,
    )
    con.close()
    return [
        Figure(
            f"list {count:,} incidents",
            "ms",
            median(samples) * 1e3,
            median(bare) * 1e3,
            LIST_TARGET_MS,
            f"incidents.list_incidents(filter='all'), median of {runs}; "
            "floor: bare sqlite3 SELECT of the same rows",
        )
    ]
