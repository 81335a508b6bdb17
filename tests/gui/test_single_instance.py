"""One window per database file, with real processes.

Before: a second start on the same file opened a second window, with a second outbox worker
(a queued message could go out twice) and a second writer of the settings. Now the second
start asks the first window to come to the front and exits, or, when the first does not
answer, says which process holds the file. A lock left by a killed window is taken over,
another database opens beside it, and switching databases moves the lock.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QMessageBox

from mimdesk import config
from mimdesk.app import locate_database
from mimdesk.gui import single_instance
from mimdesk.gui.main import EXIT_HANDED_OVER, EXIT_NO_DATABASE, Session, application, run_gui
from mimdesk.gui.startup import Choice, DatabaseErrorDialog
from mimdesk.paths import default_paths

from .conftest import OFFSCREEN_NOISE
from .test_startup import when_modal

START_TIMEOUT_S = 60  # a window's first start on a loaded machine; never a speed claim
# Raising a window is a no-op offscreen, and Qt says so (with conftest's own noise).
OFFSCREEN_RAISE = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, "does not support raise")


@dataclass
class Window:
    """``python -m mimdesk --db FILE``, running in a process of its own."""

    db: Path
    proc: subprocess.Popen[bytes]
    err: Path

    @property
    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    @property
    def key(self) -> str:
        paths, database = locate_database(self.db)
        return single_instance.instance_key(database, lock_folder(paths.data_dir))

    def wait_up(self) -> None:
        """Until its event loop answers on the socket (it holds the lock before that)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while single_instance.ask(self.key, single_instance.PING, 500) != single_instance.PONG:
            assert self.proc.poll() is None, f"exited {self.proc.returncode}: {self.stderr}"
            assert time.monotonic() < deadline, f"no answer: {self.stderr}"
            time.sleep(0.1)

    def wait_stderr(self, words: str) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while words not in self.stderr:
            assert time.monotonic() < deadline, f"never said {words!r}: {self.stderr}"
            time.sleep(0.1)
        return next(line for line in self.stderr.splitlines() if words in line)


def lock_folder(data_dir: Path) -> Path:
    return data_dir / single_instance.LOCK_FOLDER


@pytest.fixture
def named(home: Path) -> None:
    """A display name is set, so no first-run dialog waits in the subprocess."""
    config.save_user_setting(default_paths(os.environ), "user", "display_name", "Pat Lee")


@pytest.fixture
def start(tmp_path: Path, named: None) -> Iterator[Callable[..., Window]]:
    started: list[Window] = []

    def _start(db: Path, name: str) -> Window:
        err = tmp_path / f"{name}.stderr"
        with err.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mimdesk", "--db", str(db)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=out,
                env=os.environ.copy(),
            )
        window = Window(db, proc, err)
        started.append(window)
        return window

    yield _start
    for window in started:
        if window.proc.poll() is None:
            os.kill(window.proc.pid, signal.SIGCONT)
            window.proc.kill()
        window.proc.wait(timeout=30)


def holder_pid(db: Path) -> int:
    paths, database = locate_database(db)
    key = single_instance.instance_key(database, lock_folder(paths.data_dir))
    info = QLockFile(str(lock_folder(paths.data_dir) / f"{key}.lock")).getLockInfo()
    assert isinstance(info, tuple), "no lock file"
    return int(info[0])


