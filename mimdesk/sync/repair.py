"""Anti-entropy (SYNC.md, section 2): the safety net under push and pull.

Push and pull never miss an event on their own; this catches what happens outside them: a
row removed from this desk's file by hand or by a disk fault, or a shared database restored
from an older backup whose seqs were then handed out again to other events. On connect and
every 15 minutes each stream's digest up to the pull cursor (count, sum of seqs, sum of a
32-bit hash of each id: the server computes its side, so only one row per stream crosses the
network) is compared with this desk's; for a stream that differs the ids are compared: what
the server has and this desk lacks is fetched, and what this desk thinks the server holds
but it does not (or holds under another seq) becomes pending again and is pushed. Both steps
are idempotent. Rows this desk skipped on purpose (over the payload limit, unreadable: see
:mod:`.ledger`) count as present and are never fetched: their payload is not even read.

An event pushed again after it was removed on the server gets a new seq; every desk that held
it under the old one sees its stream differ at its next comparison and takes the new seq.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import md5
from typing import Any

from sqlalchemy import BigInteger, Connection, Numeric, cast, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from mimdesk.store import shared, signatures
from mimdesk.store.eventlog import EventLog
from mimdesk.sync import ledger
from mimdesk.sync.rows import pull_columns, readable

INTERVAL_S = 15 * 60


@dataclass
class Repair:
    streams: int = 0  # streams compared
    differing: set[str] = field(default_factory=set)
    fetched: int = 0  # events this desk lacked
    repushed: int = 0  # events made pending again
    altered: int = 0  # events whose shared copy differs from this desk's


Digest = tuple[int, int, int]  # count, sum of seqs, sum of id hashes


def id_hash(event_id: str) -> int:
    """The first 32 bits of the id's MD5, as the servers compute it in SQL."""
    return int(md5(event_id.encode("utf-8"), usedforsecurity=False).hexdigest()[:8], 16)


def _sql_id_hash(dialect: str) -> ColumnElement[Any]:
    # PostgreSQL gives a bigint, MySQL a DECIMAL(20): the caller's SUM reads either as a number.
    first8 = func.substr(func.md5(shared.event.c.event_id), 1, 8)
    if dialect == "postgresql":
        # 'x' || hex, read as 32 bits, widened to bigint: the unsigned value.
        bits: ColumnElement[Any] = literal_column(
            "('x' || substr(md5(event.event_id), 1, 8))::bit(32)"
        )
        return cast(bits, BigInteger)
    return cast(func.conv(first8, 16, 10), Numeric(20, 0))


