"""Paths in site files, user settings and policies may name environment variables
(%LOCALAPPDATA%, $HOME, ~): expanded the same way on every system, from the environment given;
one that is not set is said so on one line, by ``config check`` and by the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mimdesk import cli, config
from mimdesk.app import open_app
from mimdesk.errors import DatabaseMissing
from mimdesk.paths import UnresolvedVariable, default_paths, expand_path, files_folder

ENV = {
    "LOCALAPPDATA": "/desk/AppData/Local",
    "HOME": "/home/sam",
    "USERPROFILE": "/profiles/sam",
    "TEAM": "ops",
}


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("%LOCALAPPDATA%\\MIMDesk\\mimdesk.sqlite3", "/desk/AppData/Local/MIMDesk/mimdesk.sqlite3"),
        ("%LocalAppData%/MIMDesk", "/desk/AppData/Local/MIMDesk"),
        ("$HOME/mim/$TEAM", "/home/sam/mim/ops"),
        ("${HOME}/mim-${TEAM}.sqlite3", "/home/sam/mim-ops.sqlite3"),
        ("~/MIM Desk", "/home/sam/MIM Desk"),
        ("~", "/home/sam"),
        ("  /srv/mim/db.sqlite3  ", "/srv/mim/db.sqlite3"),
        ("/srv/100%/a$", "/srv/100%/a$"),
        ("backups", "backups"),
    ],
)
def test_variables_and_home_are_expanded_from_the_environment_given(
    written: str, expanded: str
) -> None:
    got = expand_path(written, ENV)
    # A backslash is a separator on every system; Windows writes its own.
    assert got == (expanded if os.sep == "/" else expanded.replace("/", os.sep))


def test_the_home_is_userprofile_where_home_is_not_set() -> None:
    assert expand_path("~/x", {"USERPROFILE": "/profiles/sam"}) == "/profiles/sam/x"


def test_every_unset_variable_is_named() -> None:
    with pytest.raises(UnresolvedVariable) as raised:
        expand_path("%NOPE%\\$ALSO_NOT\\x", ENV)
    assert raised.value.names == ["%NOPE%", "$ALSO_NOT"]
    assert str(raised.value) == "%NOPE%, $ALSO_NOT are not set on this machine"


def test_config_check_reports_an_unset_variable_on_one_line(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    site = tmp_path / "site.toml"
    site.write_text('[app]\ndatabase = "%NOPE%\\\\MIMDesk\\\\mimdesk.sqlite3"\n', "utf-8")
    assert cli.main(["config", "check", str(site)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{site}: warning: app.database: %NOPE% is not set on this machine "
        "(%NOPE%\\MIMDesk\\mimdesk.sqlite3); set it, or give the path without it",
        f"{site}: OK (1 warnings)",
    ]


def test_config_check_says_nothing_of_a_variable_that_is_set(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("MIM_SHARE", str(tmp_path))
    (tmp_path / "templates").mkdir()
    site = tmp_path / "site.toml"
    site.write_text('[comms]\ntemplates_dir = "$MIM_SHARE/templates"\n', "utf-8")
    assert cli.main(["config", "check", str(site)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{site}: OK"]


def _site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    site = tmp_path / "site.toml"
    site.write_text(text, "utf-8")
    monkeypatch.setenv("MIMDESK_SITE_CONFIG", str(site))
    return site


def test_the_adml_example_database_opens_on_a_desk_where_mim_desk_never_ran(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "AppData" / "Local"
    local.mkdir(parents=True)
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    _site(
        tmp_path, monkeypatch, '[app]\ndatabase = "%LOCALAPPDATA%\\\\MIMDesk\\\\mimdesk.sqlite3"\n'
    )
    app = open_app()
    try:
        assert app.database == local / "MIMDesk" / "mimdesk.sqlite3"
        assert app.database.is_file()
        assert app.settings.warnings == []
    finally:
        app.close()


def test_an_unset_variable_in_the_database_path_is_said_at_opening(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    site = _site(tmp_path, monkeypatch, '[app]\ndatabase = "%NOPE%\\\\MIMDesk\\\\x.sqlite3"\n')
    with pytest.raises(DatabaseMissing) as raised:
        open_app()
    message = str(raised.value)
    assert message.startswith(
        "The database file %NOPE%\\MIMDesk\\x.sqlite3 cannot be found on this computer: "
        f"%NOPE% is not set on this machine (set in the site settings {site})."
    )
    assert "does not exist" not in message
    # And nothing was made at a folder named after the variable.
    assert not list(tmp_path.rglob("%NOPE%*"))


def test_a_higher_layer_with_a_path_that_resolves_wins(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    _site(tmp_path, monkeypatch, '[app]\ndatabase = "%NOPE%\\\\x.sqlite3"\n')
    paths = default_paths()
    config.save_user_setting(paths, "app", "database", "~/mine.sqlite3")
    env = {**os.environ, "HOME": str(tmp_path)}
    settings = config.load_settings(paths, env)
    assert settings.database == str(tmp_path / "mine.sqlite3")
    assert settings.unresolved == {}


def test_a_policy_path_is_expanded_too(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    managed = tmp_path / "managed"
    managed.mkdir()
    (managed / "policy.toml").write_text(
        '[files]\nfolder = "%USERPROFILE%\\\\Documents\\\\MIM Desk"\n'
        '[backups]\nfolder = "${APPDATA}/MIMDesk/backups"\n',
        "utf-8",
    )
    env = {
        **os.environ,
        "MIMDESK_MANAGED_DIR": str(managed),
        "USERPROFILE": str(tmp_path / "sam"),
        "APPDATA": str(tmp_path / "roaming"),
    }
    settings = config.load_settings(default_paths(env), env)
    assert settings.files.folder == str(tmp_path / "sam" / "Documents" / "MIM Desk")
    assert settings.backups.folder == str(tmp_path / "roaming" / "MIMDesk" / "backups")
    assert settings.is_locked("files.folder") and settings.is_locked("backups.folder")


def test_another_unresolved_path_is_dropped_with_a_warning(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    site = _site(tmp_path, monkeypatch, '[files]\nfolder = "$NOPE/reports"\n')
    settings = config.load_settings(default_paths())
    assert settings.files.folder == ""
    assert settings.files.path == files_folder("")
    assert settings.warnings == [
        f"the site settings {site}: files.folder: $NOPE is not set on this machine "
        "($NOPE/reports); ignored, the default applies."
    ]


def test_a_relative_site_path_is_still_taken_from_the_site_files_folder(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "templates").mkdir()
    _site(tmp_path, monkeypatch, '[comms]\ntemplates_dir = "templates"\n')
    settings = config.load_settings(default_paths())
    assert settings.comms.templates_dir == str(tmp_path / "templates")
