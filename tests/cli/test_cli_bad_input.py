"""A database MIM Desk cannot use: one clear line, exit status 2, and the file left alone.

Each case is checked twice: through the CLI in a real subprocess, and through
``mimdesk.app.open_app`` raising the right :mod:`mimdesk.errors` class.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mimdesk import errors
from mimdesk.app import open_app
from tests.system_tools import unprivileged_prefix

# MIMDESK_HOME's log folder: every run records its start there (mimdesk.logs), refused or not.
LOGS = Path("home", "data", "logs")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, with each file's SHA-256 (but the log folder)."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<folder>"
        )
        for p in sorted(folder.rglob("*"))
        if not _log_place(p.relative_to(folder))
    }


def _log_place(relative: Path) -> bool:
    """The log folder, what is in it, and the folders above it (a file beside them counts)."""
    return relative == LOGS or LOGS in relative.parents or relative in LOGS.parents


@dataclass
class Case:
    path: Path  # what --db is given
    error: type[errors.DatabaseError]
    words: str  # what the one line must say
    sqlite: bool = False  # a real SQLite file: SQLite may leave an empty -wal and a -shm


def corrupt(tmp: Path, filled: Path) -> Case:
    path = tmp / "corrupt.sqlite3"
    data = bytearray(filled.read_bytes())
    page = 4096
    middle = len(data) // page // 2 * page
    noise = random.Random(1234).randbytes(8 * page)
    data[middle : middle + len(noise)] = noise
    path.write_bytes(bytes(data))
    return Case(path, errors.DatabaseCorrupt, "is damaged", sqlite=True)


def text_file(tmp: Path, filled: Path) -> Case:
    path = tmp / "notes.sqlite3"
    path.write_text("Bridge number: +44 20 7946 0000\nNot a database.\n", encoding="utf-8")
    return Case(path, errors.NotADatabase, "is not a MIM Desk database")


def png_file(tmp: Path, filled: Path) -> Case:
    path = tmp / "screenshot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return Case(path, errors.NotADatabase, "is not a MIM Desk database")


def tiny_file(tmp: Path, filled: Path) -> Case:
    path = tmp / "tiny.sqlite3"
    path.write_bytes(b"SQL")
    return Case(path, errors.NotADatabase, "is not a MIM Desk database")


def other_sqlite(tmp: Path, filled: Path) -> Case:
    path = tmp / "inventory.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE printers (name TEXT)")
    con.execute("INSERT INTO printers VALUES ('Floor 3')")
    con.commit()
    con.close()
    return Case(path, errors.NotADatabase, "not a MIM Desk database", sqlite=True)


def a_folder(tmp: Path, filled: Path) -> Case:
    path = tmp / "folder.sqlite3"
    path.mkdir()
    return Case(path, errors.NotADatabase, "is a folder")


def missing_folder(tmp: Path, filled: Path) -> Case:
    return Case(tmp / "no-such-folder" / "desk.sqlite3", errors.DatabaseMissing, "does not exist")


def under_a_file(tmp: Path, filled: Path) -> Case:
    # A location nobody can write, not even root: a "folder" that is a regular file.
    (tmp / "file.txt").write_text("just a file", encoding="utf-8")
    return Case(tmp / "file.txt" / "desk.sqlite3", errors.DatabaseUnwritable, "not a folder")


def too_new(tmp: Path, filled: Path) -> Case:
    path = tmp / "future.sqlite3"
    shutil.copy(filled, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    return Case(path, errors.SchemaTooNew, "written by a newer MIM Desk (schema 9999_future)", True)


BUILDERS = [
    corrupt,
    text_file,
    png_file,
    tiny_file,
    other_sqlite,
    a_folder,
    missing_folder,
    under_a_file,
    too_new,
]


@pytest.fixture(params=BUILDERS, ids=lambda b: b.__name__)
def case(request, tmp_path, filled_db, home) -> Case:
    folder = tmp_path / "desk"
    folder.mkdir()
    return request.param(folder, filled_db)


def check_left_alone(case: Case, root: Path, before: dict[str, str]) -> None:
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before
    created = set(after) - set(before)
    if case.sqlite:
        # Opening an SQLite file read-only may create its -wal and -shm companions, but
        # nothing may be written into the log.
        name = case.path.relative_to(root)
        assert created <= {f"{name}-wal", f"{name}-shm"}
        wal = Path(f"{case.path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    else:
        assert created == set()


@pytest.mark.slow
def test_cli_refuses_with_one_line(case, run_cli, tmp_path):
    before = snapshot(tmp_path)
    result = run_cli("--db", case.path, "list")
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("mimdesk: ")
    assert case.words in line
    assert "Traceback" not in result.err
    assert result.out == ""
    check_left_alone(case, tmp_path, before)


def test_open_app_raises_the_right_error(case, tmp_path):
    before = snapshot(tmp_path)
    with pytest.raises(errors.DatabaseError) as caught:
        open_app(db=case.path)
    assert type(caught.value) is case.error
    assert case.words in str(caught.value)
    assert caught.value.path == case.path
    assert caught.value.hint
    check_left_alone(case, tmp_path, before)


# ---- a database held by another program ----------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("PRAGMA locking_mode=EXCLUSIVE")
    con.execute("BEGIN EXCLUSIVE")
    con.execute("INSERT INTO desk_meta (key, value) VALUES ('held', 'by another program')")
    print("holding", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    con.execute("ROLLBACK")
    con.close()
    """
)


