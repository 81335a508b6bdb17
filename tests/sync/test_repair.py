"""Anti-entropy against real PostgreSQL and MariaDB (SYNC.md acceptance test 14): an event
removed from a desk's file, and a shared database restored from an older copy whose seqs
were handed out again, are each repaired in one sync."""

from __future__ import annotations

import sqlite3

from sqlalchemy import delete, update

from mimdesk.app import open_app
from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.sync.digest import local_digest
from tests.support.recorded import as_json
from tests.sync.helpers import assert_converged, converge, sync


def incident_with_notes(app, n: int, title: str = "Mail down") -> str:
    sid = new_id()
    ctx = app.ctx
    ctx.log.append(
        [ctx.event(sid, schema.decode(EventType.INCIDENT_REPORTED, 1, {"title": title}))]
    )
    ctx.log.append(
        [
            ctx.event(
                sid,
                schema.decode(
                    EventType.NOTE_ADDED, 1, {"text": f"note {i}", "kind": "observation"}
                ),
            )
            for i in range(n)
        ]
    )
    return sid


def notes_of(app, sid: str) -> list[str]:
    return [
        as_json(e.payload)["text"] for e in app.log.stream(sid) if e.type == EventType.NOTE_ADDED
    ]


def test_an_event_removed_from_a_desks_file_comes_back(shared_db, desks):
    a, b = desks["ana"], desks["ben"]
    target = shared_db.target()
    sid = incident_with_notes(a, 20)
    converge([a, b], target)
    assert notes_of(b, sid) == notes_of(a, sid)
    lost = next(e for e in b.log.stream(sid) if as_json(e.payload).get("text") == "note 7")
    path = b.database
    b.close()
    with sqlite3.connect(path) as raw:  # as a disk fault or a hand edit would
        assert raw.execute("DELETE FROM event WHERE event_id = ?", (lost.event_id,)).rowcount
    b = open_app(db=path)
    try:
        assert "note 7" not in notes_of(b, sid)
        outcome = sync(b, target)
        assert outcome.repaired == (1, 0)
        assert sid in outcome.streams
        assert notes_of(b, sid) == notes_of(a, sid)
        assert_converged([a, b], shared_db.engine)
        # Healed: the next sync (a new connection compares again) finds nothing to do.
        assert sync(b, target).repaired == (0, 0)
    finally:
        b.close()


def test_a_server_restored_from_an_older_copy_is_healed(shared_db, desks):
    a, b, c = desks["ana"], desks["ben"], desks["chen"]
    target = shared_db.target()
    sid = incident_with_notes(a, 10)
    converge([a, b, c], target)
    copy_head = shared_db.count()
    # After the "backup": Ana adds five more notes, Ben pulls them.
    a.ctx.log.append(
        [
            a.ctx.event(
                sid,
                schema.decode(
                    EventType.NOTE_ADDED, 1, {"text": f"late {i}", "kind": "observation"}
                ),
            )
            for i in range(5)
        ]
    )
    sync(a, target)
    sync(b, target)
    # The server is restored from the backup; Chen, who never saw the late notes, then gets
    # the same seqs for five notes of his own.
    with shared_db.engine.begin() as conn:
        conn.execute(delete(shared.event).where(shared.event.c.seq > copy_head))
        conn.execute(update(shared.sync_head).values(last_seq=copy_head))
    c.ctx.log.append(
        [
            c.ctx.event(
                sid,
                schema.decode(
                    EventType.NOTE_ADDED, 1, {"text": f"chen {i}", "kind": "observation"}
                ),
            )
            for i in range(5)
        ]
    )
    sync(c, target)
    assert shared_db.count() == copy_head + 5
    before = local_digest(b.log)
    # Ben's cursor equals the head again, so only the comparison can tell.
    healed = sync(b, target)
    assert healed.repaired == (5, 5), "Chen's notes fetched, Ana's late notes pushed again"
    assert local_digest(b.log)["events"] == before["events"] + 5
    converge([a, b, c], target)
    assert_converged([a, b, c], shared_db.engine)
    expected = {f"note {i}" for i in range(10)} | {f"late {i}" for i in range(5)}
    expected |= {f"chen {i}" for i in range(5)}
    for app in (a, b, c):
        assert set(notes_of(app, sid)) == expected
