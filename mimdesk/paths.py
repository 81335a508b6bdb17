"""Where MIM Desk keeps its files on each platform, overridable for development and tests.

``MIMDESK_HOME`` puts everything (settings and data) under one folder: tests and a developer
trying things use it so that nothing touches their real profile.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "MIMDesk"
DB_FILENAME = "mimdesk.sqlite3"
# The folder, under the person's Documents, of the files they will look for: .eml drafts,
# role cards, PDFs, exports (``[files] folder`` names another).
FILES_FOLDER_NAME = "MIM Desk"


@dataclass(frozen=True, slots=True)
class Paths:
    config_dir: Path
    data_dir: Path
    # Where the log and crash files go, for IT to collect (None: beside the data).
    log_dir: Path | None = None

    @property
    def logs(self) -> Path:
        return self.log_dir or self.data_dir / "logs"

    @property
    def user_settings(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def default_database(self) -> Path:
        return self.data_dir / DB_FILENAME


def default_paths(env: Mapping[str, str] = os.environ) -> Paths:
    home = env.get("MIMDESK_HOME")
    if home:
        return Paths(Path(home) / "config", Path(home) / "data")
    # Linux convention is lower-case folder names; Windows and macOS show the product name.
    name = "mimdesk" if sys.platform.startswith("linux") else APP_NAME
    return Paths(
        Path(platformdirs.user_config_dir(name, appauthor=False, roaming=True)),
        Path(platformdirs.user_data_dir(name, appauthor=False)),
        Path(platformdirs.user_log_dir(name, appauthor=False)),
    )


class UnresolvedVariable(ValueError):
    """A path names an environment variable that is not set on this machine."""

    def __init__(self, text: str, names: list[str]) -> None:
        self.text = text
        self.names = names
        shown = ", ".join(names)
        verb = "is" if len(names) == 1 else "are"
        super().__init__(f"{shown} {verb} not set on this machine")


# %NAME% (Windows style), ${NAME} and $NAME. A lone % or $ is left as it is.
_VARIABLE = re.compile(
    r"%([A-Za-z_][A-Za-z0-9_()]*)%|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def _lookup(name: str, env: Mapping[str, str]) -> str | None:
    if name in env:
        return env[name]
    # Windows names are not case-sensitive (%LocalAppData% is %LOCALAPPDATA%): read them so
    # everywhere, so that one site file means the same on every desk.
    folded = name.upper()
    return next((v for k, v in env.items() if k.upper() == folded), None)


def _home(env: Mapping[str, str]) -> str:
    return env.get("HOME") or env.get("USERPROFILE") or str(Path.home())


def expand_path(text: str, env: Mapping[str, str] = os.environ) -> str:
    """A path from a site file, the user's settings or a policy, as this machine names it.

    Expanded the same way on every system, from ``env``: %NAME% (Windows style), $NAME and
    ${NAME}, and a leading ~ (HOME, else USERPROFILE). A backslash is a folder separator
    everywhere, as on Windows, so that ``%LOCALAPPDATA%\\MIMDesk\\mimdesk.sqlite3`` from the
    ADML works on any desk. Raises :class:`UnresolvedVariable` naming every variable that is
    not set, rather than leave "%NAME%" in a path nobody can find.
    """
    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        written = match.group(0)
        name = next(g for g in match.groups() if g)
        found = _lookup(name, env)
        if found is None:
            missing.append(written)
            return written
        return found

    expanded = _VARIABLE.sub(value, text.strip())
    if missing:
        raise UnresolvedVariable(text, missing)
    if expanded == "~" or expanded.startswith(("~/", "~\\")):
        expanded = _home(env) + expanded[1:]
    if os.sep == "/":
        expanded = expanded.replace("\\", "/")
    return expanded


def files_folder(named: str = "", env: Mapping[str, str] = os.environ) -> Path:
    """Where the files a person will look for go when no path is given: ``named`` (the
    ``[files] folder`` setting; ~ and variables expanded by :func:`expand_path`, a relative one
    taken from Documents), else "MIM Desk" under the person's Documents. Never a temporary
    folder or the working directory: a file written there is lost or not found again. A
    folder naming a variable this machine does not set falls back to the default (loading the
    settings has said so).

    Under ``MIMDESK_HOME`` (tests, trying things) the default is that folder's "MIM Desk"."""
    home = env.get("MIMDESK_HOME")
    documents = Path(home) if home else Path(platformdirs.user_documents_dir())
    text = named.strip()
    if not text:
        return documents / FILES_FOLDER_NAME
    try:
        expanded = Path(expand_path(text, env))
    except UnresolvedVariable:
        return documents / FILES_FOLDER_NAME
    return expanded if expanded.is_absolute() else documents / expanded


# The MSI records the site file named at install (``msiexec /i ... SITECONFIG=PATH``) here, in a
# key it owns (``Policies`` is left to GPO), and copies that file to %ProgramData%\MIMDesk.
INSTALLER_KEY = r"SOFTWARE\MIMDesk"
SITE_SOURCE_VALUE = "SiteConfigSource"


def installer_site_config(winreg: Any = None) -> Path | None:
    """The site file named when the MSI was installed, or None (Windows only).

    ``winreg`` is the module, or a fake with the same few functions in tests.
    """
    if winreg is None:
        import winreg
    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, INSTALLER_KEY)
    except OSError:
        return None
    try:
        value, _kind = winreg.QueryValueEx(key, SITE_SOURCE_VALUE)
    except OSError:
        return None
    finally:
        winreg.CloseKey(key)
    text = str(value or "").strip().strip('"')
    return Path(text) if text else None


def site_config_candidates(
    env: Mapping[str, str] = os.environ,
    *,
    platform: str = sys.platform,
    winreg: Any = None,
) -> list[Path]:
    r"""Where IT drops the site defaults file (each existing one is read, later ones win).

    On Windows the file is %ProgramData%\MIMDesk\site.toml; the MSI copies the file named by
    its SITECONFIG property there. When that copy is missing (the installer, running as
    SYSTEM, could not read a network share, say), the file named at install is read in place.
    """
    if env.get("MIMDESK_SITE_CONFIG"):
        return [Path(env["MIMDESK_SITE_CONFIG"])]
    if platform == "win32":
        base = env.get("PROGRAMDATA", r"C:\ProgramData")
        copied = Path(base) / APP_NAME / "site.toml"
        if copied.is_file():
            return [copied]
        source = installer_site_config(winreg)
        return [source] if source is not None else [copied]
    if platform == "darwin":
        return [Path("/Library/Application Support") / APP_NAME / "site.toml"]
    return [Path("/etc/mimdesk/site.toml")]