@contextmanager
def held(path: Path) -> Iterator[None]:
    """Another program holds an exclusive lock on the database and is writing to it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert holder.returncode == 0


def rows(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return [
            *con.execute("SELECT event_id, hlc FROM event ORDER BY seq"),
            *con.execute("SELECT key, value FROM desk_meta ORDER BY key"),
        ]
    finally:
        con.close()


@pytest.mark.slow
def test_cli_gives_up_on_a_locked_database_with_one_line(tmp_path, filled_db, run_cli):
    path = tmp_path / "held.sqlite3"
    shutil.copy(filled_db, path)
    expected = rows(path)
    with held(path):
        # The timeout is the bound: the CLI must give up by itself, not wait for the holder.
        result = run_cli("--db", path, "list", timeout=30)
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert "is locked by another program" in result.err_lines[0]
    assert "Traceback" not in result.err
    assert rows(path) == expected


@pytest.mark.slow
def test_open_app_raises_locked_and_changes_nothing(tmp_path, filled_db, home):
    path = tmp_path / "held.sqlite3"
    shutil.copy(filled_db, path)
    expected = rows(path)
    with held(path), pytest.raises(errors.DatabaseLocked) as caught:
        open_app(db=path)
    assert caught.value.path == path
    assert rows(path) == expected


# ---- a folder this user may not write ------------------------------------------------------


@pytest.fixture
def readonly_folder(filled_db) -> Iterator[Path]:
    """A folder the unprivileged user may read but not write, holding a real database.

    Made outside pytest's own temporary folder, which other users cannot enter.
    """
    base = Path(tempfile.mkdtemp(prefix="mimdesk-ro-"))
    try:
        base.chmod(0o755)
        folder = base / "readonly"
        folder.mkdir()
        shutil.copy(filled_db, folder / "desk.sqlite3")
        (folder / "desk.sqlite3").chmod(0o644)
        folder.chmod(0o555)
        yield folder
    finally:
        (base / "readonly").chmod(0o755)
        shutil.rmtree(base)


def unprivileged_env(folder: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder.parent),
        "MIMDESK_HOME": str(folder.parent / "home"),
        "MIMDESK_SITE_CONFIG": str(folder.parent / "no-site.toml"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["desk.sqlite3", "new.sqlite3"])
def test_cli_refuses_a_folder_it_may_not_write(readonly_folder, run_cli, name):
    before = snapshot(readonly_folder)
    # A command that writes: reading commands open an existing file read-only
    # (tests/cli/test_db_file_kinds.py).
    result = run_cli(
        "--db",
        readonly_folder / name,
        "new",
        "Printer on fire",
        prefix=unprivileged_prefix(),
        env=unprivileged_env(readonly_folder),
        cwd=readonly_folder.parent,
    )
    assert result.code == 2, result
    assert result.err_lines == [
        f"mimdesk: MIM Desk cannot write in {readonly_folder}. "
        "Choose a folder you can write to, or ask IT for write access."
    ]
    assert snapshot(readonly_folder) == before


@pytest.mark.slow
def test_open_app_raises_unwritable_for_a_folder_it_may_not_write(readonly_folder):
    script = textwrap.dedent(
        """
        import sys
        from mimdesk import errors
        from mimdesk.app import open_app
        try:
            open_app(db=sys.argv[1])
        except errors.DatabaseError as exc:
            print(type(exc).__name__)
        """
    )
    proc = subprocess.run(
        [
            *unprivileged_prefix(),
            sys.executable,
            "-c",
            script,
            str(readonly_folder / "desk.sqlite3"),
        ],
        capture_output=True,
        text=True,
        env=unprivileged_env(readonly_folder),
        cwd=readonly_folder.parent,
        timeout=60,
    )
    assert proc.stdout.strip() == "DatabaseUnwritable", proc.stderr


@pytest.mark.slow
def test_a_read_only_file_in_a_writable_folder_is_named(filled_db, run_cli):
    base = Path(tempfile.mkdtemp(prefix="mimdesk-rofile-"))
    try:
        base.chmod(0o777)  # the unprivileged user may write the folder
        path = base / "desk.sqlite3"
        shutil.copy(filled_db, path)
        path.chmod(0o444)
        before = snapshot(base)
        result = run_cli(
            "--db",
            path,
            "new",
            "Printer on fire",
            prefix=unprivileged_prefix(),
            env=unprivileged_env(base / "x"),
            cwd=base,
        )
        assert result.code == 2, result
        assert len(result.err_lines) == 1
        assert f"cannot write to {path}: the file is read-only" in result.err_lines[0]
        assert snapshot(base) == before
    finally:
        shutil.rmtree(base)
