"""Validating configuration files: every problem named with its file, place and fix.

IT runs ``mimdesk config check site.toml`` before deploying a file. A TOML syntax error is
reported with its line; a wrong value with its key path (``criteria[3].kind``), counting list
items from 1 the way a person reading the file counts them. The same checks run when the app
loads a file, which then falls back to the built-in values and says why.

``config check`` also checks the site templates the file names (``[comms] templates_dir``):
every file UTF-8 and compiling, every message and page rendering with sample values within the
limits of a real render. The app does not render them when it loads the file: a broken template
fails the drafts that use it, not the settings.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mimdesk.comms import settings as comms_settings
from mimdesk.domain.declaration import KINDS, RULES
from mimdesk.paths import UnresolvedVariable, expand_path

THEMES = ("system", "light", "dark")
PAGE_SIZES = ("A4", "Letter")
PREFILLS = ("", "service.critical", "service.external", "service.users", "incident.users_affected")


@dataclass
class Report:
    path: Path
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    # Problems of the site templates, each naming its file and line (check_file(templates=True))
    template_errors: list[str] = field(default_factory=list)
    # Path settings naming a variable this machine does not set (each also a warning).
    unresolved: dict[str, UnresolvedVariable] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.template_errors

    def lines(self) -> list[str]:
        out = [f"{self.path}: error: {e}" for e in (*self.errors, *self.template_errors)]
        out += [f"{self.path}: warning: {w}" for w in self.warnings]
        return out


Check = Callable[[Any], str | None]


def _type(*types: type, what: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) and bool not in types:
            return f"must be {what}, not {value!r}"
        return None if isinstance(value, types) else f"must be {what}, not {value!r}"

    return check


def _one_of(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        if value in options:
            return None
        shown = ", ".join(repr(o) for o in options if o)
        return f"must be one of {shown}, not {value!r}"

    return check


def _non_negative(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {value!r}"
    return None if value >= 0 else f"must be zero or more, not {value!r}"


def _whole(value: Any, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    return None if low <= value <= high else f"must be {low} to {high}, not {value}"


TEXT = _type(str, what="text")
FLAG = _type(bool, what="true or false")


def _text(limit: int) -> Check:
    """Text printed on every page of a report: one line, not too long to fit."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {value!r}"
        if "\n" in value or "\r" in value:
            return "must be one line"
        if len(value) > limit:
            return f"must be at most {limit} characters, not {len(value)}"
        return None

    return check


SECTIONS: dict[str, dict[str, Check]] = {
    "user": {"display_name": TEXT},
    "app": {"theme": _one_of(THEMES), "database": TEXT},
    "timers": {
        "run_after_mitigation": FLAG,
        "amber_minutes": _non_negative,
        "remind_every_minutes": _non_negative,
        "mim_reminder_minutes": _non_negative,
        "first_notification_minutes": _non_negative,
        "sound": FLAG,
    },
    "report": {
        "organisation": _text(200),
        "classification": _text(60),
        "page_size": _one_of(PAGE_SIZES),
        # Checked in full by _check_report_sections: the review's sections in the PDF.
        "sections": _type(dict, what="a table ([report.sections])"),
    },
    "backups": {"keep": lambda v: _whole(v, 1, 365), "folder": TEXT},
    # Where the files a person looks for go (.eml drafts, role cards, PDFs, exports).
    "files": {"folder": TEXT},
    "shared": {
        "url": TEXT,
        "tls": _one_of(("", "disable", "require", "verify-ca", "verify-full")),
        "ca_file": TEXT,
    },
    "declaration": {
        "rule": _one_of(RULES),
        "score_threshold": _non_negative,
        "default_severity": TEXT,
    },
}
LISTS: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {
    # list name: (fields, required fields)
    "severities": (
        {"id": TEXT, "label": TEXT, "description": TEXT, "major": FLAG},
        ("id", "label"),
    ),
    "roles": (
        {"id": TEXT, "label": TEXT, "duties": _type(list, what="a list of texts")},
        ("id", "label"),
    ),
    "audiences": ({"id": TEXT, "label": TEXT}, ("id", "label")),
    "criteria": (
        {
            "id": TEXT,
            "question": TEXT,
            "kind": _one_of(KINDS),
            "help": TEXT,
            "weight": _non_negative,
            "decisive": FLAG,
            "threshold": _non_negative,
            "choices": _type(list, what="a list of choices"),
            "severity": TEXT,
            "prefill": _one_of(PREFILLS),
            "reason": TEXT,
            "met_when": _one_of(("yes", "no")),
        },
        ("id", "question", "kind"),
    ),
}
CHOICE_FIELDS: dict[str, Check] = {
    "value": TEXT,
    "label": TEXT,
    "weight": _non_negative,
    "decisive": FLAG,
}
# Sections later features read; known here so that they are not reported as unknown.
OTHER_SECTIONS = ("directory", "postmortem", "policy")
# Tables of tables: severity id -> name -> minutes.
MINUTE_TABLES = ("cadence", "targets")