def server_digest(conn: Connection, upto: int) -> dict[str, Digest]:
    """Per stream, the digest of the server's events up to ``upto``."""
    e = shared.event
    rows = conn.execute(
        select(
            e.c.stream_id,
            func.count(),
            func.sum(e.c.seq),
            func.sum(_sql_id_hash(conn.dialect.name)),
        )
        .where(e.c.seq <= upto)
        .group_by(e.c.stream_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}


def local_digest(
    log: EventLog, skipped: dict[int, ledger.SkippedRow] | None = None
) -> dict[str, Digest]:
    found: dict[str, list[int]] = {}
    pairs = list(log.acknowledged_pairs())
    pairs += [(r.stream_id, r.event_id, r.seq) for r in (skipped or {}).values()]
    for stream_id, event_id, seq in pairs:
        d = found.setdefault(stream_id, [0, 0, 0])
        d[0] += 1
        d[1] += seq
        d[2] += id_hash(event_id)
    return {s: (d[0], d[1], d[2]) for s, d in found.items()}


# ---- the content digest: a row edited on the server -------------------------------------
#
# The id digest above cannot see a row whose text was changed in place. Per stream, the sum
# of a 32-bit hash of each event's signed fields and signature (the payload through its own
# MD5, to keep the string short) is compared as well; the server computes its side in SQL.
# Rows this desk skipped on purpose are left out of both sides.

# The columns a desk sends, the payload apart (it enters as its own MD5, last).
_CONTENT_FIELDS = tuple(name for name in shared.EVENT_COLUMNS if name != "payload")


def content_hash(row: Mapping[str, Any]) -> int:
    """The first 32 bits of the MD5 of the row's fields joined by '|', as the servers
    compute it in SQL."""
    payload = md5(str(row["payload"]).encode("utf-8"), usedforsecurity=False).hexdigest()
    fields = [signatures.stamp(row[name]) for name in _CONTENT_FIELDS] + [payload]
    joined = "|".join(fields).encode("utf-8")
    return int(md5(joined, usedforsecurity=False).hexdigest()[:8], 16)


def _sql_content_hash(dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        fields = ", ".join([f"event.{n}" for n in _CONTENT_FIELDS] + ["md5(event.payload)"])
        bits: ColumnElement[Any] = literal_column(
            f"('x' || substr(md5(concat_ws('|', {fields})), 1, 8))::bit(32)"
        )
        return cast(bits, BigInteger)
    e = shared.event
    columns = [getattr(e.c, name) for name in _CONTENT_FIELDS] + [func.md5(e.c.payload)]
    joined = func.md5(func.concat_ws("|", *columns))
    return cast(func.conv(func.substr(joined, 1, 8), 16, 10), Numeric(20, 0))


def server_contents(conn: Connection, upto: int, skip: Sequence[int]) -> dict[str, int]:
    """Per stream, the sum of the server's content hashes up to ``upto`` (``skip``: seqs
    this desk set aside)."""
    e = shared.event
    query = (
        select(e.c.stream_id, func.sum(_sql_content_hash(conn.dialect.name)))
        .where(e.c.seq <= upto)
        .group_by(e.c.stream_id)
    )
    if skip:
        query = query.where(e.c.seq.not_in(list(skip)))
    return {r[0]: int(r[1] or 0) for r in conn.execute(query).all()}


def local_contents(log: EventLog) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in log.ledger.acknowledged_rows():
        found[row["stream_id"]] = found.get(row["stream_id"], 0) + content_hash(row)
    return found


def repair(conn: Connection, log: EventLog) -> Repair:
    """Compare and heal; ``conn`` is a connection to the shared database (each read is its
    own short transaction, rolled back: nothing is written on the server)."""
    state = log.sync_state()
    cursor = int(state.get("pull_cursor", "0") or 0)
    skipped = {s: r for s, r in ledger.skipped(state).items() if s <= cursor}
    local = local_digest(log, skipped)
    contents = local_contents(log)
    try:
        server = server_digest(conn, cursor)
        server_content = server_contents(conn, cursor, sorted(skipped))
    finally:
        conn.rollback()
    result = Repair(streams=len(set(local) | set(server)))
    result.differing = {s for s in set(local) | set(server) if local.get(s) != server.get(s)}
    altered = {
        s
        for s in set(contents) | set(server_content)
        if contents.get(s, 0) != server_content.get(s, 0)
    }
    result.differing |= altered
    set_aside = {r.event_id for r in skipped.values()}
    for stream_id in sorted(result.differing):
        try:
            rows = conn.execute(
                select(*pull_columns(conn.dialect.name)).where(
                    shared.event.c.stream_id == stream_id, shared.event.c.seq <= cursor
                )
            ).all()
        finally:
            conn.rollback()
        on_server = {r.event_id: r.seq for r in rows}
        mine = log.acknowledged_ids(stream_id)
        if stream_id in altered:
            shown = [row for r in rows if r.event_id in mine for row in [readable(r)[0]] if row]
            result.altered += log.compare_shared(shown)
        lacking = []
        unusable = []
        for r in rows:
            if r.event_id in mine or r.event_id in set_aside:
                continue
            row, why = readable(r)
            if row is None:
                unusable.append(ledger.SkippedRow(r.seq, r.event_id, r.stream_id, int(r.size), why))
            else:
                lacking.append(row)
        state_change = {"skipped": ledger.skipped_value(state, unusable)} if unusable else None
        if lacking or state_change:
            result.fetched += len(log.apply_pulled(lacking, state=state_change))
        lost = [eid for eid, seq in mine.items() if on_server.get(eid) != seq]
        result.repushed += log.unacknowledge(lost)
    return result
