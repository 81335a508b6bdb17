"""Settings in layers: built-in defaults, IT's site file, the user's own settings, and on
top the settings IT locks by managed policy (:mod:`mimdesk.policy`).

Each layer is a TOML file read into a dict; a key set in a higher layer wins. Every value in
force remembers the layer it came from (``Settings.sources``), which ``mimdesk doctor`` and the
settings dialog show. Secrets are in none of these files: they live in the OS keyring.

Every path setting (``configcheck.PATH_SETTINGS``) is expanded as its layer is read
(:func:`mimdesk.paths.expand_path`: %VAR%, $VAR, ~), so what the rest of the app sees is this
machine's path. One naming a variable that is not set is said in ``Settings.warnings``.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from mimdesk import configcheck, policy
from mimdesk.comms.settings import CommsSettings, anchor_paths
from mimdesk.domain.cadence import Audience, TimerPolicy
from mimdesk.domain.declaration import Checklist, Choice, Criterion, DecisionRule
from mimdesk.domain.report_sections import SectionSettings
from mimdesk.domain.roles import RoleDef
from mimdesk.domain.vocabulary import Term, Vocabularies, Vocabulary
from mimdesk.paths import Paths, files_folder, site_config_candidates
from mimdesk.resources import resource_path

BUILTIN = "built-in"
SITE = "site"
USER = "user"
MANAGED = "managed"


@dataclass(frozen=True, slots=True)
class Severity:
    id: str
    label: str
    description: str
    major: bool


PAGE_SIZES = configcheck.PAGE_SIZES


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """What the printed postmortem says about who printed it ([report] in the settings)."""

    organisation: str = ""
    classification: str = "INTERNAL"
    page_size: str = "A4"  # one of PAGE_SIZES
    sections: SectionSettings = field(default_factory=SectionSettings)


@dataclass(frozen=True, slots=True)
class BackupSettings:
    """[backups]: how many automatic backups to keep, and where ("" = the data folder's
    ``backups``; a relative folder is taken from the data folder)."""

    keep: int = 7
    folder: str = ""


@dataclass(frozen=True, slots=True)
class FileSettings:
    """[files]: where the files a person will look for go when no path is given (.eml
    drafts, role cards, PDFs, exports); "" = "MIM Desk" under Documents
    (:func:`mimdesk.paths.files_folder`)."""

    folder: str = ""

    @property
    def path(self) -> Path:
        return files_folder(self.folder)


@dataclass
class Settings:
    display_name: str
    theme: str
    database: str
    sound: bool
    severities: tuple[Severity, ...]
    roles: tuple[RoleDef, ...]
    checklist: Checklist
    timers: TimerPolicy
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    comms: CommsSettings = field(default_factory=CommsSettings)
    # [shared]: the shared database (a URL without password), and TLS (mimdesk.sync.target)
    shared_url: str = ""
    shared_tls: str = ""
    shared_ca_file: str = ""
    # Dotted keys set by managed policy: the UI shows them as "set by your organisation".
    locked: set[str] = field(default_factory=set)
    # Path settings naming a variable this machine does not set: dotted key -> what to say.
    # Only app.database stays in force so (opening it says why it cannot); any other is
    # dropped, and the layer below it applies.
    unresolved: dict[str, str] = field(default_factory=dict)
    report: ReportSettings = field(default_factory=ReportSettings)
    backups: BackupSettings = field(default_factory=BackupSettings)
    files: FileSettings = field(default_factory=FileSettings)

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def is_major_severity(self, severity_id: str) -> bool:
        return any(s.id == severity_id and s.major for s in self.severities)

    def severity_rank(self, severity_id: str) -> int:
        """0 for the most severe; unknown severities rank last."""
        ids = [s.id for s in self.severities]
        return ids.index(severity_id) if severity_id in ids else len(ids)

    def role(self, role_id: str) -> RoleDef | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def severity_label(self, severity_id: str) -> str:
        for s in self.severities:
            if s.id == severity_id:
                return f"{s.id} {s.label}"
        return severity_id

    def vocabularies(self) -> Vocabularies:
        """The closed lists in force: this site's roles, severities and audiences, and the
        lists every site shares (:mod:`mimdesk.domain.vocabulary`)."""
        return Vocabularies(
            roles=Vocabulary("role", (Term(r.id, r.label) for r in self.roles)),
            severities=Vocabulary("severity", (Term(s.id, s.label) for s in self.severities)),
            audiences=Vocabulary("audience", (Term(a.id, a.label) for a in self.timers.audiences)),
        )


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _merge(
    into: dict[str, Any],
    layer: Mapping[str, Any],
    name: str,
    sources: dict[str, str],
    prefix: str = "",
) -> None:
    """Merge ``layer`` into ``into``: tables merge key by key, anything else (lists too)
    replaces what was there, and ``sources`` records the layer of every leaf."""
    for key, value in layer.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if not isinstance(into.get(key), dict):
                into[key] = {}
            _merge(into[key], value, name, sources, f"{dotted}.")
        else:
            into[key] = value
            sources[dotted] = name


BUILTIN_FILES = ("settings.toml", "declaration.toml", "timers.toml", "report.toml", "comms.toml")


def _builtin(sources: dict[str, str]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in BUILTIN_FILES:
        _merge(merged, _read(resource_path("defaults", name)), BUILTIN, sources)
    return merged


@functools.cache
def builtin_vocabularies() -> Vocabularies:
    """The vocabularies of the built-in settings, with no site file: what a use-case context
    checks against when nobody gave it the site's."""
    return _settings(_builtin({}), {}, [], set()).vocabularies()


