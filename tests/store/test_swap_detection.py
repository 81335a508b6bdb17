"""The database file swapped underneath a running desk: detected before the next write.

A folder-sync client or a person replaces, moves or copies over the open file. SQLite does
not notice: before the guard, the next append was acknowledged into the old file's -wal, and
the file at the path (another database) ended overwritten or corrupt. Every case runs on real
files; what is left on disk is read back in a fresh process, so that nothing this process
still holds open can hide or cause a change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mimdesk.app import App, open_app
from mimdesk.errors import DatabaseSwapped
from mimdesk.store.sqlite import backup
from mimdesk.usecases import incidents, timeline
from tests.support.recorded import as_json

READ_BACK = textwrap.dedent(
    """
    import json, sqlite3, sys
    con = sqlite3.connect(sys.argv[1])
    print(json.dumps({
        "integrity": con.execute("PRAGMA integrity_check").fetchone()[0],
        "titles": sorted(r[0] for r in con.execute("SELECT title FROM incident_summary")),
        "notes": sorted(
            json.loads(r[0])["text"]
            for r in con.execute("SELECT payload FROM event WHERE type = 'note.added'")
        ),
    }))
    """
)


def read_back(path: Path) -> dict:
    """The database at ``path`` as a new process opening it sees it."""
    proc = subprocess.run(
        [sys.executable, "-c", READ_BACK, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def swapped_message(path: Path) -> str:
    return (
        f"The database file {path} was replaced or moved by another program; "
        "MIM Desk stopped writing to it."
    )


@pytest.fixture
def other(tmp_path: Path, home: Path) -> Path:
    """Another MIM Desk database, closed: what a sync client or a copy puts in its place."""
    path = tmp_path / "other.sqlite3"
    other = open_app(db=path)
    try:
        incidents.report(other.ctx, title="The other desk's incident")
    finally:
        other.close()
    return path


@pytest.fixture
def desk(tmp_path: Path, home: Path):
    """This desk, writing: an incident with notes, some of them only in the -wal."""
    app = open_app(db=tmp_path / "desk.sqlite3")
    summary, _ = incidents.report(app.ctx, title="Mail down")
    for n in range(5):
        timeline.add_note(app.ctx, reference=summary.reference, text=f"note {n}")
    try:
        yield app, summary.reference
    finally:
        app.close()


def append_after(app: App, reference: str) -> None:
    timeline.add_note(app.ctx, reference=reference, text="after the swap")


@pytest.mark.slow
def test_a_file_renamed_over_it_is_detected_and_left_as_it_is(desk, other):
    app, reference = desk
    path = app.database
    os.replace(other, path)  # what a sync client does: write elsewhere, rename over
    replaced = path.read_bytes()

    with pytest.raises(DatabaseSwapped) as caught:
        append_after(app, reference)
    assert caught.value.message == swapped_message(path)
    assert caught.value.path == path
    assert path.read_bytes() == replaced
    # Stays refused: nothing more goes to either file.
    with pytest.raises(DatabaseSwapped):
        append_after(app, reference)
    app.close()

    assert path.read_bytes() == replaced
    # This desk's -wal, still at the path, is not replayed into the new file at its next open.
    assert read_back(path) == {
        "integrity": "ok",
        "titles": ["The other desk's incident"],
        "notes": [],
    }


@pytest.mark.slow
def test_a_moved_file_is_detected_and_keeps_every_acknowledged_note(desk, tmp_path):
    app, reference = desk
    path = app.database
    moved = tmp_path / "moved-away.sqlite3"
    os.rename(path, moved)

    with pytest.raises(DatabaseSwapped) as caught:
        append_after(app, reference)
    assert caught.value.message == swapped_message(path)
    app.close()

    assert not path.exists()  # nothing recreated a database at the old path
    # The acknowledged notes lived in the -wal left at the old path; they went with the file.
    assert read_back(moved) == {
        "integrity": "ok",
        "titles": ["Mail down"],
        "notes": [f"note {n}" for n in range(5)],
    }


COPY_OVER = textwrap.dedent(
    """
    import json, shutil, sys
    from mimdesk.app import open_app
    from mimdesk.errors import DatabaseSwapped
    from mimdesk.usecases import incidents, timeline

    path, other = sys.argv[1], sys.argv[2]
    app = open_app(db=path)
    summary, _ = incidents.report(app.ctx, title="Mail down")
    for n in range(5):
        timeline.add_note(app.ctx, reference=summary.reference, text=f"note {n}")
    shutil.copyfile(other, path)  # the same file (inode), another database's bytes
    outcome = {}
    try:
        timeline.add_note(app.ctx, reference=summary.reference, text="after the swap")
        outcome["append"] = "acknowledged"
    except DatabaseSwapped as exc:
        outcome["append"] = type(exc).__name__
        outcome["message"] = exc.message
        outcome["hint"] = exc.hint
    with open(path, "rb") as f:
        outcome["after_append"] = f.read() == open(other, "rb").read()
    app.close()
    print(json.dumps(outcome))
    """
)


@pytest.mark.slow
def test_another_database_copied_into_the_same_file_is_detected(tmp_path, other):
    path = tmp_path / "desk.sqlite3"
    copied = other.read_bytes()
    # In a process of its own: what it leaves open at exit is part of what is tested.
    proc = subprocess.run(
        [sys.executable, "-c", COPY_OVER, str(path), str(other)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout)
    assert outcome["append"] == "DatabaseSwapped", outcome
    assert outcome["message"] == swapped_message(path)
    assert outcome["after_append"] is True

    # Not even closing or exiting wrote the old -wal's pages into the copied file...
    assert path.read_bytes() == copied
    # ...and the next open does not replay them: this desk's -wal and -shm were set aside,
    # and the hint names where.
    aside = sorted(p.name for p in tmp_path.glob("desk.sqlite3-*.set-aside-*"))
    assert [name.split(".set-aside-")[0] for name in aside] == [
        "desk.sqlite3-shm",
        "desk.sqlite3-wal",
    ]
    assert all(name in outcome["hint"] for name in aside)
    assert read_back(path) == {
        "integrity": "ok",
        "titles": ["The other desk's incident"],
        "notes": [],
    }
    assert path.read_bytes() == copied


@pytest.mark.slow
def test_the_copy_made_before_an_upgrade_copied_back_is_detected(desk):
    """The backup MIM Desk keeps beside the file is another database for the guard: copied
    back over the open file (to "undo" an upgrade), it is not written into."""
    app, reference = desk
    copy = backup(app.database, "0003")
    restored = copy.read_bytes()
    shutil.copyfile(copy, app.database)

    with pytest.raises(DatabaseSwapped):
        append_after(app, reference)
    assert app.database.read_bytes() == restored


@pytest.mark.slow
def test_other_processes_writing_and_checkpointing_the_same_file_are_no_swap(desk):
    """No false alarm: another MIM Desk process (a CLI command) writes the same file and
    checkpoints it, which moves the header's change counter on."""
    app, reference = desk
    writer = textwrap.dedent(
        """
        import sys
        from mimdesk.app import open_app
        from mimdesk.usecases import timeline

        app = open_app(db=sys.argv[1])
        for n in range(200):
            timeline.add_note(app.ctx, reference=sys.argv[2], text=f"cli {n} " + "y" * 500)
        with app.log.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        app.close()
        """
    )
    header_before = app.database.read_bytes()[:100]
    proc = subprocess.run(
        [sys.executable, "-c", writer, str(app.database), reference],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    assert app.database.read_bytes()[:100] != header_before  # the checkpoint reached page 1

    timeline.add_note(app.ctx, reference=reference, text="after the other writer")
    notes = [
        as_json(e.payload).get("text") for e in app.log.stream(app.log.summaries()[0].stream_id)
    ]
    assert notes.count("after the other writer") == 1
    assert sum(1 for n in notes if str(n).startswith("cli ")) == 200