@pytest.mark.slow
def test_a_second_start_brings_the_first_window_forward_and_exits(qtbot, start, tmp_path):
    db = tmp_path / "desk.sqlite3"
    first = start(db, "first")
    first.wait_up()

    second = subprocess.run(
        [sys.executable, "-m", "mimdesk", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,  # before: a second window, running until closed
        env=os.environ.copy(),
    )
    assert second.returncode == EXIT_HANDED_OVER, second.stderr
    assert (
        f"mimdesk: {db} is open in another MIM Desk window; brought that window to the front."
        in second.stderr.splitlines()
    )
    line = first.wait_stderr("brought this window forward")
    assert line == f"mimdesk: another start on {db} brought this window forward"
    assert first.proc.poll() is None
    assert holder_pid(db) == first.proc.pid


@pytest.mark.slow
def test_a_window_that_does_not_answer_is_named_with_its_process(qtbot, start, tmp_path):
    db = tmp_path / "desk.sqlite3"
    first = start(db, "first")
    first.wait_up()
    os.kill(first.proc.pid, signal.SIGSTOP)  # hung: holds the lock, answers nothing
    try:
        second = start(db, "second")
        line = second.wait_stderr("is in use by MIM Desk")
        assert line == (
            f"mimdesk: {db} is in use by MIM Desk (process {first.proc.pid} on "
            f"{socket.gethostname()}). That window does not answer: switch to it, or end that "
            "process, then start again; or open another database."
        )
        # It waits on the person (the dialog) with no window and no worker of its own.
        assert second.proc.poll() is None
        assert holder_pid(db) == first.proc.pid
    finally:
        os.kill(first.proc.pid, signal.SIGCONT)


@pytest.mark.slow
def test_the_in_use_dialog_names_the_process_and_quitting_exits(qtbot, start, tmp_path):
    db = tmp_path / "desk.sqlite3"
    first = start(db, "first")
    first.wait_up()
    os.kill(first.proc.pid, signal.SIGSTOP)
    try:
        messages: list[str] = []

        def quit_dialog(dialog: DatabaseErrorDialog) -> None:
            messages.append(dialog.error.message)
            dialog.done(Choice.QUIT)

        when_modal(DatabaseErrorDialog, quit_dialog)
        assert run_gui(db=str(db)) == EXIT_NO_DATABASE
        assert messages == [
            f"{db} is in use by MIM Desk (process {first.proc.pid} on {socket.gethostname()})."
        ]
    finally:
        os.kill(first.proc.pid, signal.SIGCONT)


@pytest.mark.slow
def test_a_lock_left_by_a_killed_window_is_taken_over(qtbot, start, tmp_path):
    db = tmp_path / "desk.sqlite3"
    first = start(db, "first")
    first.wait_up()
    first.proc.kill()  # SIGKILL: no clean-up, the lock file and the socket stay
    first.proc.wait(timeout=30)
    assert holder_pid(db) == first.proc.pid

    second = start(db, "second")
    second.wait_up()
    assert holder_pid(db) == second.proc.pid
    assert "in use" not in second.stderr


@pytest.mark.slow
def test_two_databases_open_side_by_side(qtbot, start, tmp_path):
    first = start(tmp_path / "north.sqlite3", "north")
    second = start(tmp_path / "south.sqlite3", "south")
    first.wait_up()
    second.wait_up()
    assert first.key != second.key
    assert first.proc.poll() is None and second.proc.poll() is None


@pytest.fixture
def session(qtbot, named: None) -> Iterator[Session]:
    running = Session(application())
    yield running
    running.close()


def other_start_on(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mimdesk", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


@pytest.mark.slow
@OFFSCREEN_RAISE
def test_switching_databases_takes_the_new_lock_and_lets_the_old_go(
    qtbot, session, tmp_path, monkeypatch
):
    from mimdesk.gui import startup

    old, new = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    assert session.open(old)
    first = session.workspace
    monkeypatch.setattr(startup, "ask_open_path", lambda parent, start: new)
    first.window.open_db_action.trigger()
    assert session.workspace is not first
    assert session.instance is not None and session.instance.database == new

    # A start on the new file is handed over to this window (its loop runs while we wait).
    with qtbot.waitSignal(session.instance.raise_requested, timeout=START_TIMEOUT_S * 1000):
        proc = other_start_on(new)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=START_TIMEOUT_S * 1000)
    assert proc.returncode == EXIT_HANDED_OVER, proc.stderr.read()

    # The old file's lock is gone: it can be taken (by this process here, for the test).
    paths, database = locate_database(old)
    key = single_instance.instance_key(database, lock_folder(paths.data_dir))
    lock = QLockFile(str(lock_folder(paths.data_dir) / f"{key}.lock"))
    assert lock.tryLock(0)
    lock.unlock()


@pytest.mark.slow
def test_switching_to_a_database_open_in_another_window_keeps_this_one(
    qtbot, session, start, tmp_path, monkeypatch
):
    from mimdesk.gui import startup

    mine, theirs = tmp_path / "mine.sqlite3", tmp_path / "theirs.sqlite3"
    other = start(theirs, "theirs")
    other.wait_up()
    assert session.open(mine)
    first = session.workspace
    monkeypatch.setattr(startup, "ask_open_path", lambda parent, start: theirs)
    first.window.open_db_action.trigger()

    qtbot.waitUntil(lambda: first.window.findChild(QMessageBox, "errorBox") is not None)
    box = first.window.findChild(QMessageBox, "errorBox")
    assert box.text() == f"{theirs} is open in another MIM Desk window."
    box.accept()
    assert session.workspace is first
    assert session.instance is not None and session.instance.database == mine
    other.wait_stderr(f"another start on {theirs} brought this window forward")
    assert holder_pid(theirs) == other.proc.pid


@pytest.mark.slow
def test_an_incident_file_opened_while_the_window_runs_is_handed_to_it(qtbot, start, tmp_path):
    """Issue 17, point 8: a double-click on a .mimdesk file while the app has the database open
    offers the import in that window; the second start exits."""
    db = tmp_path / "desk.sqlite3"
    first = start(db, "first")
    first.wait_up()
    incident = tmp_path / "odd\nname MI-TEST.mimdesk"  # any character survives the hand-over
    incident.write_text("{}", encoding="utf-8")
    second = subprocess.run(
        [sys.executable, "-m", "mimdesk", "--db", str(db), str(incident)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        env=os.environ.copy(),
    )
    assert second.returncode == EXIT_HANDED_OVER, second.stderr
    assert f"mimdesk: {incident} was handed to that window to import." in second.stderr
    first.wait_stderr("handed over")
    assert f"mimdesk: another start handed over {incident} to import" in first.stderr
    assert first.proc.poll() is None
