"""Output never destroys input: ``export``, ``report`` and ``cards`` in a real subprocess.

Each command is pointed at what it must never write over (the open database under other
names, another SQLite file, a folder, a device, a pipe, a socket), at an existing file
without ``--force``, at a name too long for the file system, and made to fail half-way
through its write (a file size limit, as a full disk does) with an earlier file in place.
Every refusal is one line on standard error with exit status 2, and what was there before
is still there, byte for byte.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mimdesk.app import open_app
from mimdesk.usecases import incidents, timeline

# Below every output written here, above SQLite's 32 KiB shared-memory file: the database
# can still be read, and the output cannot be written in full.
SIZE_LIMIT = 40_000


@dataclass
class Desk:
    db: Path
    refs: list[str]  # every incident's reference, sorted
    noted: str  # the incident with the notes: its outputs are all larger than SIZE_LIMIT


@pytest.fixture
def desk(home: Path, tmp_path: Path) -> Desk:
    """A closed database with two incidents, one with notes enough to make every output
    larger than SIZE_LIMIT."""
    db = tmp_path / "desk.sqlite3"
    app = open_app(db=db, env=os.environ)
    try:
        first, _ = incidents.report(app.ctx, title="Mail down", severity="SEV1")
        incidents.report(app.ctx, title="VPN slow")
        for n in range(40):
            timeline.add_note(app.ctx, reference=first.reference, text=f"Note {n}: " + "w " * 600)
        refs = sorted(s.reference for s in incidents.list_incidents(app.ctx, "all", ""))
    finally:
        app.close()
    return Desk(db, refs, first.reference)


COMMANDS: dict[str, Callable[[str, Path], tuple[str, ...]]] = {
    "export": lambda ref, out: ("export", ref, "--json", str(out)),
    "report": lambda ref, out: ("report", ref, "--pdf", str(out), "--quiet"),
    "cards": lambda ref, out: ("cards", ref, "--out", str(out)),
}


def command(name: str, desk: Desk, out: Path | str, *extra: str) -> tuple[str, ...]:
    return ("--db", str(desk.db), *COMMANDS[name](desk.noted, Path(out)), *extra)


def one_line_refusal(result: Any, *words: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert len(result.err_lines) == 1, result.err
    assert result.err.startswith("mimdesk: ")
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, result.err


def references(run_cli: Callable[..., Any], db: Path) -> list[str]:
    listed = run_cli("--db", db, "list", "--filter", "all", "--json")
    assert listed.code == 0, listed.err
    return sorted(row["reference"] for row in json.loads(listed.out))


# ---- the open database, under any name -------------------------------------------------


def _same(desk: Desk, tmp_path: Path) -> Path:
    return desk.db


def _wal(desk: Desk, tmp_path: Path) -> Path:
    return Path(f"{desk.db}-wal")


def _shm(desk: Desk, tmp_path: Path) -> Path:
    return Path(f"{desk.db}-shm")


def _hard_link(desk: Desk, tmp_path: Path) -> Path:
    link = tmp_path / "elsewhere" / "report.json"
    link.parent.mkdir()
    os.link(desk.db, link)
    return link


def _symlink(desk: Desk, tmp_path: Path) -> Path:
    link = tmp_path / "latest.pdf"
    link.symlink_to(desk.db)
    return link


def _other_spelling(desk: Desk, tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    return tmp_path / "sub" / ".." / "." / desk.db.name


DATABASE_NAMES = {
    "the database": _same,
    "its -wal": _wal,
    "its -shm": _shm,
    "a hard link to it": _hard_link,
    "a symbolic link to it": _symlink,
    "another spelling of its path": _other_spelling,
}


@pytest.mark.parametrize("name", DATABASE_NAMES)
def test_export_onto_the_open_database_is_refused_even_with_force(run_cli, desk, tmp_path, name):
    """Before: `export REF --json DB` exited 0 and every other incident was gone."""
    target = DATABASE_NAMES[name](desk, tmp_path)
    before = references(run_cli, desk.db)
    assert before == desk.refs and len(before) == 2
    result = run_cli(*command("export", desk, target, "--force"))
    one_line_refusal(result, "the open database")
    assert desk.db.read_bytes().startswith(b"SQLite format 3\x00")
    assert references(run_cli, desk.db) == before


@pytest.mark.parametrize("name", ["report", "cards"])
def test_pdfs_onto_the_open_database_are_refused_even_with_force(run_cli, desk, tmp_path, name):
    before = references(run_cli, desk.db)
    for target in (desk.db, _symlink(desk, tmp_path)):
        one_line_refusal(run_cli(*command(name, desk, target, "--force")), "the open database")
    assert references(run_cli, desk.db) == before


def test_another_sqlite_file_is_refused_even_with_force(run_cli, desk, tmp_path):
    """A second MIM Desk database (a backup, another team's) and the files SQLite keeps
    beside one are recognised by their content and their names, not only by being open."""
    backup = tmp_path / "backup.sqlite3"
    shutil.copyfile(desk.db, backup)
    kept = backup.read_bytes()
    one_line_refusal(run_cli(*command("export", desk, backup, "--force")), "is a SQLite database")
    assert backup.read_bytes() == kept
    one_line_refusal(
        run_cli(*command("report", desk, f"{backup}-journal", "--force")),
        "belongs to the SQLite database backup.sqlite3",
    )
    assert not Path(f"{backup}-journal").exists()


# ---- folders and special files ---------------------------------------------------------


@pytest.fixture
def listening_socket() -> Iterator[Path]:
    # A short folder: a socket's path is limited to about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="mim"))
    path = folder / "s.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()
    try:
        yield path
    finally:
        server.close()
        shutil.rmtree(folder)


def test_folders_pipes_and_sockets_are_refused(run_cli, desk, tmp_path, listening_socket):
    """Before: `export` replaced a named pipe with a regular file and exited 0."""
    folder = tmp_path / "exports"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_line_refusal(run_cli(*command("export", desk, folder, "--force")), "is a folder")
    for special in (fifo, listening_socket):
        for name in COMMANDS:
            one_line_refusal(
                run_cli(*command(name, desk, special, "--force")), "not a regular file"
            )
    assert folder.is_dir() and not any(folder.iterdir())
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert stat.S_ISSOCK(listening_socket.lstat().st_mode)


@pytest.mark.parametrize("name", COMMANDS)
def test_dev_null_is_refused_and_stays_a_device(run_cli, desk, name):
    """Before, as root: `export REF --json /dev/null` replaced /dev/null with the export."""
    result = run_cli(*command(name, desk, "/dev/null", "--force"))
    one_line_refusal(result, "/dev/null is not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


# ---- an existing file, a name too long ---------------------------------------------------


def umask(mask: int) -> Callable[[], None]:
    return lambda: os.umask(mask) and None


@pytest.mark.parametrize("name", COMMANDS)
def test_an_existing_file_is_replaced_only_with_force(run_cli, desk, tmp_path, name):
    """Before: an existing file was replaced without a word."""
    out = tmp_path / f"earlier.{name}"
    out.write_bytes(b"The earlier file, which must survive a second command.\n")
    os.chmod(out, 0o600)
    result = run_cli(*command(name, desk, out))
    one_line_refusal(result, f"{out} already exists", "--force")
    assert out.read_bytes() == b"The earlier file, which must survive a second command.\n"

    result = run_cli(*command(name, desk, out, "--force"), preexec_fn=umask(0o022))
    assert result.code == 0, result.err
    assert out.read_bytes()[:5] in (b'{\n  "', b"%PDF-")
    # A new file, as open() would make it: 0644 less the umask, whatever was there before.
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_new_files_are_0644_less_the_umask(run_cli, desk, tmp_path, mask, mode):
    out = tmp_path / "cards.pdf"
    result = run_cli(*command("cards", desk, out), preexec_fn=umask(mask))
    assert result.code == 0, result.err
    assert stat.S_IMODE(out.stat().st_mode) == mode


@pytest.mark.parametrize("name", COMMANDS)
def test_a_name_over_255_bytes_is_one_line(run_cli, desk, tmp_path, name):
    out = tmp_path / ("Κ" * 130 + ".out")  # 264 bytes in UTF-8
    one_line_refusal(run_cli(*command(name, desk, out)), "264 bytes", "at most 255 bytes")
    assert list(tmp_path.glob("*.out")) == []


# ---- a write that fails half-way ---------------------------------------------------------


def file_size_limit(limit: int) -> Callable[[], None]:
    """In the child: no file may grow past ``limit`` bytes, and a write past it fails with
    EFBIG (SIGXFSZ ignored) instead of killing the process, as a full disk fails a write."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


@pytest.mark.parametrize("name", COMMANDS)
def test_a_failed_write_keeps_the_earlier_file(run_cli, desk, tmp_path, name):
    """Before, for role cards: the earlier PDF was cut at the limit, 40,000 bytes of a PDF
    that no longer opens. (The JSON export and the postmortem already wrote a temporary file.)"""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"incident.{name}"
    assert run_cli(*command(name, desk, out)).code == 0
    earlier = out.read_bytes()
    assert len(earlier) > SIZE_LIMIT  # else the limit would not cut the new one
    result = run_cli(*command(name, desk, out, "--force"), preexec_fn=file_size_limit(SIZE_LIMIT))
    one_line_refusal(result, f"Cannot write {out}", "File too large", "unchanged")
    assert out.read_bytes() == earlier
    assert [p.name for p in folder.iterdir()] == [out.name]  # the partial file is gone
