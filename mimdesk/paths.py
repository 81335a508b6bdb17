"""Where MIM Desk keeps its files on each platform, overridable for development and tests.

``MIMDESK_HOME`` puts everything (settings and data) under one folder: tests and a developer
trying things use it so that nothing touches their real profile.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "MIMDesk"
DB_FILENAME = "mimdesk.sqlite3"


@dataclass(frozen=True, slots=True)
class Paths:
    config_dir: Path
    data_dir: Path

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
    )


def site_config_candidates(env: Mapping[str, str] = os.environ) -> list[Path]:
    """Where IT drops the site defaults file, most specific first."""
    if env.get("MIMDESK_SITE_CONFIG"):
        return [Path(env["MIMDESK_SITE_CONFIG"])]
    if sys.platform == "win32":
        base = env.get("PROGRAMDATA", r"C:\ProgramData")
        return [Path(base) / APP_NAME / "site.toml"]
    if sys.platform == "darwin":
        return [Path("/Library/Application Support") / APP_NAME / "site.toml"]
    return [Path("/etc/mimdesk/site.toml")]
