"""Managed policy: IT's locked settings win over every other layer and say where they came from."""

from __future__ import annotations

from types import SimpleNamespace

from mimdesk import policy
from mimdesk.config import load_settings
from mimdesk.paths import default_paths


def settings_with(tmp_path, managed_toml: str | None = None, user_toml: str | None = None):
    env = {
        "MIMDESK_HOME": str(tmp_path / "home"),
        "MIMDESK_SITE_CONFIG": str(tmp_path / "none.toml"),
    }
    if managed_toml is not None:
        folder = tmp_path / "managed"
        folder.mkdir()
        (folder / "10-desk.toml").write_text(managed_toml, encoding="utf-8")
        env["MIMDESK_MANAGED_DIR"] = str(folder)
    paths = default_paths(env)
    if user_toml is not None:
        paths.user_settings.parent.mkdir(parents=True, exist_ok=True)
        paths.user_settings.write_text(user_toml, encoding="utf-8")
    return load_settings(paths, env)


def test_managed_value_beats_user_value_and_is_locked(tmp_path):
    s = settings_with(
        tmp_path, '[app]\ntheme = "dark"\n[timers]\nsound = true\n', '[app]\ntheme = "light"\n'
    )
    assert s.theme == "dark"
    assert s.sound is True
    assert s.is_locked("app.theme") and s.is_locked("timers.sound")
    assert not s.is_locked("app.database")
    assert s.sources["app.theme"].startswith("managed (")


def test_without_policy_nothing_is_locked(tmp_path):
    s = settings_with(tmp_path, None, '[app]\ntheme = "light"\n')
    assert s.theme == "light" and s.locked == set()
    assert s.sources["app.theme"].startswith("user (")


def test_invalid_managed_file_is_ignored_with_a_warning(tmp_path):
    s = settings_with(tmp_path, '[app]\ntheme = "purple"\n')
    assert s.theme == "system"
    assert "Ignored managed settings" in s.warnings[0]
    assert "app.theme: must be one of" in s.warnings[0]


class FakeWinreg:
    """The few winreg calls policy.read_windows_registry makes (Windows cannot run here)."""

    HKEY_CURRENT_USER = "HKCU"
    HKEY_LOCAL_MACHINE = "HKLM"
    REG_SZ = 1
    REG_DWORD = 4

    def __init__(self, hives):
        self.hives = hives

    def OpenKey(self, hive, path):
        assert path == policy.POLICY_KEY
        if hive not in self.hives:
            raise OSError("no such key")
        return SimpleNamespace(values=list(self.hives[hive].items()))

    def EnumValue(self, key, index):
        if index >= len(key.values):
            raise OSError("no more")
        name, (value, kind) = key.values[index]
        return name, value, kind

    def CloseKey(self, key):
        pass


def test_windows_registry_policies_hklm_over_hkcu():
    reg = FakeWinreg(
        {
            "HKCU": {"app.theme": ("light", 1), "timers.amber_minutes": (9, 4)},
            "HKLM": {"app.theme": ("dark", 1), "timers.sound": (1, 4), "bogus.key": ("x", 1)},
        }
    )
    layers = policy.read_windows_registry(reg)
    assert [name for name, _ in layers] == [
        "HKEY_CURRENT_USER\\SOFTWARE\\Policies\\MIMDesk",
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MIMDesk",
    ]
    assert layers[0][1] == {"app": {"theme": "light"}, "timers": {"amber_minutes": 9}}
    assert layers[1][1] == {"app": {"theme": "dark"}, "timers": {"sound": True}}


def test_macos_forced_values_only():
    values = {"app.theme": "dark", "timers.sound": True, "report.organisation": "Acme"}
    forced = {"app.theme", "report.organisation"}
    layers = policy.read_macos_forced(values.get, forced.__contains__)
    assert layers == [
        (
            f"configuration profile ({policy.MAC_DOMAIN})",
            {"app": {"theme": "dark"}, "report": {"organisation": "Acme"}},
        )
    ]


def test_the_initial_notification_target_is_lockable_and_the_mims_duty_says_it(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    default = settings_with(tmp_path / "a")
    duties = default.role("mim").duties
    assert "Send the initial notification within 15 minutes of declaring" in duties
    locked = settings_with(tmp_path / "b", "[timers]\nfirst_notification_minutes = 10\n")
    assert locked.timers.first_notification_minutes == 10
    assert locked.is_locked("timers.first_notification_minutes")
    assert "Send the initial notification within 10 minutes of declaring" in (
        locked.role("mim").duties
    )
