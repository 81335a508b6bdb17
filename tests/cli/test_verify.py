"""``mimdesk verify`` checks the local file (issue 14, point 5): SQLite's integrity, every
event's signature, and that the incident summaries are what the log folds to. A row edited
in the file, or a summary edited, makes it fail and name what."""

from __future__ import annotations

import json
import sqlite3

from mimdesk import exitcodes
from mimdesk.app import open_app
from mimdesk.usecases import incidents, timeline


def _desk(cli_env, tmp_path):
    db = tmp_path / "desk.sqlite3"
    app = open_app(db=db, env=cli_env)
    summary, _ = incidents.report(app.ctx, title="Payroll down")
    timeline.add_note(app.ctx, reference=summary.reference, text="Restarted at 10:05")
    app.close()
    return db, summary.reference


def test_a_whole_file_verifies(run_cli, cli_env, tmp_path):
    db, _ = _desk(cli_env, tmp_path)
    done = run_cli("--db", db, "verify")
    assert done.code == exitcodes.OK, done.err
    assert "Integrity: ok" in done.out
    assert "Signatures: 2 of 2 events verify" in done.out
    assert "Summaries: equal to a rebuild from the log" in done.out
    assert done.out.rstrip().endswith("OK")


def test_an_edited_row_and_an_edited_summary_fail_and_are_named(run_cli, cli_env, tmp_path):
    db, reference = _desk(cli_env, tmp_path)
    with sqlite3.connect(db) as raw:
        (event_id,) = raw.execute(
            "SELECT event_id FROM event WHERE payload LIKE '%10:05%'"
        ).fetchone()
        raw.execute("UPDATE event SET payload = replace(payload, '10:05', '11:05')")
        raw.execute("UPDATE incident_summary SET title = 'Nothing happened'")
    done = run_cli("--db", db, "verify")
    assert done.code == exitcodes.FAILED, done.err
    assert "Signatures: 1 of 2 events verify" in done.out
    assert f"FAILED event {event_id}" in done.out
    assert "does not verify" in done.out
    assert f"FAILED {reference}: title is 'Nothing happened', the log gives 'Payroll down'" in (
        done.out
    )
    assert done.out.rstrip().endswith("FAILED: the record cannot be trusted as it is")
    as_json = run_cli("--db", db, "verify", "--json")
    assert as_json.code == exitcodes.FAILED
    found = json.loads(as_json.out)
    assert found["signatures"]["good"] == 1
    assert found["failing"] == [
        {
            "event_id": event_id,
            "desk_id": found["failing"][0]["desk_id"],
            "verdict": "bad_signature",
        }
    ]
    assert found["ok"] is False


def test_a_damaged_file_is_named_damaged(run_cli, cli_env, tmp_path):
    db, _ = _desk(cli_env, tmp_path)
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")
        (pages,) = raw.execute("PRAGMA page_count").fetchone()
        (size,) = raw.execute("PRAGMA page_size").fetchone()
        # The index of event ids: damage it and the table still reads, the check does not.
        (root,) = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_event_stream_hlc'"
        ).fetchone()
    assert 1 < root <= pages
    data = bytearray(db.read_bytes())
    offset = (root - 1) * size
    data[offset + 8 : offset + 24] = b"\xff" * 16
    db.write_bytes(bytes(data))
    done = run_cli("--db", db, "verify")
    # Opening checks the file first: a damaged one is refused before anything reads it.
    assert done.code == exitcodes.USER_ERROR
    assert f"The database {db} is damaged (" in done.err
    assert len(done.err_lines) == 1 and done.out == ""
