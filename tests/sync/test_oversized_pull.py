"""A desk that meets a row over the payload limit skips it with an alarm and never loads it
(issue 12, point 2), on PostgreSQL and MariaDB.

The database owner puts a 60 MB event in the middle of the shared log, bypassing the limit
(the desks' role cannot: the append step and a CHECK constraint refuse it). A new desk then
runs ``mimdesk sync --once`` in a child process whose peak memory is measured: it loads every
other event, moves past the big one, says so, and uses no more memory than a desk pulling the
same log without it. Before, the desk loaded the payload: 664 MB for 60 MB.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from mimdesk.app import open_app
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.store.models import TIME_FORMAT
from mimdesk.sync.digest import local_digest
from tests.support.recorded import as_json
from tests.sync.desk_procs import desk_env, mimdesk, sync_once
from tests.sync.test_protocol import new_incident, notes

BIG = 60_000_000
# Peak RSS a skipped row may add at most; loading 60 MB of text costs several times that.
ROOM_KB = 30 * 1024


def put_big_row(db, stream_id: str) -> tuple[str, int]:
    """As the owner, bypassing the limit: a 60 MB payload at head+1; its id and size."""
    event_id = new_id()
    stamp = datetime.now(UTC).strftime(TIME_FORMAT)
    payload = json.dumps({"text": "x" * BIG, "kind": "observation"})
    values = {
        "id": event_id,
        "stream": stream_id,
        "payload": payload,
        "stamp": stamp,
    }
    insert = (
        "INSERT INTO event (event_id, seq, stream_id, type, payload_v, payload, hlc, desk_id, "
        "author_name, author_login, occurred_at, recorded_at, app_version, received_at) "
        "VALUES (:id, (SELECT last_seq + 1 FROM sync_head), :stream, 'note.added', 1, "
        ":payload, 1, 'owner', 'Owner', 'owner', :stamp, :stamp, '', :stamp)"
    )
    if db.kind == "pg":
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE event DROP CONSTRAINT ck_event_payload_size"))
            conn.execute(text(insert), values)
            conn.execute(text("UPDATE sync_head SET last_seq = last_seq + 1"))
            conn.execute(
                text(
                    "ALTER TABLE event ADD CONSTRAINT ck_event_payload_size "
                    f"CHECK (octet_length(payload) <= {shared.PAYLOAD_LIMIT}) NOT VALID"
                )
            )
        return event_id, len(payload)
    # MariaDB: a 60 MB statement needs a larger max_allowed_packet for this one connection.
    with db.engine.connect() as conn:
        old = conn.execute(text("SELECT @@global.max_allowed_packet")).scalar_one()
        conn.execute(text("SET GLOBAL max_allowed_packet = 268435456"))
    try:
        big = create_engine(
            db.target().url,
            poolclass=NullPool,
            connect_args={"max_allowed_packet": 268435456},
        )
        try:
            with big.begin() as conn:
                conn.execute(text("SET SESSION check_constraint_checks = 0"))
                # The subquery reads the head from the same table it is not inserting into.
                head = conn.execute(text("SELECT last_seq FROM sync_head")).scalar_one()
                conn.execute(
                    text(insert.replace("(SELECT last_seq + 1 FROM sync_head)", ":seq")),
                    {**values, "seq": head + 1},
                )
                conn.execute(text("UPDATE sync_head SET last_seq = last_seq + 1"))
        finally:
            big.dispose()
    finally:
        with db.engine.connect() as conn:
            conn.execute(text(f"SET GLOBAL max_allowed_packet = {int(old)}"))
    return event_id, len(payload)


def test_an_oversized_row_is_skipped_with_an_alarm_and_never_loaded(shared_db, tmp_path, home):
    url = shared_db.url_text()
    env = desk_env()
    ana_path = tmp_path / "ana.sqlite3"
    ana = open_app(db=ana_path)
    try:
        sid = new_incident(ana, "Disk full")
        notes(ana, sid, 3, prefix="before")
    finally:
        ana.close()
    assert sync_once(ana_path, url, env).code == 0
    # The yardstick: a new desk pulling this log, without the big row, in the same way.
    control = sync_once(tmp_path / "control.sqlite3", url, env)
    assert control.code == 0, control.err
    big_id, size = put_big_row(shared_db, sid)
    ana = open_app(db=ana_path)
    try:
        notes(ana, sid, 3, prefix="after")
    finally:
        ana.close()
    assert sync_once(ana_path, url, env).code == 0

    ben_path = tmp_path / "ben.sqlite3"
    first = sync_once(ben_path, url, env)
    assert first.code == 0, first.err
    alarm = f"1 shared event over the 1 MiB limit not loaded (largest {size / 1_048_576:.1f} MiB"
    assert alarm + ", seq 5)" in first.err, first.err
    grown_kb = first.max_rss_kb - control.max_rss_kb
    assert grown_kb < ROOM_KB, (first.max_rss_kb, control.max_rss_kb)
    ben = open_app(db=ben_path)
    try:
        d = local_digest(ben.log)
        texts = [as_json(e.payload).get("text") for e in ben.log.stream(sid)]
        assert ben.log.sync_state()["pull_cursor"] == "8"
    finally:
        ben.close()
    assert d["events"] == 7 and d["pending"] == 0
    assert texts[1:] == [f"before {i}" for i in range(3)] + [f"after {i}" for i in range(3)]
    # Anti-entropy (every run compares on connect) counts it as present: not fetched again.
    second = sync_once(ben_path, url, env, "--json")
    assert second.code == 0, second.err
    outcome = json.loads(second.out)
    assert (outcome["pulled"], outcome["repaired"]) == (0, [0, 0])
    assert second.max_rss_kb - control.max_rss_kb < ROOM_KB
    doctor = mimdesk("--db", str(ben_path), "--shared", url, "doctor", "--json", env=env)
    report = json.loads(doctor.out)
    assert report["local"]["skipped"] == [
        {"seq": 5, "event_id": big_id, "bytes": size, "why": "too large"}
    ]
    assert "over the 1 MiB limit" in report["local"]["alarm"]
    print(
        f"\n{shared_db.kind}: peak RSS {first.max_rss_kb / 1024:.0f} MB with the 60 MB row "
        f"skipped, {control.max_rss_kb / 1024:.0f} MB for the same log without it"
    )
