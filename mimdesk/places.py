"""Every folder and file MIM Desk uses on this machine, each with what set it: what
``mimdesk doctor --paths`` prints for IT (and ``--json`` for a script)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mimdesk import config
from mimdesk.config import Settings
from mimdesk.paths import Paths, site_config_candidates


@dataclass(frozen=True, slots=True)
class Place:
    what: str  # "Database", "Log folder"
    path: str  # as this machine names it
    source: str  # "default", "site file /etc/mimdesk/site.toml", "policy HKLM\\...", ...
    note: str = ""  # "not found", "does not exist yet", or why it cannot be used


_LAYERS = (
    (config.SITE, "site file"),
    (config.USER, "user settings"),
    (config.MANAGED, "policy"),
)


def source_words(layer: str | None, default: str = "default") -> str:
    """A layer of ``Settings.sources`` as IT reads it: "site (/x/site.toml)" is
    "site file /x/site.toml", "managed (HKEY_...)" is "policy HKEY_..."."""
    if not layer or layer == config.BUILTIN:
        return default
    for name, words in _LAYERS:
        if layer.startswith(f"{name} (") and layer.endswith(")"):
            return f"{words} {layer[len(name) + 2 : -1]}"
    return layer


def _exists(path: Path) -> str:
    return "" if path.exists() else "does not exist yet"


def places(
    paths: Paths,
    settings: Settings,
    env: Mapping[str, str] = os.environ,
    db: str | None = None,
) -> list[Place]:
    """The places in force, given the ``paths`` and ``settings`` of this user."""
    from mimdesk.usecases.backups import folder as backups_folder

    home = env.get("MIMDESK_HOME")
    base = "MIMDESK_HOME" if home else "default"
    found: list[Place] = [
        Place("Settings folder", str(paths.config_dir), base, _exists(paths.config_dir)),
        Place("Data folder", str(paths.data_dir), base, _exists(paths.data_dir)),
        Place("Log folder", str(paths.logs), base, _exists(paths.logs)),
    ]
    site_source = "MIMDESK_SITE_CONFIG" if env.get("MIMDESK_SITE_CONFIG") else "default"
    for site in site_config_candidates(env):
        found.append(
            Place(
                "Site settings file", str(site), site_source, "" if site.is_file() else "not found"
            )
        )
    found.append(
        Place(
            "User settings file",
            str(paths.user_settings),
            base,
            "" if paths.user_settings.is_file() else "not made yet",
        )
    )
    policies = sorted(
        {layer for layer in settings.sources.values() if layer.startswith(config.MANAGED)}
    )
    for layer in policies:
        found.append(Place("Policy", source_words(layer)[len("policy ") :], "policy", ""))
    if db:
        found.append(Place("Database", str(Path(db).expanduser()), "--db", ""))
    elif settings.database:
        problem = settings.unresolved.get("app.database", "")
        database = Path(settings.database)
        found.append(
            Place(
                "Database",
                str(database),
                source_words(settings.sources.get("app.database")),
                problem or ("" if database.exists() else "not made yet"),
            )
        )
    else:
        database = paths.default_database
        found.append(
            Place("Database", str(database), base, "" if database.exists() else "not made yet")
        )
    backups = backups_folder(paths, settings)
    found.append(
        Place(
            "Backups folder",
            str(backups),
            source_words(settings.sources.get("backups.folder"), base),
            _exists(backups),
        )
    )
    files = settings.files.path
    files_source = source_words(
        settings.sources.get("files.folder"), "MIMDESK_HOME" if home else "default (Documents)"
    )
    found.append(Place("Files folder", str(files), files_source, _exists(files)))
    for dotted, what in (
        ("comms.templates_dir", "Site templates folder"),
        ("comms.status_page_dir", "Status page folder"),
        ("comms.ca_file", "CA file for web addresses"),
        ("comms.smtp.ca_file", "CA file for the mail server"),
        ("shared.ca_file", "CA file for the shared database"),
    ):
        value = _setting(settings, dotted)
        if value:
            found.append(
                Place(what, value, source_words(settings.sources.get(dotted)), _exists(Path(value)))
            )
    return found


def _setting(settings: Settings, dotted: str) -> str:
    comms = settings.comms
    value = {
        "comms.templates_dir": comms.templates_dir,
        "comms.status_page_dir": comms.status_page_dir,
        "comms.ca_file": comms.ca_file,
        "comms.smtp.ca_file": comms.smtp.ca_file,
        "shared.ca_file": settings.shared_ca_file,
    }[dotted]
    return str(value or "")


def lines(found: list[Place]) -> list[str]:
    """One line a place: "Database: /x/mimdesk.sqlite3 (site file /etc/mimdesk/site.toml)"."""
    out = []
    for place in found:
        note = f"; {place.note}" if place.note else ""
        out.append(f"{place.what}: {place.path} ({place.source}{note})")
    return out
