"""The ADML's examples work as written, and its help says what each policy state does.

Every policy's example value (every choice of a choice, both states of a true/false one) is
written to a fake registry as Group Policy would write it, read back by the policy layer, and
loaded as the settings in force, with a test environment (LOCALAPPDATA, APPDATA, USERPROFILE,
HOME, ProgramData in tmp folders): no warning, the key locked, and each path a usable place in
that environment. The database example is opened for real.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from mimdesk import config, policy
from mimdesk.app import database_path
from mimdesk.configcheck import PATH_SETTINGS
from mimdesk.paths import default_paths
from mimdesk.store.sqlite import open_database
from tests.packaging.test_admx import NS, POLICY_DIR, FakeWinreg, make_admx

REG_SZ, REG_DWORD = FakeWinreg.REG_SZ, FakeWinreg.REG_DWORD


def examples(p: Any) -> list[tuple[object, int]]:
    """What Group Policy writes for each value the policy's help or list offers."""
    if p.kind == "flag":
        return [(1, REG_DWORD), (0, REG_DWORD)]
    if p.kind == "choice":
        return [(value, REG_SZ) for value, _ in p.choices]
    if p.kind == "number":
        return [(int(p.example), REG_DWORD)]
    return [(p.example, REG_SZ)]


def _cases() -> list[Any]:
    return [
        pytest.param(p, value, kind, id=f"{p.key}={value}")
        for p in make_admx.POLICIES
        for value, kind in examples(p)
    ]


@pytest.fixture
def windows_env(tmp_path: Path) -> dict[str, str]:
    env = {
        "LOCALAPPDATA": tmp_path / "Users" / "sam" / "AppData" / "Local",
        "APPDATA": tmp_path / "Users" / "sam" / "AppData" / "Roaming",
        "USERPROFILE": tmp_path / "Users" / "sam",
        "HOME": tmp_path / "Users" / "sam",
        "PROGRAMDATA": tmp_path / "ProgramData",
    }
    for folder in env.values():
        folder.mkdir(parents=True, exist_ok=True)
    # What IT deploys beside the policy: the templates folder and the CA file it names.
    (tmp_path / "ProgramData" / "MIMDesk" / "templates").mkdir(parents=True)
    (tmp_path / "ProgramData" / "MIMDesk" / "shared-ca.pem").write_text("PEM", "utf-8")
    return {
        **{k: str(v) for k, v in env.items()},
        "MIMDESK_HOME": str(tmp_path / "home"),
        "MIMDESK_SITE_CONFIG": str(tmp_path / "no-site.toml"),
    }


def _value(settings: config.Settings, dotted: str) -> Any:
    section, *rest = dotted.split(".")
    table: Any = {
        "app": {"theme": settings.theme, "database": settings.database},
        "files": {"folder": settings.files.folder},
        "shared": {
            "url": settings.shared_url,
            "tls": settings.shared_tls,
            "ca_file": settings.shared_ca_file,
        },
        "comms": {
            "templates_dir": settings.comms.templates_dir,
            "approval": settings.comms.approval,
            "smtp": {"verify": settings.comms.smtp.verify},
        },
        "report": {
            "organisation": settings.report.organisation,
            "classification": settings.report.classification,
            "page_size": settings.report.page_size,
        },
        "timers": {
            "run_after_mitigation": settings.timers.run_after_mitigation,
            "amber_minutes": settings.timers.amber_minutes,
            "remind_every_minutes": settings.timers.remind_every_minutes,
            "mim_reminder_minutes": settings.timers.mim_reminder_minutes,
            "first_notification_minutes": settings.timers.first_notification_minutes,
            "sound": settings.sound,
        },
        "declaration": {
            "rule": settings.checklist.rule.rule,
            "score_threshold": settings.checklist.rule.score_threshold,
            "default_severity": settings.checklist.rule.default_severity,
        },
    }[section]
    for part in rest:
        table = table[part]
    return table


@pytest.mark.parametrize(("p", "value", "kind"), _cases())
def test_every_example_loads_through_the_policy_layer(
    p: Any, value: object, kind: int, windows_env: dict[str, str], tmp_path: Path
) -> None:
    managed = policy.read_windows_registry(FakeWinreg({p.key: (value, kind)}))
    paths = default_paths(windows_env)
    settings = config.load_settings(paths, windows_env, managed=managed)
    assert settings.warnings == []
    assert settings.is_locked(p.key)
    assert settings.sources[p.key] == f"managed (HKEY_LOCAL_MACHINE\\{policy.POLICY_KEY})"
    loaded = _value(settings, p.key)
    if p.key not in PATH_SETTINGS:
        assert loaded == (bool(value) if p.kind == "flag" else value)
        return
    # A path: expanded into the test environment, with nothing left to expand.
    place = Path(loaded)
    assert place.is_absolute() and tmp_path in place.parents, loaded
    assert "%" not in loaded and "$" not in loaded and "\\" not in loaded
    if p.key == "app.database":
        database = database_path(paths, settings, None)
        engine, _ = open_database(database)
        engine.dispose()
        assert database.is_file()
    elif p.key == "files.folder":
        assert settings.files.path == place
        place.mkdir(parents=True)
    else:
        assert place.exists(), f"{p.key}: {place}"


def _help_texts() -> dict[str, str]:
    root = ET.parse(POLICY_DIR / "en-US" / "MIMDesk.adml").getroot()
    return {
        str(s.get("id")): s.text or ""
        for s in root.iterfind("p:resources/p:stringTable/p:string", NS)
    }


@pytest.mark.parametrize("p", make_admx.POLICIES, ids=lambda p: p.key)
def test_the_help_says_what_each_state_does_and_shows_the_tested_example(p: Any) -> None:
    text = _help_texts()[f"{p.name}_help"]
    if p.kind in ("text", "number"):
        assert p.example, f"{p.key} has no example"
        assert f"Example: {p.example}" in text
    if p.kind == "flag":
        # 1 and 0 both lock the setting.
        assert "Enabled:" in text and "Disabled:" in text
        assert "Enabled or disabled: users cannot change it" in text
        assert "Not configured: the site file (site.toml) or the user decides" in text
    else:
        # Disabling a policy with a field deletes its value: the setting is not locked.
        assert "Enabled: the value given here is in force; users cannot change it" in text
        assert "Disabled or not configured: the site file (site.toml) or the user decides" in text
        assert "Enabled or disabled" not in text
    if p.key in PATH_SETTINGS:
        assert "Environment variables (%LOCALAPPDATA%" in text
    assert text.endswith(f"Registry value: {p.key}")