def check_severities(report: Report, known: set[Any]) -> None:
    """Criteria may name a severity the file does not define itself but the defaults do."""
    data = report.data
    if "severities" in data:
        return
    for n, item in enumerate(data.get("criteria", []), 1):
        severity = item.get("severity") if isinstance(item, Mapping) else None
        if isinstance(severity, str) and severity and severity not in known:
            report.errors.append(
                f"criteria[{n}].severity: {severity!r} is not one of the severities"
            )


# Every setting that names a file or folder: each is expanded by mimdesk.paths.expand_path
# (%VAR%, $VAR, ~) wherever it is set, a site file, the user's settings or a policy.
PATH_SETTINGS = (
    "app.database",
    "backups.folder",
    "files.folder",
    "shared.ca_file",
    *(f"comms.{key}" for key in comms_settings.PATH_KEYS),
    *(f"comms.smtp.{key}" for key in comms_settings.SMTP_PATH_KEYS),
)


def expand_paths(
    data: Mapping[str, Any], report: Report, env: Mapping[str, str] | None = None
) -> None:
    """Expand the path settings of ``data`` in place. One naming a variable that is not set
    is left as written and reported on one line: a warning, as the variable may well be set
    on the desks though not where IT checks the file."""
    for dotted in PATH_SETTINGS:
        *parents, leaf = dotted.split(".")
        table: Any = data
        for part in parents:
            table = table.get(part) if isinstance(table, Mapping) else None
        if not isinstance(table, dict) or not isinstance(table.get(leaf), str):
            continue
        written = table[leaf]
        try:
            table[leaf] = expand_path(written, os.environ if env is None else env)
        except UnresolvedVariable as exc:
            report.unresolved[dotted] = exc
            report.warnings.append(
                f"{dotted}: {exc} ({written}); set it, or give the path without it"
            )


def check_file(
    path: Path, *, templates: bool = False, env: Mapping[str, str] | None = None
) -> Report:
    """The file's problems; with ``templates``, its site templates' too (``config check``).
    Its path settings are expanded (from ``env``, else this process's environment)."""
    report = Report(Path(path))
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        report.errors.append(f"cannot read the file: {exc.strerror or exc}")
        return report
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.errors.append(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8")
        return report
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line L, column C)": that is the place to look.
        report.errors.append(f"TOML syntax error: {exc}")
        return report
    report.data = data
    check_data(data, report, env)
    if templates:
        check_templates(data, report)
    return report


def check_templates(data: Mapping[str, Any], report: Report) -> None:
    """Compile and render the templates in the folder ``[comms] templates_dir`` names."""
    table = data.get("comms")
    if not isinstance(table, Mapping):
        return
    folder = table.get("templates_dir")
    if not isinstance(folder, str) or not folder:
        return
    if "comms.templates_dir" in report.unresolved:
        return  # said so: there is no folder to look in
    path = Path(folder)
    if not path.is_absolute():
        path = report.path.parent / path
    if not path.is_dir():
        return  # the comms check has said so
    # Imported here: loading settings, which checks files too, needs no Jinja.
    from mimdesk.comms.template_check import check_folder

    try:
        comms = comms_settings.CommsSettings.from_table(table)
    except (TypeError, ValueError, AttributeError):
        comms = comms_settings.CommsSettings()  # its errors are reported already
    audiences = [
        str(a["id"]) for a in data.get("audiences", []) if isinstance(a, Mapping) and "id" in a
    ]
    for problem in check_folder(path, comms, audiences):
        report.template_errors.append(problem.message)


