"""Digests that say whether two copies of the log agree: the set of event ids, each event's
server seq, and the incident projection. Desks and the server compare them after a sync."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, func, select

from mimdesk.store import shared
from mimdesk.store.eventlog import EventLog
from mimdesk.store.models import event_table, summary_table


def _hash(items: Any) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(repr(item).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:32]


def local_digest(log: EventLog) -> dict[str, Any]:
    with log.engine.connect() as conn:
        pairs = conn.execute(
            select(event_table.c.event_id, event_table.c.server_seq).order_by(
                event_table.c.event_id
            )
        ).all()
        summary = conn.execute(select(summary_table).order_by(summary_table.c.stream_id)).all()
    return {
        "events": len(pairs),
        "ids": _hash(p[0] for p in pairs),
        "seqs": _hash(tuple(p) for p in pairs),
        "pending": sum(1 for p in pairs if p[1] is None),
        "incidents": len(summary),
        "projection": _hash(tuple(r) for r in summary),
    }


def server_digest(conn: Connection) -> dict[str, Any]:
    pairs = conn.execute(
        select(shared.event.c.event_id, shared.event.c.seq).order_by(shared.event.c.event_id)
    ).all()
    head = conn.execute(select(shared.sync_head.c.last_seq)).scalar() or 0
    seqs = sorted(p[1] for p in pairs)
    return {
        "events": len(pairs),
        "ids": _hash(p[0] for p in pairs),
        "seqs": _hash(tuple(p) for p in pairs),
        "head": head,
        "contiguous": seqs == list(range(1, len(seqs) + 1)) and head == len(seqs),
        "max_seq": conn.execute(select(func.max(shared.event.c.seq))).scalar() or 0,
    }
