"""Driver errors become messages a person can act on; a full disk loses nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from mimdesk import errors
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import new_id
from mimdesk.store.eventlog import EventLog
from mimdesk.store.sqlite import check_file, check_writable, open_database, translate


def real_error(action) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        action()
    return caught.value


def test_a_locked_database(tmp_path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    try:
        exc = real_error(lambda: other.execute("INSERT INTO t VALUES (1)"))
    finally:
        other.close()
        holder.execute("ROLLBACK")
        holder.close()
    error = translate(path, exc)
    assert type(error) is errors.DatabaseLocked
    assert error.message == f"The database {path} is locked by another program."


def test_a_read_only_connection(tmp_path):
    path = tmp_path / "ro.sqlite3"
    maker = sqlite3.connect(path)
    maker.execute("CREATE TABLE t (x)")
    maker.close()
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        exc = real_error(lambda: con.execute("INSERT INTO t VALUES (1)"))
    finally:
        con.close()
    assert type(translate(path, exc)) is errors.DatabaseUnwritable


def test_not_a_database(tmp_path):
    path = tmp_path / "text.sqlite3"
    path.write_bytes(b"x" * 4096)
    con = sqlite3.connect(path)
    try:
        exc = real_error(lambda: con.execute("SELECT * FROM sqlite_master").fetchall())
    finally:
        con.close()
    assert type(translate(path, exc)) is errors.NotADatabase


def test_anything_else_still_names_the_file(tmp_path):
    path = tmp_path / "x.sqlite3"
    con = sqlite3.connect(path)
    try:
        exc = real_error(lambda: con.execute("SELECT * FROM no_such_table"))
    finally:
        con.close()
    error = translate(path, exc)
    assert type(error) is errors.DatabaseError
    assert str(path) in error.message and "no such table" in error.message


def test_check_file_on_a_folder_and_on_an_empty_file(tmp_path):
    with pytest.raises(errors.NotADatabase, match="is a folder"):
        check_file(tmp_path)
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert check_file(empty) is None


def test_check_writable(tmp_path):
    check_writable(tmp_path / "fine.sqlite3")
    with pytest.raises(errors.DatabaseMissing, match="does not exist"):
        check_writable(tmp_path / "gone" / "x.sqlite3")
    (tmp_path / "file").write_text("")
    with pytest.raises(errors.DatabaseUnwritable, match="it is a file, not a folder"):
        check_writable(tmp_path / "file" / "x.sqlite3")


def test_a_full_disk_refuses_the_append_and_keeps_what_was_saved(tmp_path, make_event):
    """SQLite's own page limit stands in for a full disk: the same error, for real."""
    path = tmp_path / "full.sqlite3"
    engine, _ = open_database(path)
    log = EventLog(engine)
    sid = new_id()
    log.append([make_event(sid, EventType.INCIDENT_REPORTED)])
    log.append([make_event(sid)])
    probe = sqlite3.connect(path)
    pages = probe.execute("PRAGMA page_count").fetchone()[0]
    probe.close()
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _limit(dbapi_con: sqlite3.Connection, _record: object) -> None:
        dbapi_con.execute(f"PRAGMA max_page_count={pages + 2}")

    before = log.summary(sid)
    with pytest.raises(errors.DatabaseUnwritable) as caught:
        log.append([make_event(sid, payload={"text": "x" * 200_000, "kind": "observation"})])
    assert caught.value.message == f"The disk holding {Path(path)} is full or failing."
    assert len(log.stream(sid)) == 2
    assert log.summary(sid) == before
    # Space is freed: the desk carries on where it was.
    engine.dispose()
    event.remove(engine, "connect", _limit)
    log.append([make_event(sid)])
    assert log.summary(sid).event_count == 3
    log.rebuild_projections()
    assert log.summary(sid).event_count == 3
    log.close()
