"""Files the channels write: the status page a web server must read, and an .eml draft that
must never land on the database or over a file already there. Run as `mimdesk send` in a
real subprocess, with the umask set in the child."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def mimdesk(*args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    def child() -> None:
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "mimdesk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=child,
    )


def send(
    db: Path, reference: str, *args: str, umask: int = 0o022
) -> subprocess.CompletedProcess[str]:
    return mimdesk("--db", str(db), "send", reference, "--kind", "update", *args, umask=umask)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_status_page_files_are_0644_less_the_umask(app, incident, tmp_path, mask, mode):
    """Before: both files were 0600 (tempfile.mkstemp's mode), which a web server running as
    another user cannot read: the published page answered 403."""
    folder = tmp_path / "status"
    folder.mkdir()
    (tmp_path / "no-site.toml").write_text(f'[comms]\nstatus_page_dir = "{folder.as_posix()}"\n')
    app.close()
    done = send(
        app.database, incident.reference, "--audience", "customers", "--channel", "statuspage",
        umask=mask,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "status.json"]
    for name in ("index.html", "status.json"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == mode, name
    assert json.loads((folder / "status.json").read_text("utf-8"))["incidents"]


def listed(db: Path) -> list[str]:
    done = mimdesk("--db", str(db), "list", "--json")
    assert done.returncode == 0, done.stderr
    return [row["reference"] for row in json.loads(done.stdout)]


def test_an_eml_draft_never_lands_on_the_database(app, incident, tmp_path):
    """Before: `send --channel eml --out DB` wrote the draft over the open database, said
    "Sent" and exited 0; the incident was gone."""
    db = app.database
    app.close()
    before = listed(db)
    assert before == [incident.reference]
    for target in (db, tmp_path / "link.eml"):
        if target != db:
            target.symlink_to(db)
        done = send(
            db, incident.reference, "--audience", "business", "--channel", "eml",
            "--to", "eleni@example.org", "--out", str(target),
        )  # fmt: skip
        assert done.returncode == 1, done.stdout
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "Not sent:" in done.stderr
        assert "is a SQLite database" in done.stderr
    assert db.read_bytes().startswith(b"SQLite format 3\x00")
    assert listed(db) == before


def test_an_eml_draft_does_not_replace_an_existing_file(app, incident, tmp_path):
    """Before: an existing file at --out was replaced by the draft."""
    app.close()
    out = tmp_path / "draft.eml"
    out.write_bytes(b"A draft the user is still editing.\n")
    done = send(
        app.database, incident.reference, "--audience", "business", "--channel", "eml",
        "--to", "eleni@example.org", "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert f"{out} already exists" in done.stderr
    assert out.read_bytes() == b"A draft the user is still editing.\n"
    fresh = tmp_path / "fresh.eml"
    done = send(
        app.database, incident.reference, "--audience", "business", "--channel", "eml",
        "--to", "eleni@example.org", "--out", str(fresh),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"X-Unsent: 1" in fresh.read_bytes()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
