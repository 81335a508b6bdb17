"""``mimdesk doctor --paths``: every folder and file the desk uses, and what chose each, read
from the settings without opening (or making) the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mimdesk import config
from mimdesk.paths import default_paths
from tests.cli.conftest import Result


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """A site file that moves the database and the backups, one with a variable."""
    monkeypatch.setenv("MIM_SHARE", str(tmp_path / "share"))
    site = tmp_path / "site.toml"
    site.write_text(
        '[app]\ndatabase = "$MIM_SHARE/desk.sqlite3"\n[backups]\nfolder = "/srv/mim/backups"\n',
        "utf-8",
    )
    monkeypatch.setenv("MIMDESK_SITE_CONFIG", str(site))
    return site


def test_doctor_paths_lists_every_place_and_what_set_it(
    run_main: Callable[..., Result], home: Path, site: Path, tmp_path: Path
) -> None:
    # The user's own files folder, to see a third source.
    config.save_user_setting(default_paths(), "files", "folder", str(tmp_path / "mine"))
    done = run_main("doctor", "--paths")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0] == "Folders and files MIM Desk uses (where each comes from):"
    user_file = home / "config" / "settings.toml"
    assert lines[1:] == [
        f"  Settings folder: {home / 'config'} (MIMDESK_HOME)",
        f"  Data folder: {home / 'data'} (MIMDESK_HOME; does not exist yet)",
        f"  Log folder: {home / 'data' / 'logs'} (MIMDESK_HOME; does not exist yet)",
        f"  Site settings file: {site} (MIMDESK_SITE_CONFIG)",
        f"  User settings file: {user_file} (MIMDESK_HOME)",
        f"  Database: {tmp_path / 'share' / 'desk.sqlite3'} (site file {site}; not made yet)",
        f"  Backups folder: /srv/mim/backups (site file {site}; does not exist yet)",
        f"  Files folder: {tmp_path / 'mine'} (user settings {user_file}; does not exist yet)",
    ]
    # Listing the places made none of them.
    assert not (tmp_path / "share").exists() and not (home / "data").exists()


def test_doctor_paths_names_a_policy_and_the_database_given(
    run_main: Callable[..., Result],
    home: Path,
    site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    managed = tmp_path / "managed"
    managed.mkdir()
    (managed / "lock.toml").write_text('[files]\nfolder = "$MIM_SHARE/files"\n', "utf-8")
    monkeypatch.setenv("MIMDESK_MANAGED_DIR", str(managed))
    done = run_main("--db", tmp_path / "other.sqlite3", "doctor", "--paths", "--json")
    assert done.code == 0, done.err
    found = {p["what"]: p for p in json.loads(done.out)}
    assert found["Policy"]["path"] == str(managed / "lock.toml")
    assert found["Database"] == {
        "what": "Database",
        "path": str(tmp_path / "other.sqlite3"),
        "source": "--db",
        "note": "",
    }
    assert found["Files folder"]["path"] == str(tmp_path / "share" / "files")
    assert found["Files folder"]["source"] == f"policy {managed / 'lock.toml'}"


def test_doctor_paths_says_which_variable_the_database_path_lacks(
    run_main: Callable[..., Result], site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIM_SHARE")
    done = run_main("doctor", "--paths")
    assert done.code == 0, done.err
    (line,) = [x for x in done.out.splitlines() if x.startswith("  Database:")]
    assert line == (
        f"  Database: $MIM_SHARE/desk.sqlite3 (site file {site}; $MIM_SHARE is not set on this "
        f"machine (set in the site settings {site}))"
    )
    # Whereas the whole doctor, which opens the database, stops and says why.
    done = run_main("doctor")
    assert done.code == 2
    assert done.err.startswith(
        "mimdesk: The database file $MIM_SHARE/desk.sqlite3 cannot be found on this computer: "
    )


def test_help_lists_the_folders(run_main: Callable[..., Result]) -> None:
    done = run_main("--help")
    assert done.code == 0
    text = " ".join(done.out.split())
    for words in (
        "Settings:",
        "Data (the database, backups, the signing key):",
        "Logs (mimdesk.log, crash.log):",
        "Site settings file:",
        "mimdesk doctor --paths",
    ):
        assert words in text, words
