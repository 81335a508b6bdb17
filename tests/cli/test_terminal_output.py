"""No control character typed into an incident reaches the terminal raw.

A title, a note, an impact, a service or a person's name can come from any desk through the
shared database. Before the fix ``mimdesk list`` and ``show`` printed them as they were, so
``ESC ] 0 ; … BEL`` retitled the terminal window, ``ESC [ 2 J`` cleared the screen, a carriage
return let a title overwrite the line it was on, and U+009B (CSI, a C1 control) started a
command on terminals that read C1. Each is driven through the real CLI in a subprocess and
the bytes it wrote are checked.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest

from mimdesk import terminal

# (No NUL: the import refuses it, as SQLite text cannot hold it safely.)
TITLE = "Mail\x1b]0;pwned\x07 down\x1b[2J\rFAKE: all clear\x9b31m\x7fend"
NOTE = "Restarted\x1b[1A\x1b[2K mx01\x08\x08\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\x85"
IMPACT = "Staff\x1b[31m cannot\x9d2;x\x9c mail\x0c"
PERSON = "Ana\x1b[8m Costa\x1b[0m"
SERVICE = "Exchange\x1bc"
TYPED = {"Title-1": TITLE, "Note-2": NOTE, "Impact-3": IMPACT, "Person-4": PERSON}
TYPED["Service-5"] = SERVICE

FORBIDDEN_BYTES = set(range(0x00, 0x09)) | set(range(0x0B, 0x20)) | {0x7F}


def raw_run(home: Path, *args: str) -> tuple[int, bytes, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "mimdesk", *args],
        capture_output=True,
        env={
            **os.environ,
            "MIMDESK_HOME": str(home / "home"),
            "MIMDESK_SITE_CONFIG": str(home / "no-site.toml"),
            "PYTHONIOENCODING": "utf-8",
            "TZ": "UTC",
        },
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def assert_clean(output: bytes) -> None:
    bad = sorted({b for b in output if b in FORBIDDEN_BYTES})
    assert bad == [], f"control bytes {bad} in {output!r}"
    text = output.decode("utf-8")
    c1 = sorted({hex(ord(c)) for c in text if 0x80 <= ord(c) <= 0x9F})
    assert c1 == [], f"C1 controls {c1} in {text!r}"


def replaced(value: Any) -> Any:
    """``value`` with each placeholder in its strings swapped for its hostile text."""
    if isinstance(value, str):
        for placeholder, text in TYPED.items():
            value = value.replace(placeholder, text)
        return value
    if isinstance(value, list):
        return [replaced(v) for v in value]
    if isinstance(value, dict):
        return {k: replaced(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database with one incident whose every typed field holds control characters.

    Typed fields lose their C0 controls at input, so the incident is made with placeholders,
    exported, given the hostile text in the file, and imported: the way an incident from
    elsewhere arrives, carrying whatever its source wrote."""
    folder = tmp_path_factory.mktemp("hostile")
    source = str(folder / "source.sqlite3")
    code, out, err = raw_run(
        folder, "--db", source, "new", "Title-1", "--impact", "Impact-3", "--service", "Service-5"
    )
    assert code == 0, err
    reference = out.decode().strip()
    for args in (
        ("note", reference, "Note-2"),
        ("declare", reference, "--severity", "SEV1", "--mim", "Person-4", "--rationale", "Note-2"),
        ("assign", reference, "tech_lead", "Person-4", "--note", "Note-2"),
        ("export", reference, "--json", str(folder / "typed.json")),
    ):
        code, _, err = raw_run(folder, "--db", source, *args)
        assert code == 0, err
    document = json.loads((folder / "typed.json").read_text(encoding="utf-8"))
    (folder / "hostile.json").write_text(json.dumps(replaced(document)), encoding="utf-8")
    code, out, err = raw_run(
        folder, "--db", str(folder / "desk.sqlite3"), "import", str(folder / "hostile.json")
    )
    assert code == 0, err
    return folder, reference


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--search", "mail"),
        ("show", "{ref}"),
        ("show", "{ref}", "--timeline"),
        ("draft", "{ref}", "--kind", "update", "--audience", "it_staff", "--check"),
    ],
)
def test_text_output_has_no_raw_control_character(
    hostile: tuple[Path, str], command: tuple[str, ...]
) -> None:
    folder, reference = hostile
    args = [a.replace("{ref}", reference) for a in command]
    code, out, err = raw_run(folder, "--db", str(folder / "desk.sqlite3"), *args)
    assert code == 0, err
    assert_clean(out)
    assert_clean(err)
    if command[0] == "show":
        # Shown, escaped where it was a control: nothing of the title is dropped.
        assert "Mail\\u001b]0;pwned\\u0007 down" in out.decode()
        assert "\\u009b31m" in out.decode()