# A path setting kept though it names a variable that is not set: the database must not
# quietly become another file; opening it says why it cannot (mimdesk.app.database_path).
KEPT_UNRESOLVED = ("app.database",)


def _unresolved(
    report: configcheck.Report,
    what: str,
    layer: str,
    unresolved: dict[str, tuple[str, str]],
    warnings: list[str],
) -> None:
    """Say which path settings of a layer name a variable this machine does not set, and
    take out those the desk can do without (the layer below applies). ``layer`` is the name
    ``Settings.sources`` gives the layer."""
    for dotted, exc in report.unresolved.items():
        if dotted in KEPT_UNRESOLVED:
            warnings.append(f"{what}: {dotted}: {exc} ({exc.text}).")
            unresolved[dotted] = (layer, f"{exc} (set in {what})")
            continue
        warnings.append(f"{what}: {dotted}: {exc} ({exc.text}); ignored, the default applies.")
        *parents, leaf = dotted.split(".")
        table: Any = report.data
        for part in parents:
            table = table.get(part, {})
        table.pop(leaf, None)


def load_settings(
    paths: Paths,
    env: Mapping[str, str] = os.environ,
    *,
    managed: list[tuple[str, dict[str, Any]]] | None = None,
) -> Settings:
    """The settings in force. ``managed`` stands for the policies this OS holds (tests hand
    in what a fake registry gives)."""
    sources: dict[str, str] = {}
    warnings: list[str] = []
    unresolved: dict[str, tuple[str, str]] = {}
    merged = _builtin(sources)
    for layer, candidates in ((SITE, site_config_candidates(env)), (USER, [paths.user_settings])):
        for path in candidates:
            if not path.is_file():
                continue
            report = configcheck.check_file(path, env=env)
            if report.ok:
                known = {s.get("id") for s in merged.get("severities", [])}
                configcheck.check_severities(report, known)
            if not report.ok:
                # A broken file must never stop the desk: keep the values below it, say so.
                first = report.errors[0]
                more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
                warnings.append(
                    f"Ignored the {layer} settings {path}: {first}{more}. "
                    f"Check it with 'mimdesk config check {path}'."
                )
                continue
            name = f"{layer} ({path})"
            _unresolved(report, f"the {layer} settings {path}", name, unresolved, warnings)
            anchor_paths(report.data, path.parent)
            # An earlier release's keys in today's (require_approval -> approval).
            _merge(merged, policy.upgrade(report.data), name, sources)
    if managed is None:
        try:
            managed = policy.read_managed(env)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            managed = []
            warnings.append(f"Could not read the settings your organisation manages: {exc}.")
    for where, data in managed:
        report = configcheck.Report(Path(where))
        report.data = data
        configcheck.check_data(data, report, env)
        if not report.ok:
            warnings.append(f"Ignored managed settings from {where}: {report.errors[0]}.")
            continue
        name = f"{MANAGED} ({where})"
        _unresolved(report, f"the policy {where}", name, unresolved, warnings)
        _merge(merged, data, name, sources)
    locked = {key for key, layer in sources.items() if layer.startswith(MANAGED)}
    settings = _settings(merged, sources, warnings, locked)
    # Only where the layer in force is the one whose path did not resolve: a higher layer
    # naming a path this machine has wins.
    settings.unresolved = {
        dotted: problem
        for dotted, (layer, problem) in unresolved.items()
        if sources.get(dotted) == layer
    }
    for vocabulary in settings.vocabularies().site_terms():
        for clash in vocabulary.clashes():
            warnings.append(
                f"Two entries of the {vocabulary.noun} list share a spelling: {clash}; "
                "typing it names neither (type the id instead)."
            )
    return settings


def _settings(
    merged: Mapping[str, Any], sources: dict[str, str], warnings: list[str], locked: set[str]
) -> Settings:
    user = merged.get("user", {})
    app = merged.get("app", {})
    timers = _timer_policy(merged)
    return Settings(
        display_name=str(user.get("display_name", "")),
        theme=str(app.get("theme", "system")),
        database=str(app.get("database", "")),
        sound=bool(merged.get("timers", {}).get("sound", False)),
        severities=tuple(
            Severity(
                str(s["id"]),
                str(s.get("label", s["id"])),
                str(s.get("description", "")),
                bool(s.get("major", False)),
            )
            for s in merged.get("severities", [])
        ),
        roles=tuple(
            RoleDef(
                str(r["id"]),
                str(r.get("label", r["id"])),
                tuple(_duty(str(d), timers) for d in r.get("duties", [])),
            )
            for r in merged.get("roles", [])
        ),
        timers=timers,
        checklist=_checklist(merged),
        sources=sources,
        warnings=warnings,
        locked=locked,
        report=_report(merged),
        backups=BackupSettings(
            keep=int(merged.get("backups", {}).get("keep", 7)),
            folder=str(merged.get("backups", {}).get("folder", "")),
        ),
        files=FileSettings(folder=str(merged.get("files", {}).get("folder", ""))),
        comms=CommsSettings.from_table(merged.get("comms", {})),
        shared_url=str(merged.get("shared", {}).get("url", "")),
        shared_tls=str(merged.get("shared", {}).get("tls", "")),
        shared_ca_file=str(merged.get("shared", {}).get("ca_file", "")),
    )


