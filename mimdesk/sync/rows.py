"""Events as they cross the wire: what a desk sends to the append step, and what a pull reads
back, checked before the local log takes it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, case, literal, type_coerce

from mimdesk.store import shared
from mimdesk.store.models import TIME_FORMAT


def _stamp(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(TIME_FORMAT)
    return str(value)


def wire(row: dict[str, Any]) -> dict[str, Any]:
    out = {name: row[name] for name in shared.EVENT_COLUMNS}
    out["occurred_at"] = _stamp(out["occurred_at"])
    out["recorded_at"] = _stamp(out["recorded_at"])
    return out


def payload_bytes(row: dict[str, Any]) -> int:
    return len(str(row["payload"]).encode("utf-8"))


def pull_columns(dialect: str) -> list[Any]:
    """The columns a pull reads: the payload only when it is within the limit (the server
    measures it), timestamps as text (a malformed one must not fail the whole batch)."""
    e = shared.event
    size = shared.payload_size(dialect)
    payload = case((size <= shared.PAYLOAD_LIMIT, e.c.payload), else_=literal(None))
    return [
        e.c.seq,
        e.c.event_id,
        e.c.stream_id,
        e.c.type,
        e.c.payload_v,
        payload.label("payload"),
        e.c.hlc,
        e.c.desk_id,
        e.c.author_name,
        e.c.author_login,
        type_coerce(e.c.occurred_at, String).label("occurred_at"),
        type_coerce(e.c.recorded_at, String).label("recorded_at"),
        e.c.signature,
        e.c.db_login,
        size.label("size"),
    ]


def readable(r: Any) -> tuple[dict[str, Any] | None, str]:
    """A pulled row as the local log takes it, or None and why it cannot be loaded."""
    if r.payload is None or int(r.size or 0) > shared.PAYLOAD_LIMIT:
        return None, "too large"
    try:
        payload = json.loads(r.payload)
        if not isinstance(payload, dict):
            raise ValueError("the payload is not a JSON object")
        occurred = datetime.fromisoformat(r.occurred_at)
        recorded = datetime.fromisoformat(r.recorded_at)
        if occurred.tzinfo is None or recorded.tzinfo is None:
            raise ValueError("a time without a zone")
    except (ValueError, TypeError) as exc:
        return None, f"unreadable: {str(exc)[:80]}"
    row = {name: getattr(r, name) for name in shared.EVENT_COLUMNS}
    row["occurred_at"], row["recorded_at"] = occurred, recorded
    row["server_seq"] = r.seq
    row["signature"] = str(r.signature or "")
    row["db_login"] = str(r.db_login or "")
    return row, ""
