"""The MSI: packaging/windows/mimdesk.wxs compiled by wixl against a small stand-in payload,
read back with msiinfo. (The frozen app itself is tested in test_frozen.py; this tests what
the installer does with whatever files it is given.)

wixl and msiinfo come from Debian's msitools/wixl (.ci/run installs them). The Windows and
macOS CI runners have no msitools: these tests run on Linux only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.system_tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "packaging" / "windows"
UPGRADE_CODE = "{3E845FBE-4434-412B-AFB9-3AA4850ACAA0}"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="wixl/msitools are built for Linux"
)


def require(tool: str, package: str = "msitools wixl") -> None:
    require_tool(tool, package)


def payload(folder: Path) -> Path:
    """A stand-in for dist/mimdesk: the two executables and a few files in subfolders."""
    app = folder / "mimdesk"
    for name, text in {
        "mimdesk.exe": "MZ console",
        "mimdeskw.exe": "MZ windowed",
        "_internal/python311.dll": "dll",
        "_internal/mimdesk/_data/resources/defaults/settings.toml": "[app]\n",
        "_internal/mimdesk/_data/ui/about_dialog.ui": "<ui/>",
        "_internal/PySide6/plugins/platforms/qwindows.dll": "dll",
    }.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return app


def build_msi(app: Path, out: Path, version: str) -> str:
    require("wixl")
    require("msibuild")
    env = dict(os.environ, MIMDESK_VERSION=version)
    result = subprocess.run(
        ["bash", str(WINDOWS / "build_msi.sh"), str(app), str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def table(msi: Path, name: str) -> list[dict[str, str]]:
    """Rows of an MSI table, as exported by msiinfo (header, types, table name, rows)."""
    require("msiinfo")
    text = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True
    ).stdout.replace("\r", "")
    lines = text.splitlines()
    columns = lines[0].split("\t")
    rows = []
    for line in lines[3:]:
        values = line.split("\t")
        rows.append(dict(zip(columns, values + [""] * (len(columns) - len(values)), strict=True)))
    return rows


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("msi")
    out = folder / "mimdesk-1.2.3-x64.msi"
    start = time.perf_counter()
    build_msi(payload(folder), out, "1.2.3")
    assert time.perf_counter() - start < 60
    return out


def properties(msi: Path) -> dict[str, str]:
    return {row["Property"]: row["Value"] for row in table(msi, "Property")}


def test_product_is_per_machine_x64_with_the_fixed_upgrade_code(msi):
    props = properties(msi)
    assert props["UpgradeCode"] == UPGRADE_CODE
    assert props["ALLUSERS"] == "1"
    assert props["ProductVersion"] == "1.2.3"
    assert props["ProductName"] == "MIM Desk"
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", props["ProductCode"])
    suminfo = subprocess.run(
        ["msiinfo", "suminfo", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    assert "Template: x64;1033" in suminfo


def test_major_upgrade_replaces_older_and_refuses_downgrade(msi):
    upgrade = {row["ActionProperty"]: row for row in table(msi, "Upgrade")}
    assert upgrade["WIX_UPGRADE_DETECTED"]["VersionMax"] == "1.2.3"
    assert upgrade["WIX_DOWNGRADE_DETECTED"]["VersionMin"] == "1.2.3"
    assert all(row["UpgradeCode"] == UPGRADE_CODE for row in upgrade.values())
    conditions = {row["Condition"] for row in table(msi, "LaunchCondition")}
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    sequence = {row["Action"]: int(row["Sequence"]) for row in table(msi, "InstallExecuteSequence")}
    assert sequence["FindRelatedProducts"] < sequence["RemoveExistingProducts"]
    assert sequence["InstallValidate"] < sequence["RemoveExistingProducts"]
    assert sequence["RemoveExistingProducts"] < sequence["InstallInitialize"]


def test_start_menu_shortcut_opens_the_windowed_app(msi):
    [shortcut] = table(msi, "Shortcut")
    assert shortcut["Name"] == "MIM Desk"
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Target"] == "[INSTALLDIR]mimdeskw.exe"
    directories = {row["Directory"]: row for row in table(msi, "Directory")}
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLDIR"]["DefaultDir"] == "MIM Desk"


def test_siteconfig_is_recorded_and_copied_to_programdata(msi):
    props = properties(msi)
    assert "SITECONFIG" in props["SecureCustomProperties"].split(";")
    assert "SITECONFIG" not in props  # no default: nothing is copied unless IT names a file
    registry = {row["Name"]: row for row in table(msi, "Registry")}
    source = registry["SiteConfigSource"]
    assert (source["Root"], source["Key"], source["Value"]) == (
        "2",  # HKEY_LOCAL_MACHINE
        r"SOFTWARE\MIMDesk",
        "[SITECONFIG]",
    )
    [move] = table(msi, "MoveFile")
    assert move["SourceFolder"] == "SITECONFIG" and move["SourceName"] == ""
    assert move["DestName"].endswith("|site.toml")
    assert move["DestFolder"] == "SITEDIR" and move["Options"] == "0"  # copy, never move
    directories = {row["Directory"]: row for row in table(msi, "Directory")}
    assert directories["SITEDIR"]["Directory_Parent"] == "CommonAppDataFolder"
    assert directories["SITEDIR"]["DefaultDir"] == "MIMDesk"
    sequence = {row["Action"]: int(row["Sequence"]) for row in table(msi, "InstallExecuteSequence")}
    assert sequence["CreateFolders"] < sequence["MoveFiles"] < sequence["InstallFiles"]
    # The MSI never installs a site.toml of its own: uninstalling cannot take IT's file.
    assert "site.toml" not in {row["FileName"] for row in table(msi, "File")}


def test_every_payload_file_is_a_64_bit_component(msi, tmp_path):
    files = table(msi, "File")
    names = sorted(row["FileName"] for row in files)
    assert names == sorted(
        ["mimdesk.exe", "mimdeskw.exe", "python311.dll", "settings.toml", "about_dialog.ui",
         "qwindows.dll"]
    )  # fmt: skip
    components = {row["Component"]: row for row in table(msi, "Component")}
    for row in files:
        # msidbComponentAttributes64bit
        assert int(components[row["Component_"]]["Attributes"]) & 256
    # The files come back out byte for byte.
    if shutil.which("msiextract"):
        subprocess.run(["msiextract", "-C", str(tmp_path), str(msi)], check=True,
                       capture_output=True)  # fmt: skip
        extracted = {p.name: p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
        assert extracted["mimdeskw.exe"] == "MZ windowed"


def test_component_guids_stay_and_product_code_changes_between_builds(msi, tmp_path):
    newer = tmp_path / "mimdesk-1.2.4-x64.msi"
    build_msi(payload(tmp_path), newer, "1.2.4")

    def guids(path: Path) -> dict[str, str]:
        return {row["Component"]: row["ComponentId"] for row in table(path, "Component")}

    assert guids(newer) == guids(msi)
    assert properties(newer)["ProductCode"] != properties(msi)["ProductCode"]
    assert properties(newer)["UpgradeCode"] == UPGRADE_CODE


def test_build_refuses_a_folder_that_is_not_a_windows_build(tmp_path):
    require("wixl")
    (tmp_path / "mimdesk").mkdir()
    (tmp_path / "mimdesk" / "mimdesk").write_text("linux binary")
    result = subprocess.run(
        ["bash", str(WINDOWS / "build_msi.sh"), str(tmp_path / "mimdesk"),
         str(tmp_path / "x.msi")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "mimdesk.exe is missing" in result.stderr


@pytest.mark.slow
def test_install_upgrade_downgrade_uninstall_under_wine():
    """The whole life cycle with Wine's msiexec (about 10 s; .ci/run installs Wine)."""
    for tool in ("wixl", "msibuild", "msiinfo"):
        require(tool)
    require("wine", "wine wine64")
    result = subprocess.run(
        ["bash", str(WINDOWS / "wine_lifecycle.sh")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert result.stdout.count("PASS") >= 15
