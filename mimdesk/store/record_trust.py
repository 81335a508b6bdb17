"""What this desk knows about the record's authenticity: the desk keys it has pinned, the
verdict on each event's signature, and the alarms it raised.

Trust on first use, as SSH does: the first public key a desk presents is pinned; a different
key later presented for the same desk is kept beside it, unpinned, and raises an alarm. An
event is checked against the keys of the desk that wrote it (its ``desk_id``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mimdesk.store import signatures
from mimdesk.store.models import (
    desk_key_table,
    event_table,
    record_alarm_table,
    time_from_text,
)

# The most characters of one field an alarm keeps of each version: enough to read what
# changed, bounded however large the payload.
DETAIL_LIMIT = 2000


class Verdict(StrEnum):
    GOOD = "good"  # signed with the desk's pinned key
    UNSIGNED = "unsigned"  # no signature: written before desks signed, or imported
    UNSIGNED_LATE = "unsigned_late"  # no signature, though its desk signed by then
    BAD = "bad_signature"  # the desk's key does not verify it: altered or forged
    UNKNOWN_KEY = "unknown_key"  # signed, by a desk whose key this desk has never seen
    CHANGED_KEY = "changed_key"  # verifies only with a key the desk presented later


# The verdicts that mean the record was tampered with (or a desk's key was replaced).
ALARMING = frozenset({Verdict.UNSIGNED_LATE, Verdict.BAD, Verdict.UNKNOWN_KEY, Verdict.CHANGED_KEY})


class AlarmKind(StrEnum):
    BAD = Verdict.BAD.value
    UNKNOWN_KEY = Verdict.UNKNOWN_KEY.value
    CHANGED_KEY = Verdict.CHANGED_KEY.value
    UNSIGNED_LATE = Verdict.UNSIGNED_LATE.value
    ALTERED = "altered"  # the shared copy differs from this desk's
    KEY_CHANGED = "key_changed"  # a desk presented a key other than the one pinned


WHAT = {
    AlarmKind.BAD: "its signature does not verify: the text was changed after it was signed",
    AlarmKind.UNKNOWN_KEY: "it is signed by a desk whose key this desk has never seen",
    AlarmKind.CHANGED_KEY: "it is signed with a key other than the one pinned for its desk",
    AlarmKind.UNSIGNED_LATE: "it carries no signature, though its desk signed by then",
    AlarmKind.ALTERED: "the shared database's copy differs from this desk's",
    AlarmKind.KEY_CHANGED: "the desk presented a key other than the one pinned for it",
}


@dataclass(frozen=True, slots=True)
class DeskKeys:
    pinned: str
    since: datetime
    others: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Alarm:
    id: int
    kind: AlarmKind
    event_id: str
    desk_id: str
    detail: dict[str, Any]
    found_at: datetime

    def describe(self) -> str:
        what = WHAT.get(self.kind, self.kind.value)
        subject = f"event {self.event_id}" if self.event_id else f"desk {self.desk_id}"
        return f"{subject}: {what}"


# ---- keys -------------------------------------------------------------------------------


def desk_keys(conn: Connection) -> dict[str, DeskKeys]:
    """Every desk's keys as this desk holds them."""
    rows = conn.execute(
        select(
            desk_key_table.c.desk_id,
            desk_key_table.c.public_key,
            desk_key_table.c.pinned,
            desk_key_table.c.first_seen_at,
        ).order_by(desk_key_table.c.first_seen_at)
    ).all()
    found: dict[str, DeskKeys] = {}
    for desk_id, key, pinned, seen in rows:
        if pinned:
            known = found.get(desk_id)
            found[desk_id] = DeskKeys(key, seen, known.others if known else ())
        else:
            known = found.get(desk_id) or DeskKeys("", seen)
            found[desk_id] = DeskKeys(known.pinned, known.since, (*known.others, key))
    return found


def pin(conn: Connection, desk_id: str, public_key: str, seen_at: datetime) -> bool:
    """Record ``public_key`` for ``desk_id``: pinned if it is the desk's first, kept beside
    the pinned one otherwise. Returns False when the desk had another key pinned (a changed
    key: the caller raises the alarm)."""
    known = desk_keys(conn).get(desk_id)
    if known is not None and known.pinned == public_key:
        return True
    conn.execute(
        sqlite_insert(desk_key_table)
        .values(
            desk_id=desk_id,
            public_key=public_key,
            pinned=1 if known is None or not known.pinned else 0,
            first_seen_at=seen_at,
        )
        .on_conflict_do_nothing()
    )
    return known is None or not known.pinned


# ---- verdicts ---------------------------------------------------------------------------