def _report(merged: Mapping[str, Any]) -> ReportSettings:
    report = merged.get("report", {})
    size = str(report.get("page_size", "A4"))
    sections = report.get("sections", {})
    return ReportSettings(
        organisation=str(report.get("organisation", "")),
        classification=str(report.get("classification", "INTERNAL")),
        page_size="Letter" if size.casefold() == "letter" else "A4",
        # Checked by configcheck before any layer is merged: names and texts only.
        sections=SectionSettings(
            order=tuple(str(n) for n in sections.get("order", ())),
            hide=tuple(str(n) for n in sections.get("hide", ())),
            titles={str(k): str(v) for k, v in sections.get("titles", {}).items()},
        ),
    )


def _duty(text: str, timers: TimerPolicy) -> str:
    """A duty as the site's own figures make it: "{first_notification_minutes}" is the
    initial-notification target in force (15 unless the site sets another)."""
    return text.replace("{first_notification_minutes}", str(timers.first_notification_minutes))


def _timer_policy(merged: Mapping[str, Any]) -> TimerPolicy:
    timers = merged.get("timers", {})
    return TimerPolicy(
        audiences=tuple(
            Audience(str(a["id"]), str(a.get("label", a["id"])))
            for a in merged.get("audiences", [])
        ),
        cadence={
            str(sev): {str(k): int(v) for k, v in table.items()}
            for sev, table in merged.get("cadence", {}).items()
        },
        targets={
            str(sev): {str(k): int(v) for k, v in table.items()}
            for sev, table in merged.get("targets", {}).items()
        },
        run_after_mitigation=bool(timers.get("run_after_mitigation", False)),
        amber_minutes=int(timers.get("amber_minutes", 5)),
        remind_every_minutes=int(timers.get("remind_every_minutes", 5)),
        mim_reminder_minutes=int(timers.get("mim_reminder_minutes", 3)),
        first_notification_minutes=int(timers.get("first_notification_minutes", 15)),
    )


def _checklist(merged: Mapping[str, Any]) -> Checklist:
    rule = merged.get("declaration", {})
    criteria = []
    for c in merged.get("criteria", []):
        criteria.append(
            Criterion(
                id=str(c["id"]),
                question=str(c["question"]),
                kind=str(c["kind"]),
                help=str(c.get("help", "")),
                weight=int(c.get("weight", 0)),
                decisive=bool(c.get("decisive", False)),
                threshold=c.get("threshold"),
                choices=tuple(
                    Choice(
                        str(ch["value"]),
                        str(ch.get("label", ch["value"])),
                        int(ch.get("weight", 0)),
                        bool(ch.get("decisive", False)),
                    )
                    for ch in c.get("choices", [])
                ),
                severity=str(c.get("severity", "")),
                prefill=str(c.get("prefill", "")),
                reason=str(c.get("reason", "")),
                met_when=str(c.get("met_when", "yes")) == "yes",
            )
        )
    return Checklist(
        criteria=tuple(criteria),
        rule=DecisionRule(
            rule=str(rule.get("rule", "decisive-or-score")),
            score_threshold=int(rule.get("score_threshold", 3)),
            default_severity=str(rule.get("default_severity", "")),
        ),
        severities=tuple(str(s["id"]) for s in merged.get("severities", [])),
    )


def save_user_setting(paths: Paths, section: str, key: str, value: Any) -> None:
    """Write one value into the user's settings file, keeping the rest of it."""
    path = paths.user_settings
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = _read(path)
        except tomllib.TOMLDecodeError:
            # Keep the damaged file for the user to look at rather than overwrite it blindly.
            path.replace(path.with_suffix(".toml.damaged"))
    data.setdefault(section, {})[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)


def save_user_settings(paths: Paths, values: Mapping[str, Any]) -> None:
    """Write several values, named by dotted keys (``comms.smtp.host``), into the user's
    settings file in one go, keeping the rest of it. An empty text removes the key, so the
    layer below (the site's or the built-in value) applies again."""
    path = paths.user_settings
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = _read(path)
        except tomllib.TOMLDecodeError:
            path.replace(path.with_suffix(".toml.damaged"))
    for dotted, value in values.items():
        *parents, leaf = dotted.split(".")
        node = data
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if value == "":
            node.pop(leaf, None)
        else:
            node[leaf] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)
