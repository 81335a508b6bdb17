"""Site configuration checks: IT learns what is wrong and where before deploying a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mimdesk import configcheck
from mimdesk.app import open_app
from mimdesk.config import load_settings
from mimdesk.paths import default_paths
from mimdesk.resources import resource_path

GOOD = """
[declaration]
rule = "score"
score_threshold = 4

[[criteria]]
id = "payments"
question = "Are payments failing?"
kind = "yesno"
decisive = true
severity = "SEV1"

[[criteria]]
id = "users"
question = "How many users?"
kind = "number"
threshold = 200
weight = 4
"""


def write(tmp_path: Path, text: str, name: str = "site.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_defaults_are_valid():
    for name in ("settings.toml", "declaration.toml"):
        report = configcheck.check_file(resource_path("defaults", name))
        assert report.errors == [], name
        assert report.warnings == [], name


def test_good_site_file_passes(tmp_path):
    assert configcheck.check_file(write(tmp_path, GOOD)).ok


def test_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, '[declaration]\nrule = "score"\nscore_threshold = = 3\n')
    report = configcheck.check_file(path)
    assert not report.ok
    assert "line 3" in report.errors[0]
    assert "TOML syntax error" in report.errors[0]


def test_wrong_values_are_named_by_key_path(tmp_path):
    text = (
        GOOD
        + """
[[criteria]]
id = "odd"
question = "Odd?"
kind = "maybe"

[[criteria]]
id = "n"
question = "How many?"
kind = "number"

[[criteria]]
id = "c"
question = "Which?"
kind = "choice"
  [[criteria.choices]]
  label = "no value"
  weight = -1
"""
    )
    report = configcheck.check_file(write(tmp_path, text))
    errors = "\n".join(report.errors)
    assert "criteria[3].kind: must be one of 'yesno', 'number', 'choice', not 'maybe'" in errors
    assert "criteria[4].threshold: missing (a number criterion needs one)" in errors
    assert "criteria[5].choices[1].value: missing (required)" in errors
    assert "criteria[5].choices[1].weight: must be zero or more, not -1" in errors


def test_duplicate_ids_and_unknown_severity(tmp_path):
    text = GOOD + '\n[[criteria]]\nid = "users"\nquestion = "Again?"\nkind = "yesno"\n'
    text += 'severity = "SEV9"\n'
    report = configcheck.check_file(write(tmp_path, text))
    configcheck.check_severities(report, {"SEV1", "SEV2", "SEV3"})
    errors = "\n".join(report.errors)
    assert "criteria[3].id: 'users' is used twice" in errors
    assert "criteria[3].severity: 'SEV9' is not one of the severities" in errors


def test_unknown_keys_are_warnings_not_errors(tmp_path):
    report = configcheck.check_file(write(tmp_path, '[app]\ntheme = "dark"\ncolour = "red"\n'))
    assert report.ok
    assert report.warnings == ["app.colour: unknown setting, ignored"]


def test_not_utf8_and_missing_file(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[user]\ndisplay_name = "Jos\xe9"\n'.encode("latin-1"))
    assert "not UTF-8" in configcheck.check_file(bad).errors[0]
    assert "cannot read the file" in configcheck.check_file(tmp_path / "nope.toml").errors[0]


def test_site_file_overrides_the_checklist(tmp_path):
    env = {"MIMDESK_HOME": str(tmp_path / "h"), "MIMDESK_SITE_CONFIG": str(write(tmp_path, GOOD))}
    settings = load_settings(default_paths(env), env)
    assert [c.id for c in settings.checklist.criteria] == ["payments", "users"]
    assert settings.checklist.rule.rule == "score"
    assert settings.sources["declaration.rule"].startswith("site (")
    assert settings.sources["app.theme"] == "built-in"
    assert settings.warnings == []


def test_broken_site_file_falls_back_with_a_warning(tmp_path):
    site = write(tmp_path, GOOD.replace('kind = "number"', "kind = 42"))
    env = {"MIMDESK_HOME": str(tmp_path / "h"), "MIMDESK_SITE_CONFIG": str(site)}
    settings = load_settings(default_paths(env), env)
    assert len(settings.checklist.criteria) == 8  # the built-in list
    assert len(settings.warnings) == 1
    assert "criteria[2].kind" in settings.warnings[0]
    assert f"mimdesk config check {site}" in settings.warnings[0]
    # and the app still opens on it
    app = open_app(db=tmp_path / "x.sqlite3", env=env)
    try:
        assert app.settings.warnings == settings.warnings
    finally:
        app.close()


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MIMDESK_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, "-m", "mimdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_config_check(tmp_path):
    ok = run_cli("config", "check", str(write(tmp_path, GOOD)), tmp_path=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith("site.toml: OK")
    broken = write(tmp_path, GOOD.replace("weight = 4", 'weight = "lots"'), "broken.toml")
    bad = run_cli("config", "check", str(broken), tmp_path=tmp_path)
    assert bad.returncode == 1
    assert f"{broken}: error: criteria[2].weight: must be a number, not 'lots'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_backups_settings_are_checked_and_read(tmp_path, monkeypatch):
    bad = configcheck.check_file(write(tmp_path, "[backups]\nkeep = 0\nfolder = 7\n", "bad.toml"))
    assert "backups.keep: must be 1 to 365, not 0" in bad.errors
    assert any(e.startswith("backups.folder: must be text") for e in bad.errors)
    good = write(tmp_path, '[backups]\nkeep = 30\nfolder = "D:/MIM Desk backups"\n')
    assert configcheck.check_file(good).ok
    monkeypatch.setenv("MIMDESK_SITE_CONFIG", str(good))
    settings = load_settings(default_paths())
    assert (settings.backups.keep, settings.backups.folder) == (30, "D:/MIM Desk backups")
