"""``--db`` at something that is no database file, and database files this user may only read.

A FIFO used to hang the command (SQLite's first read waits for a writer forever), a device
was opened as a database, and a name over 255 characters ended in a traceback. Each now
gives one line and exit status 2. A database file (or folder) this user may not write can
still be listed, shown and exported: reading commands open it read-only and leave nothing
beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mimdesk import errors
from mimdesk.app import open_app
from mimdesk.usecases import incidents, timeline
from tests.system_tools import unprivileged_prefix

FIFO_TIMEOUT_S = 30  # the old behaviour: no answer at all


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the profile folder and the desk key in it too) with its
    SHA-256 and mode."""
    return {
        str(p.relative_to(folder)): f"{hashlib.sha256(p.read_bytes()).hexdigest()} "
        f"{oct(p.stat().st_mode)}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---- not a database file ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("command", [["list"], ["new", "Printer on fire"]])
def test_a_fifo_is_refused_at_once(run_cli, tmp_path, command):
    fifo = tmp_path / "pipe.sqlite3"
    os.mkfifo(fifo)
    result = run_cli("--db", fifo, *command, timeout=FIFO_TIMEOUT_S)
    assert result.code == 2, result
    assert result.err_lines == [
        f"mimdesk: {fifo} is a named pipe (FIFO), not a database file. Choose a database file."
    ]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert list(tmp_path.glob("pipe.sqlite3?*")) == []  # no -wal, no -shm


@pytest.mark.slow
@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
@pytest.mark.parametrize("command", [["list"], ["new", "Printer on fire"]])
def test_a_device_is_refused_and_left_alone(run_cli, device, command):
    result = run_cli("--db", device, *command)
    assert result.code == 2, result
    assert result.err_lines == [
        f"mimdesk: {device} is a device, not a database file. Choose a database file."
    ]
    assert stat.S_ISCHR(os.stat(device).st_mode)
    # Before, as root, SQLite wrote /dev/null-journal beside it.
    for suffix in ("-journal", "-wal", "-shm"):
        assert not Path(f"{device}{suffix}").exists()


def test_open_app_refuses_a_fifo_without_opening_it(tmp_path, home):
    fifo = tmp_path / "pipe.sqlite3"
    os.mkfifo(fifo)
    with pytest.raises(errors.NotADatabase) as caught:
        open_app(db=fifo)  # would block here, in open(), before the check
    assert caught.value.path == fifo


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("n" * 300 + ".sqlite3", "is too long: 308 characters, where a file system allows 255."),
        (
            "f" * 260 + "/desk.sqlite3",
            "is too long: 260 characters, where a file system allows 255.",
        ),
        ("/".join(["d" * 200] * 25) + "/desk.sqlite3", "The path of the database is too long"),
    ],
    ids=["file name", "folder name", "whole path"],
)
def test_a_name_too_long_is_one_line(run_cli, tmp_path, name, words):
    result = run_cli("--db", tmp_path / name, "list")
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("mimdesk: ")
    assert words in result.err_lines[0]
    assert "Traceback" not in result.err


# ---- a database this user may only read ------------------------------------------------------


def unprivileged_env(base: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(base),
        "MIMDESK_HOME": str(base / "home"),
        "MIMDESK_SITE_CONFIG": str(base / "no-site.toml"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


def references(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT title, reference FROM incident_summary"))
    finally:
        con.close()


@pytest.fixture
def read_only_db(filled_db) -> Iterator[tuple[Path, Path]]:
    """A real database, mode 0444, in a folder of mode 0555; and a folder for the outputs.

    Made outside pytest's temporary folder, which other users cannot enter.
    """
    base = Path(tempfile.mkdtemp(prefix="mimdesk-rodb-"))
    folder = base / "readonly"
    try:
        base.chmod(0o777)  # outputs (--json, --pdf) go here
        folder.mkdir()
        path = folder / "desk.sqlite3"
        shutil.copy(filled_db, path)
        assert not Path(f"{path}-wal").exists()
        path.chmod(0o444)
        folder.chmod(0o555)
        yield path, base
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)


@pytest.mark.slow
def test_a_read_only_database_is_listed_shown_and_exported(run_cli, read_only_db):
    path, base = read_only_db
    refs = references(path)
    mail = refs["Mail down"]
    before = snapshot(path.parent)

    def as_user(*args: str | Path):
        return run_cli(
            "--db",
            path,
            *args,
            prefix=unprivileged_prefix(),
            env=unprivileged_env(base),
            cwd=base,
        )

    listed = as_user("list")
    assert listed.code == 0, listed
    assert sorted(line.split()[0] for line in listed.out.splitlines()) == sorted(refs.values())

    shown = as_user("show", mail)
    assert shown.code == 0, shown
    assert shown.out.splitlines()[0] == f"{mail}  Mail down"

    out = base / "mail-down.json"
    exported = as_user("export", mail, "--json", out)
    assert exported.code == 0, exported
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sum(1 for e in data["events"] if e["type"] == "note.added") == 300

    for args in (["followups", mail], ["postmortem", mail], ["outbox"], ["candidates"]):
        result = as_user(*args)
        assert result.code == 0, (args, result)
        assert result.err == "", (args, result)

    # Reading left nothing beside the file: no -wal, no -shm, the file as it was.
    assert snapshot(path.parent) == before

    # A command that writes keeps its clear refusal.
    refused = as_user("note", mail, "Bridge opened")
    assert refused.code == 2, refused
    assert refused.err_lines == [
        f"mimdesk: MIM Desk cannot write in {path.parent}. "
        "Choose a folder you can write to, or ask IT for write access."
    ]
    assert snapshot(path.parent) == before


def test_open_app_read_only_reads_and_refuses_every_write(tmp_path, home):
    """Read-only is SQLite's, not only the permissions': even root cannot write through it."""
    path = tmp_path / "desk.sqlite3"
    writer = open_app(db=path)
    summary, _ = incidents.report(writer.ctx, title="Mail down")
    timeline.add_note(writer.ctx, reference=summary.reference, text="Bridge opened")
    writer.close()
    before = snapshot(tmp_path)

    app = open_app(db=path, read_only=True)
    try:
        (listed,) = incidents.list_incidents(app.ctx, "all", "")
        assert listed.reference == summary.reference
        state = incidents.get(app.ctx, summary.reference).state
        assert [n.text for n in state.notes] == ["Bridge opened"]
        with pytest.raises(errors.DatabaseUnwritable) as caught:
            timeline.add_note(app.ctx, reference=summary.reference, text="refused")
        assert str(path) in caught.value.message
    finally:
        app.close()
    assert snapshot(tmp_path) == before


def test_open_app_read_only_needs_an_existing_database(tmp_path, home):
    with pytest.raises(errors.DatabaseMissing):
        open_app(db=tmp_path / "none.sqlite3", read_only=True)
    assert not (tmp_path / "none.sqlite3").exists()