@pytest.mark.parametrize("command", [("list", "--json"), ("show", "{ref}", "--json")])
def test_json_output_stays_valid_and_exact(
    hostile: tuple[Path, str], command: tuple[str, ...]
) -> None:
    folder, reference = hostile
    args = [a.replace("{ref}", reference) for a in command]
    code, out, err = raw_run(folder, "--db", str(folder / "desk.sqlite3"), *args)
    assert code == 0, err
    assert_clean(out)
    parsed = json.loads(out)
    titles = [parsed["title"]] if isinstance(parsed, dict) else [r["title"] for r in parsed]
    assert titles == [TITLE]  # the escape is JSON's: a reader gets the title as it was typed


def test_errors_naming_typed_text_are_clean(hostile: tuple[Path, str]) -> None:
    folder, reference = hostile
    db = str(folder / "desk.sqlite3")
    for args in (
        ("show", "MI-\x1b[2J\x9b"),
        ("--db", str(folder / "no\x1b]0;x\x07such" / "d.sqlite3"), "list"),
        ("set", reference, "no\x1b[2Jfield", "x"),
        ("status", reference, "gone\x1b[2J"),
    ):
        argv = args if args[0] == "--db" else ("--db", db, *args)
        code, out, err = raw_run(folder, *argv)
        assert code == 2, (args, err)
        assert_clean(out)
        assert_clean(err)
        assert err.count(b"\n") >= 1


def test_a_progress_line_keeps_only_its_own_carriage_return() -> None:
    """``report`` rewrites its progress line with a carriage return of its own: that one
    reaches the terminal, and what it writes after it is cleaned like the rest."""
    written = io.StringIO()
    with redirect_stderr(written), terminal.clean_output():
        print("Title\r\x1b[2Jfake", file=sys.stderr)
        terminal.rewrite_line(sys.stderr, "Writing the PDF… 40%\x9b")
    assert written.getvalue() == "Title\\u000d\\u001b[2Jfake\n\rWriting the PDF… 40%\\u009b"


def test_a_warning_is_red_on_a_terminal_and_plain_in_a_file():
    import io

    from mimdesk.terminal import CleanWriter, warn_line

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, piped = Terminal(), io.StringIO()
    warn_line(CleanWriter(tty), "WARNING: rewrites\x1b[2J")
    warn_line(CleanWriter(piped), "WARNING: rewrites\x1b[2J")
    # Our colour, and the text's own control characters made visible.
    assert tty.getvalue() == "\x1b[1;31mWARNING: rewrites\\u001b[2J\x1b[0m\n"
    assert piped.getvalue() == "WARNING: rewrites\\u001b[2J\n"


def test_a_person_at_a_terminal_is_told_which_account_signs(tmp_path):
    """Before a name is set, entries are signed with the account: said on a terminal
    (scripts, which no person reads at the time, keep a quiet stderr)."""
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "MIMDESK_HOME": str(tmp_path / "home")}
    db = tmp_path / "desk.sqlite3"
    master, slave = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mimdesk", "--db", str(db), "new", "Mail down"],
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(slave)
        said = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(master)
    assert done.returncode == 0
    assert b"mimdesk: signing as the account " in said and b"no name is set" in said
    piped = subprocess.run(
        [sys.executable, "-m", "mimdesk", "--db", str(db), "new", "VPN slow"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == ""
