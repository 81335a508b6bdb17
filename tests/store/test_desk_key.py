"""Each desk signs what it writes (issue 14, point 5): the private key in the keyring, or,
without one, in a file only this user may read; never in the database. A row edited in the
file afterwards no longer verifies; a desk whose key was lost signs with a new one, and says
so."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from mimdesk.app import open_app
from mimdesk.store.record_trust import AlarmKind, Verdict
from mimdesk.usecases import desk_key, incidents, timeline


class DictKeyring(KeyringBackend):
    # Below the fail backend's 0: defining the class must not make it every test's keyring.
    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """This machine's case (no Secret Service), whatever another test module installed."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _key_files(home: Path) -> list[Path]:
    return sorted((home / "data" / "desk-keys").glob("*.key"))


def test_without_a_keyring_the_key_is_a_file_only_this_user_reads(no_keyring, app, ctx, home):
    assert _key_files(home) == []  # made at the first write, not at start
    summary, _ = incidents.report(ctx, title="Mail down")
    timeline.add_note(ctx, reference=summary.reference, text="Bridge opened")
    (path,) = _key_files(home)
    assert path.name == f"{app.log.desk_id}.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    private = path.read_text().strip()
    assert private.encode() not in app.database.read_bytes()  # never in the database
    counts, failing = app.log.check_signatures()
    assert counts[Verdict.GOOD] == 2 and failing == []
    assert app.log.desk_keys()[app.log.desk_id].pinned  # its own key, pinned


def test_with_a_keyring_the_key_is_kept_there(home, tmp_path, monkeypatch):
    ring = DictKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        app = open_app(db=tmp_path / "desk.sqlite3")
        try:
            incidents.report(app.ctx, title="Mail down")
            assert ("MIMDesk", f"deskkey:{app.log.desk_id}") in ring.values
            assert _key_files(home) == []
            assert app.log.check_signatures()[0][Verdict.GOOD] == 1
        finally:
            app.close()
    finally:
        keyring.set_keyring(previous)


def test_a_row_edited_in_the_file_no_longer_verifies(no_keyring, app, ctx):
    summary, _ = incidents.report(ctx, title="Mail down")
    timeline.add_note(ctx, reference=summary.reference, text="Restarted at 10:05")
    path = app.database
    app.close()
    with sqlite3.connect(path) as raw:
        changed = raw.execute(
            "UPDATE event SET payload = replace(payload, '10:05', '11:05') "
            "WHERE payload LIKE '%10:05%'"
        ).rowcount
    assert changed == 1
    again = open_app(db=path)
    try:
        counts, failing = again.log.check_signatures()
        assert counts[Verdict.GOOD] == 1
        assert [v for _, _, v in failing] == [Verdict.BAD]
    finally:
        again.close()


def test_a_lost_key_is_replaced_and_the_desk_says_so(no_keyring, app, ctx, home):
    summary, _ = incidents.report(ctx, title="Mail down")
    path = app.database
    app.close()
    for key in _key_files(home):
        key.unlink()
    again = open_app(db=path)
    try:
        timeline.add_note(again.ctx, reference=summary.reference, text="after the loss")
        alarms = again.log.alarms()
        assert [a.kind for a in alarms] == [AlarmKind.KEY_CHANGED]
        counts, failing = again.log.check_signatures()
        # The old entry verifies with the pinned key; the new one only with the new key.
        assert counts[Verdict.GOOD] == 1
        assert [v for _, _, v in failing] == [Verdict.CHANGED_KEY]
    finally:
        again.close()


def test_a_key_file_others_can_read_is_taken_back(no_keyring, tmp_path):
    raw, place = desk_key.load_or_create(tmp_path, "desk-1")
    assert place.kind == "file" and place.path is not None
    if os.name == "posix":
        place.path.chmod(0o644)
    again, _ = desk_key.load_or_create(tmp_path, "desk-1")
    assert again == raw
    assert stat.S_IMODE(place.path.stat().st_mode) == 0o600


def test_a_damaged_key_file_leaves_entries_unsigned_and_says_why(no_keyring, app, ctx, home):
    path = desk_key.key_file(home / "data", app.log.desk_id)
    path.parent.mkdir(parents=True)
    path.write_text("not a key\n")
    incidents.report(ctx, title="Mail down")  # the entry is kept all the same
    counts, _ = app.log.check_signatures()
    assert counts[Verdict.UNSIGNED] == 1
    signer = app.log.file.signer
    assert isinstance(signer, desk_key.LazySigner)
    assert "does not hold a desk key" in signer.problem
    assert "not a key" not in signer.problem


class BrokenKeyring(DictKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyError("a backend that fails in its own way")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("a backend that fails in its own way")


def test_a_keyring_that_fails_its_own_way_falls_back_to_the_file(app, ctx, home):
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        incidents.report(ctx, title="Mail down")  # the entry is written, and signed
    finally:
        keyring.set_keyring(previous)
    assert len(_key_files(home)) == 1
    assert app.log.check_signatures()[0][Verdict.GOOD] == 1


def test_doctor_looking_at_the_key_never_makes_one(no_keyring, app, home):
    from mimdesk.usecases import record

    before = record.key_report(app.ctx)
    assert before.place == "" and before.problem == "" and before.fingerprint == ""
    assert _key_files(home) == []  # looking made nothing
    incidents.report(app.ctx, title="Mail down")
    after = record.key_report(app.ctx)
    assert after.place.startswith("the file ") and len(after.fingerprint) == 16
