"""Backups: consistent copies while the desk writes, named for when and why, pruned to the
newest N automatic ones, and restored without losing what the file held."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mimdesk.app import open_app
from mimdesk.config import BackupSettings
from mimdesk.errors import InvalidInput
from mimdesk.store import backups
from mimdesk.store.sqlite import check_file
from mimdesk.usecases import backups as backups_uc
from mimdesk.usecases import incidents, timeline

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def events_in(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM event").fetchone()[0]
    finally:
        con.close()


def test_a_copy_taken_while_the_desk_writes_is_whole(app, ctx, tmp_path):
    summary, _ = incidents.report(ctx, title="Mail down")
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            timeline.add_note(ctx, reference=summary.reference, text=f"note {n}")
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [backups.copy(app.database, tmp_path / f"copy{i}.sqlite3") for i in range(5)]
    finally:
        stop.set()
        writer.join()
    for copy in copies:
        assert check_file(copy) is not None  # a MIM Desk database, integrity checked
        assert not Path(f"{copy}-wal").exists()  # one file, to move or mail as it is
        con = sqlite3.connect(copy)
        (orphans,) = con.execute(
            "SELECT count(*) FROM event WHERE stream_id NOT IN "
            "(SELECT stream_id FROM incident_summary)"
        ).fetchone()
        con.close()
        assert orphans == 0  # the projection and the log are from one moment
    assert events_in(copies[-1]) >= events_in(copies[0]) >= 1


def test_automatic_backups_are_named_found_and_pruned(app, tmp_path):
    folder = tmp_path / "backups"
    for day in range(5):
        backups.take(app.database, folder, why="daily", now=T0 + timedelta(days=day))
    manual = backups.take(app.database, folder, why="manual", now=T0 - timedelta(days=9))
    (folder / "notes.txt").write_text("not a backup")
    found = backups.found(app.database, folder)
    assert [b.why for b in found] == ["manual", *["daily"] * 5]
    assert found[-1].taken_at == T0 + timedelta(days=4)
    gone = backups.prune(app.database, folder, keep=2)
    assert len(gone) == 3
    left = backups.found(app.database, folder)
    assert [b.taken_at for b in left if b.why == "daily"] == [
        T0 + timedelta(days=3),
        T0 + timedelta(days=4),
    ]
    assert manual.exists(), "a backup taken by hand is never pruned"
    assert (folder / "notes.txt").exists()


def test_a_daily_backup_is_due_a_day_after_the_newest(app, tmp_path):
    assert backups.due([], T0)
    folder = tmp_path / "b"
    backups.take(app.database, folder, why="start", now=T0)
    found = backups.found(app.database, folder)
    assert not backups.due(found, T0 + timedelta(hours=23))
    assert backups.due(found, T0 + timedelta(days=1))


def test_the_folder_is_the_data_folders_or_the_one_it_names(app, tmp_path, monkeypatch):
    from dataclasses import replace

    assert backups_uc.folder(app.paths, app.settings) == app.paths.data_dir / "backups"
    named = replace(app.settings, backups=BackupSettings(folder=str(tmp_path / "it")))
    assert backups_uc.folder(app.paths, named) == tmp_path / "it"
    monkeypatch.setenv("MIMDESK_TEST_SHARE", str(tmp_path / "share"))
    expanded = replace(app.settings, backups=BackupSettings(folder="$MIMDESK_TEST_SHARE/desk1"))
    assert backups_uc.folder(app.paths, expanded) == tmp_path / "share" / "desk1"


def test_a_restore_keeps_what_the_file_held(home, tmp_path):
    path = tmp_path / "desk.sqlite3"
    app = open_app(db=path)
    incidents.report(app.ctx, title="Before the backup")
    saved = backups_uc.manual(path, tmp_path / "saved.sqlite3")
    incidents.report(app.ctx, title="After the backup")
    app.close()

    kept = backups_uc.restore(path, saved, app.paths, app.settings)
    assert kept is not None and events_in(kept) == 2  # nothing lost: the later one is here
    reopened = open_app(db=path)
    try:
        titles = [s.title for s in incidents.list_incidents(reopened.ctx)]
    finally:
        reopened.close()
    assert titles == ["Before the backup"]
    with pytest.raises(InvalidInput, match="is the database itself"):
        backups_uc.restore(path, path, app.paths, app.settings)
    (tmp_path / "junk.sqlite3").write_bytes(b"junk")
    with pytest.raises(InvalidInput, match=r"cannot be restored: .* not a MIM Desk database"):
        backups_uc.restore(path, tmp_path / "junk.sqlite3", app.paths, app.settings)


def test_another_desks_database_is_not_restored_over_this_one(home, tmp_path):
    """Two desks with one id would share as one: a restore takes only this desk's backups."""
    ours, theirs = tmp_path / "ours.sqlite3", tmp_path / "theirs.sqlite3"
    for path in (ours, theirs):
        app = open_app(db=path)
        incidents.report(app.ctx, title=f"Made in {path.stem}")
        app.close()
    before = ours.read_bytes()
    with pytest.raises(InvalidInput, match="is another desk's database, not a backup"):
        backups_uc.restore(ours, theirs, app.paths, app.settings)
    assert ours.read_bytes() == before