def verdict(row: Mapping[str, Any], keys: Mapping[str, DeskKeys]) -> Verdict:
    """What this desk can say of one event's signature (``row`` keyed by column name)."""
    signature = str(row.get("signature") or "")
    known = keys.get(row["desk_id"])
    if not signature:
        if known is not None and known.pinned and _recorded(row) > known.since:
            return Verdict.UNSIGNED_LATE
        return Verdict.UNSIGNED
    if known is None or not (known.pinned or known.others):
        return Verdict.UNKNOWN_KEY
    if known.pinned and signatures.verifies(known.pinned, row, signature):
        return Verdict.GOOD
    if any(signatures.verifies(k, row, signature) for k in known.others):
        return Verdict.CHANGED_KEY
    return Verdict.BAD


def _recorded(row: Mapping[str, Any]) -> datetime:
    value = row["recorded_at"]
    if isinstance(value, datetime):
        return value
    parsed = time_from_text(str(value))
    assert parsed is not None
    return parsed


# ---- alarms -----------------------------------------------------------------------------


def version_of(row: Mapping[str, Any] | None) -> dict[str, str]:
    """An event's signed fields and signature as an alarm shows them, each bounded."""
    if row is None:
        return {}
    names = (
        "type",
        "stream_id",
        "author_name",
        "author_login",
        "occurred_at",
        "recorded_at",
        "hlc",
        "payload",
        "signature",
    )
    out = {}
    for name in names:
        value = row.get(name)
        text = signatures.stamp(value) if value is not None else ""
        out[name] = text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT] + "…"
    return out


def raise_alarm(
    conn: Connection,
    kind: AlarmKind,
    *,
    event_id: str = "",
    desk_id: str = "",
    here: Mapping[str, Any] | None = None,
    shown: Mapping[str, Any] | None = None,
    found_at: datetime,
) -> None:
    """Record an alarm once (a second sighting of the same finding adds nothing). ``here``
    is this desk's version, ``shown`` what it was shown (by the shared database, or a key)."""
    detail = {"here": dict(here or {}), "shown": dict(shown or {})}
    conn.execute(
        sqlite_insert(record_alarm_table)
        .values(
            kind=kind.value,
            event_id=event_id,
            desk_id=desk_id,
            detail=json.dumps(detail, ensure_ascii=False),
            found_at=found_at,
        )
        .on_conflict_do_nothing()
    )


def alarms(conn: Connection) -> list[Alarm]:
    rows = conn.execute(select(record_alarm_table).order_by(record_alarm_table.c.id)).all()
    out = []
    for r in rows:
        try:
            kind = AlarmKind(r.kind)
        except ValueError:
            continue  # a kind a newer MIM Desk raised: doctor of that version shows it
        try:
            detail = json.loads(r.detail)
        except ValueError:
            detail = {}
        out.append(Alarm(r.id, kind, r.event_id, r.desk_id, detail, r.found_at))
    return out


def alarm_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(record_alarm_table)).scalar() or 0


def check_rows(
    conn: Connection,
    rows: Iterable[Mapping[str, Any]],
    *,
    found_at: datetime,
    keys: Mapping[str, DeskKeys] | None = None,
) -> dict[str, Verdict]:
    """Check each row's signature, raise an alarm for each that alarms; returns the verdict
    of every row by event id."""
    keys = desk_keys(conn) if keys is None else keys
    out = {}
    for row in rows:
        found = verdict(row, keys)
        out[row["event_id"]] = found
        if found in ALARMING:
            raise_alarm(
                conn,
                AlarmKind(found.value),
                event_id=row["event_id"],
                desk_id=row["desk_id"],
                shown=version_of(row),
                found_at=found_at,
            )
    return out


def check_log(conn: Connection) -> tuple[dict[Verdict, int], list[tuple[str, str, Verdict]]]:
    """Every event's verdict: how many of each, and (event id, desk id, verdict) of each
    that alarms. Reads only."""
    keys = desk_keys(conn)
    counts = dict.fromkeys(Verdict, 0)
    failing = []
    e = event_table
    rows = conn.execute(
        select(
            e.c.event_id,
            e.c.stream_id,
            e.c.type,
            e.c.payload_v,
            e.c.payload,
            e.c.hlc,
            e.c.desk_id,
            e.c.author_name,
            e.c.author_login,
            e.c.occurred_at,
            e.c.recorded_at,
            e.c.signature,
        ).order_by(e.c.seq)
    )
    for row in rows:
        found = verdict(dict(row._mapping), keys)
        counts[found] += 1
        if found in ALARMING:
            failing.append((row.event_id, row.desk_id, found))
    return counts, failing
