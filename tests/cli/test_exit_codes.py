"""One table of exit statuses: the README's, the code's (mimdesk/exitcodes.py), and what the
commands return. Scripts and monitoring branch on these numbers."""

from __future__ import annotations

import ast
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from mimdesk import exitcodes

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Where a command's status is decided: the command line and the window's entry points.
ENTRY_MODULES = sorted(
    [
        *(ROOT / "mimdesk").glob("cli*.py"),
        ROOT / "mimdesk" / "selftest.py",
        ROOT / "mimdesk" / "gui" / "main.py",
        ROOT / "mimdesk" / "gui" / "crash.py",
    ]
)


def readme_table() -> dict[int, str]:
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", README, flags=re.MULTILINE)
    return {int(code): meaning for code, meaning in rows}


def test_the_readme_table_is_the_codes_table() -> None:
    documented = readme_table()
    assert sorted(documented) == sorted(c.code for c in exitcodes.TABLE)
    named = {getattr(exitcodes, c.name) for c in exitcodes.TABLE}
    assert named == set(documented)


def _bare_statuses(path: Path) -> list[str]:
    """Every non-zero status written as a number: a return, an exit() call or an EXIT_ name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        values: list[ast.expr] = []
        if isinstance(node, ast.Return) and node.value is not None:
            values.append(node.value)
            if isinstance(node.value, ast.IfExp):
                values += [node.value.body, node.value.orelse]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "exit":
            values += node.args
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.startswith("EXIT_") for t in node.targets
        ):
            values.append(node.value)
        for value in values:
            if isinstance(value, ast.Constant) and type(value.value) is int and value.value:
                found.append(f"{path.name}:{node.lineno}: {value.value}")
    return found


def test_every_status_is_named_from_the_table() -> None:
    bare = [line for path in ENTRY_MODULES for line in _bare_statuses(path)]
    assert not bare, f"use mimdesk.exitcodes names, not numbers: {bare}"


def _mimdesk(*args: str, env: dict[str, str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mimdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        **kw,
    )


def test_a_wrong_reference_is_2_with_one_line(cli_env, tmp_path) -> None:
    db = tmp_path / "d.sqlite3"
    done = _mimdesk("--db", str(db), "show", "MI-NONE0", env=cli_env)
    assert done.returncode == exitcodes.USER_ERROR
    assert len(done.stderr.splitlines()) == 1, done.stderr


def test_an_unreachable_shared_database_is_4(cli_env, tmp_path) -> None:
    with socket.socket() as s:  # a port nobody listens on: refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/none"
    db = tmp_path / "d.sqlite3"
    done = _mimdesk("--db", str(db), "--shared", url, "sync", "--once", env=cli_env)
    assert done.returncode == exitcodes.UNREACHABLE, done.stderr
    assert "unreachable" in done.stderr


def test_a_reader_that_went_away_ends_the_command_quietly(cli_env, filled_db, tmp_path) -> None:
    """`mimdesk show REF --timeline | head`: here the reader closes the pipe before the first
    line, so the very first write finds it gone."""
    db = tmp_path / "d.sqlite3"
    db.write_bytes(filled_db.read_bytes())
    with sqlite3.connect(db) as con:
        (reference,) = con.execute(
            "SELECT reference FROM incident_summary WHERE title = 'Mail down'"
        ).fetchone()
    con.close()
    for args in (["list"], ["show", reference, "--timeline"], ["list", "--json"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "mimdesk", "--db", str(db), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace")
        assert proc.wait(timeout=60) == exitcodes.PIPE_CLOSED, err
        assert err == "", err
