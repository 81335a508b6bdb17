"""Hostile input to the real CLI: bounded work, one line on stderr, exit 2, never a traceback.

Each command runs as a child process held to 1 GiB of address space and killed after 30 s
(tests/support/bounded_child.py), so a regression fails the test instead of taking the machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from mimdesk.app import open_app
from mimdesk.errors import InvalidInput
from mimdesk.usecases import incidents, untrusted_file

pytest.importorskip("resource", reason="RLIMIT_AS and wait4 bound the child: POSIX only")

from tests.support.bounded_child import Finished, run_bounded

PEAK_MB = 400  # what a command may hold at most, whatever the input


def mimdesk(*args: str | Path, **limits: int) -> Finished:
    return run_bounded([sys.executable, "-m", "mimdesk", *map(str, args)], env=os.environ, **limits)


def assert_one_line(result: Finished, *words: str) -> str:
    assert not result.timed_out, "the command did not finish in 30 s"
    assert "Traceback" not in result.err, result.err
    assert result.code == 2, (result.code, result.err)
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("mimdesk: ")
    for word in words:
        assert word in line
    return line


# ---- import ---------------------------------------------------------------------------------


def test_import_of_dev_zero_is_refused_in_bounded_memory(home, tmp_path):
    """Before: /dev/zero reports size 0, so it passed the size check and was read until the
    memory ran out (5.7 GB on this machine; here the 1 GiB limit ended it with a traceback)."""
    result = mimdesk("--db", tmp_path / "desk.sqlite3", "import", "/dev/zero")
    assert_one_line(result, "/dev/zero is not a regular file (a device)")
    assert result.peak_rss_mb < PEAK_MB, result.peak_rss_mb


def test_import_of_a_fifo_is_refused_instead_of_waiting(home, tmp_path):
    """Before: opening a FIFO waited for a writer forever."""
    fifo = tmp_path / "incident.json"
    os.mkfifo(fifo)
    result = mimdesk("--db", tmp_path / "desk.sqlite3", "import", fifo)
    assert_one_line(result, f"{fifo} is not a regular file (a pipe)")


def test_import_of_a_folder_is_refused(home, tmp_path):
    result = mimdesk("--db", tmp_path / "desk.sqlite3", "import", tmp_path)
    assert_one_line(result, f"{tmp_path} is not a regular file (a folder)")


@pytest.mark.parametrize("check", [False, True])
def test_deeply_nested_json_is_one_line(home, tmp_path, check):
    """Before: json.loads recursed 100,000 deep and the CLI printed a RecursionError
    traceback."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    options = ["--check"] if check else []
    result = mimdesk("--db", tmp_path / "desk.sqlite3", "import", deep, *options)
    assert_one_line(result, f"{deep} nests arrays or objects more than 64 deep")
    assert result.peak_rss_mb < PEAK_MB, result.peak_rss_mb


def test_the_depth_limit_is_exact_and_brackets_in_text_do_not_count(home, tmp_path):
    """64 levels are parsed (and then refused for not being an export); 65 are not parsed."""
    text = '"a [[[[ string \\\\", "with \\" [[[ brackets"'
    for depth, refused in ((64, False), (65, True)):
        path = tmp_path / f"nested-{depth}.json"
        path.write_text("[" * depth + text + "]" * depth, encoding="utf-8")
        result = mimdesk("--db", tmp_path / "desk.sqlite3", "import", path, "--check")
        assert "Traceback" not in result.err and result.code == 2, result.err
        assert ("more than 64 deep" in result.err) is refused, result.err


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"", 0),
        (b"1", 0),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["]]]", "[[[["]', 1),
        (b'["\\"[[", "\\\\", [[]]]', 3),  # an escaped quote; an escaped backslash ends a string
        (b'"[[[[', 0),  # a string that never ends
        (b"[" * 70, 70),
        ('["é[ü", ["\u2603"]]'.encode(), 2),
    ],
)
def test_nesting_depth(raw, depth):
    assert untrusted_file.nesting_depth(raw) == depth


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_the_bytes_read_are_counted_not_the_size_the_file_claims():
    """/proc files claim size 0, as /dev/zero does; what is read is counted."""
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    with pytest.raises(InvalidInput, match="is larger than 0 MiB"):
        untrusted_file.read_bytes(status, 100, what="a test file")
    assert len(untrusted_file.read_bytes(status, 1 << 20, what="a test file")) > 100


# ---- db rebuild on a full disk -------------------------------------------------------------


def test_db_rebuild_on_a_full_disk_is_one_line_and_loses_nothing(home, tmp_path):
    """Before: the failed commit came out as an OperationalError traceback.

    RLIMIT_FSIZE makes every write past 64 KiB fail as on a full disk (EFBIG; Python ignores
    SIGXFSZ): the database opens, but the rebuilt incident list does not fit."""
    db = tmp_path / "desk.sqlite3"
    app = open_app(db=db, env=os.environ)
    for n in range(200):
        incidents.report(app.ctx, title=f"{n} " + "t" * 150, impact="i" * 3000)
    events = app.ctx.log.count_events()
    app.close()

    result = mimdesk("--db", db, "db", "rebuild", file_size=64 * 1024)
    assert_one_line(result, f"The disk holding {db} is full or failing.")

    app = open_app(db=db, env=os.environ)
    try:
        assert app.ctx.log.count_events() == events
        assert len(app.ctx.log.summaries()) == 200  # the old list stands
        assert app.ctx.log.rebuild_projections() == 200  # space is back: it works
    finally:
        app.close()


# ---- a site template that is not UTF-8 -----------------------------------------------------


def test_draft_with_a_latin1_site_template_names_the_file_and_line(home, tmp_path):
    """Before: the loader's UnicodeDecodeError came out as a traceback."""
    folder = tmp_path / "templates"
    folder.mkdir()
    bad = folder / "update.txt.j2"
    bad.write_bytes("Subject: {{ title }}\n\nThe café is closed.\n".encode("latin-1"))
    (tmp_path / "no-site.toml").write_text(f'[comms]\ntemplates_dir = "{folder.as_posix()}"\n')
    db = tmp_path / "desk.sqlite3"
    app = open_app(db=db, env=os.environ)
    summary, _ = incidents.report(app.ctx, title="Mail down", severity="SEV1")
    app.close()

    result = mimdesk("--db", db, "draft", summary.reference, "--kind", "update",
                     "--audience", "executives")  # fmt: skip
    assert_one_line(result, f"The template {bad}, line 3, is not UTF-8 text (byte 29).")
