"""What ``mimdesk doctor`` finds: this desk's database and sync state, and the shared database
as this desk sees it. Plain data for the command line to print or write as JSON; the
connections and the Alembic revisions stay here, with the sync and the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from mimdesk.store import migrate, shared
from mimdesk.store.eventlog import EventLog
from mimdesk.sync import ledger
from mimdesk.sync.protocol import SKEW_WARNING_MS, probe
from mimdesk.sync.target import SharedTarget, Timeouts, make_engine


def local_report(log: EventLog, database: Path) -> dict[str, Any]:
    """This desk's database: its schema, its events and what the sync has done with them."""
    with log.engine.connect() as conn:
        schema = migrate.current_revision(conn)
    state = log.sync_state()
    return {
        "path": str(database),
        "schema": schema,
        "newest_known": migrate.HEAD,
        "pending": log.pending_count(),
        "events": log.count_events(),
        "last_good_sync": state.get("last_ok_at"),
        "last_error": state.get("last_error"),
        "pull_cursor": int(state.get("pull_cursor", "0") or 0),
        "holes": ledger.holes(state),
        "skipped": [
            {"seq": r.seq, "event_id": r.event_id, "bytes": r.size, "why": r.why}
            for r in sorted(ledger.skipped(state).values(), key=lambda r: r.seq)
        ],
        "refused": ledger.refused(state),
        "alarm": ledger.alarm(state),
    }


def shared_report(
    tgt: SharedTarget, *, timeouts: Timeouts, pull_cursor: int
) -> tuple[dict[str, Any], bool]:
    """The shared database as this desk sees it, and whether something there needs doing."""
    engine = make_engine(tgt, application_name="mimdesk-doctor", timeouts=timeouts)
    try:
        found = probe(engine)
        rewrites = history_rights(engine) if found.ok and found.schema_version else []
    finally:
        engine.dispose()
    info: dict[str, Any] = {"url": tgt.display, "from": tgt.source, "reachable": found.ok}
    if not found.ok:
        info["error"] = found.error
        return info, True
    info.update(
        server=found.server,
        connect_ms=round(found.connect_ms, 1),
        revision=found.revision,
        schema_version=found.schema_version,
        min_client_schema=found.min_client_schema,
        known_schema_version=shared.SCHEMA_VERSION,
        head=found.head,
        clock_offset_ms=found.clock_offset_ms,
        login_mode=found.login_mode,
    )
    failed = False
    if found.head is not None:
        info["to_fetch"] = max(0, found.head - pull_cursor)
    if found.schema_version is None:
        info["problem"] = "no MIM Desk schema: run 'mimdesk db init --shared URL'"
        failed = True
    elif found.schema_version < shared.SCHEMA_VERSION:
        info["problem"] = (
            f"schema version {found.schema_version}, older than this desk needs "
            f"({shared.SCHEMA_VERSION}): IT runs 'mimdesk db upgrade --shared URL'"
        )
        failed = True
    elif (found.min_client_schema or 0) > shared.SCHEMA_VERSION:
        info["problem"] = (
            f"schema version {found.schema_version} needs MIM Desk schema version "
            f"{found.min_client_schema} or newer; this desk knows "
            f"{shared.SCHEMA_VERSION}: install the newer MIM Desk"
        )
        failed = True
    # Not a failure (IT runs doctor as the owner too), but never quiet: a desk that logs in
    # like this could change the record unseen.
    info["can_alter_history"] = rewrites
    if found.clock_offset_ms is not None and abs(found.clock_offset_ms) > SKEW_WARNING_MS:
        info["problem"] = "this computer's clock is more than 5 minutes off"
        failed = True
    return info, failed


def history_rights(engine: Engine) -> list[str]:
    """What of UPDATE and DELETE on the shared event table this login may do. Asked of the
    server the one way that holds for owners, grants and roles alike on both servers: each
    statement is run matching no row, in a transaction rolled back, so nothing changes."""
    allowed = []
    for verb, statement in (
        ("UPDATE", "UPDATE event SET payload = payload WHERE 1 = 0"),
        ("DELETE", "DELETE FROM event WHERE 1 = 0"),
    ):
        with engine.connect() as conn:
            try:
                conn.execute(text(statement))
            except DBAPIError:
                pass  # refused: what a desk login should see
            else:
                allowed.append(verb)
            finally:
                conn.rollback()
    return allowed