def check_data(
    data: Mapping[str, Any], report: Report, env: Mapping[str, str] | None = None
) -> None:
    """Check ``data`` (a file's, or a policy's), expanding its path settings in place."""
    expand_paths(data, report, env)
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, Mapping):
                report.errors.append(f"{key}: must be a table ([{key}])")
                continue
            _check_fields(key, value, SECTIONS[key], (), report)
            if key == "report" and isinstance(value.get("sections"), Mapping):
                _check_report_sections(value["sections"], report)
        elif key in LISTS:
            fields, required = LISTS[key]
            if not isinstance(value, list):
                report.errors.append(f"{key}: must be a list of tables ([[{key}]])")
                continue
            seen: set[str] = set()
            for n, item in enumerate(value, 1):
                where = f"{key}[{n}]"
                if not isinstance(item, Mapping):
                    report.errors.append(f"{where}: must be a table")
                    continue
                _check_fields(where, item, fields, required, report)
                ident = item.get("id")
                if isinstance(ident, str):
                    if ident in seen:
                        report.errors.append(f"{where}.id: {ident!r} is used twice")
                    seen.add(ident)
            if key == "criteria":
                _check_criteria(value, data, report)
        elif key == "comms":
            checked = _without_unresolved(value, "comms", report)
            comms_settings.check(checked, report.errors, report.warnings, report.path.parent)
        elif key in MINUTE_TABLES:
            _check_minute_table(key, value, report)
        elif key not in OTHER_SECTIONS:
            report.warnings.append(f"{key}: unknown setting, ignored")


def _without_unresolved(table: Any, prefix: str, report: Report) -> Any:
    """``table`` without the paths already reported unresolved: one line says it, not a
    second about a folder "%NAME%" that does not exist."""
    if not isinstance(table, Mapping):
        return table
    out: dict[str, Any] = {}
    for name, value in table.items():
        dotted = f"{prefix}.{name}"
        if dotted in report.unresolved:
            continue
        out[name] = _without_unresolved(value, dotted, report)
    return out


def _check_report_sections(table: Mapping[str, Any], report: Report) -> None:
    from mimdesk.domain import report_sections as sections

    report.errors += sections.problems(table)
    report.warnings += sections.unknown_keys(table)


def _check_minute_table(key: str, value: Any, report: Report) -> None:
    if not isinstance(value, Mapping):
        report.errors.append(f"{key}: must be a table of severities ([{key}.SEV1])")
        return
    for severity, table in value.items():
        if not isinstance(table, Mapping):
            report.errors.append(f"{key}.{severity}: must be a table of minutes")
            continue
        for name, minutes in table.items():
            if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
                report.errors.append(
                    f"{key}.{severity}.{name}: must be whole minutes (0 or more), not {minutes!r}"
                )


def _check_fields(
    where: str,
    table: Mapping[str, Any],
    fields: Mapping[str, Check],
    required: tuple[str, ...],
    report: Report,
) -> None:
    for name in required:
        if name not in table:
            report.errors.append(f"{where}.{name}: missing (required)")
    for name, value in table.items():
        check = fields.get(name)
        if check is None:
            report.warnings.append(f"{where}.{name}: unknown setting, ignored")
            continue
        problem = check(value)
        if problem:
            report.errors.append(f"{where}.{name}: {problem}")


def _check_criteria(criteria: list[Any], data: Mapping[str, Any], report: Report) -> None:
    severities = {s.get("id") for s in data.get("severities", []) if isinstance(s, Mapping)}
    for n, item in enumerate(criteria, 1):
        if not isinstance(item, Mapping):
            continue
        where = f"criteria[{n}]"
        kind = item.get("kind")
        if kind == "number" and "threshold" not in item:
            report.errors.append(f"{where}.threshold: missing (a number criterion needs one)")
        if kind == "choice":
            choices = item.get("choices")
            if not isinstance(choices, list) or not choices:
                report.errors.append(f"{where}.choices: missing (a choice criterion needs some)")
                continue
            for m, choice in enumerate(choices, 1):
                if not isinstance(choice, Mapping):
                    report.errors.append(f"{where}.choices[{m}]: must be a table")
                    continue
                _check_fields(f"{where}.choices[{m}]", choice, CHOICE_FIELDS, ("value",), report)
        severity = item.get("severity")
        if severities and isinstance(severity, str) and severity and severity not in severities:
            report.errors.append(f"{where}.severity: {severity!r} is not one of the severities")
