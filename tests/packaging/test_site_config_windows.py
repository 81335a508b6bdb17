"""Where the site file is found on Windows: %ProgramData%\\MIMDesk\\site.toml, which the MSI
copies from its SITECONFIG property, else the file named at install, read in place (the path
the MSI records in HKLM\\SOFTWARE\\MIMDesk\\SiteConfigSource). Windows cannot run here: the
registry is a fake with the few winreg functions paths.installer_site_config calls."""

from __future__ import annotations

from pathlib import Path

from mimdesk import paths
from mimdesk.config import load_settings


class FakeWinreg:
    HKEY_LOCAL_MACHINE = "HKLM"
    REG_SZ = 1

    def __init__(self, values: dict[tuple[str, str, str], object] | None = None) -> None:
        self.values = values or {}
        self.open_keys: list[str] = []

    def OpenKey(self, hive: str, key: str) -> str:
        if not any((hive, key) == (h, k) for h, k, _ in self.values):
            raise FileNotFoundError(2, "The system cannot find the file specified")
        self.open_keys.append(key)
        return key

    def QueryValueEx(self, key: str, name: str) -> tuple[object, int]:
        try:
            return self.values[("HKLM", key, name)], self.REG_SZ
        except KeyError:
            raise FileNotFoundError(2, "The system cannot find the file specified") from None

    def CloseKey(self, key: str) -> None:
        self.open_keys.remove(key)


def registry(source: str) -> FakeWinreg:
    return FakeWinreg({("HKLM", paths.INSTALLER_KEY, paths.SITE_SOURCE_VALUE): source})


def candidates(tmp_path: Path, winreg: FakeWinreg) -> list[Path]:
    env = {"PROGRAMDATA": str(tmp_path / "ProgramData")}
    return paths.site_config_candidates(env, platform="win32", winreg=winreg)


def test_the_copy_in_programdata_is_the_site_file(tmp_path):
    copied = tmp_path / "ProgramData" / "MIMDesk" / "site.toml"
    copied.parent.mkdir(parents=True)
    copied.write_text("[app]\n", encoding="utf-8")
    winreg = registry(r"\\fileserver\it\mimdesk\site.toml")
    assert candidates(tmp_path, winreg) == [copied]


def test_without_the_copy_the_file_named_at_install_is_read_in_place(tmp_path):
    source = tmp_path / "share" / "site.toml"
    winreg = registry(f'"{source}"')  # msiexec SITECONFIG="..." may keep its quotes
    assert candidates(tmp_path, winreg) == [source]
    assert winreg.open_keys == []  # the key is closed again


def test_no_site_file_anywhere_gives_the_programdata_location(tmp_path):
    expected = [tmp_path / "ProgramData" / "MIMDesk" / "site.toml"]
    assert candidates(tmp_path, FakeWinreg()) == expected  # no HKLM\SOFTWARE\MIMDesk key
    assert candidates(tmp_path, registry("")) == expected  # installed without SITECONFIG
    assert candidates(tmp_path, FakeWinreg({("HKLM", paths.INSTALLER_KEY, "Version"): "1"})) == (
        expected
    )  # the key without the value


def test_mimdesk_site_config_overrides_everything(tmp_path):
    env = {"MIMDESK_SITE_CONFIG": str(tmp_path / "mine.toml")}
    assert paths.site_config_candidates(env, platform="win32", winreg=registry("x")) == [
        tmp_path / "mine.toml"
    ]


def test_settings_load_the_file_named_at_install(tmp_path, monkeypatch):
    source = tmp_path / "share" / "site.toml"
    source.parent.mkdir()
    source.write_text('[app]\ntheme = "dark"\n', encoding="utf-8")
    winreg = registry(str(source))
    real = paths.site_config_candidates
    monkeypatch.setattr(
        "mimdesk.config.site_config_candidates",
        lambda env: real(env, platform="win32", winreg=winreg),
    )
    env = {"MIMDESK_HOME": str(tmp_path / "home"), "PROGRAMDATA": str(tmp_path / "PD")}
    settings = load_settings(paths.default_paths(env), env)
    assert settings.theme == "dark"
    assert settings.sources["app.theme"] == f"site ({source})"


def test_other_systems_keep_their_fixed_locations():
    assert paths.site_config_candidates({}, platform="darwin") == [
        Path("/Library/Application Support/MIMDesk/site.toml")
    ]
    assert paths.site_config_candidates({}, platform="linux") == [Path("/etc/mimdesk/site.toml")]
