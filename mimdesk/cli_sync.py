"""Shared-database commands: ``db init``, ``db upgrade --shared``, ``db password``, ``sync``,
``sync-agent``, ``doctor``, ``state-digest``.

Every command takes the global ``--shared URL`` (else ``MIMDESK_SHARED_URL``, else the
``[shared] url`` setting) to name the shared database for that run; ``db init`` and
``db upgrade`` also take it after the action (``mimdesk db init --shared URL``), as the README
writes it. ``db upgrade`` without a shared URL given on the command line upgrades this desk's
own database, as before.

Exit codes of ``sync --once``: 0 done, 2 bad input, 3 the shared database cannot be used by
this MIM Desk (schema, rights), 4 unreachable, 5 another desk held the log too long (retry).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from mimdesk import __version__, exitcodes
from mimdesk.errors import InvalidInput

# doctor opens the database itself, unless --paths: listing the places must not need it.
STANDALONE: set[str] = {"doctor"}

# The group role `db init --shared` makes for desk logins unless told otherwise.
DEFAULT_DESK_ROLE = "mim_desks"

Handler = Callable[[Any, argparse.Namespace], int]


def add_parsers(sub: Any) -> dict[str, Handler]:
    p = sub.add_parser("sync", help="synchronise with the shared database")
    p.add_argument("--once", action="store_true", help="one full sync, then exit")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")

    p = sub.add_parser(
        "sync-agent", help="run the sync worker headless until stopped (SIGTERM, Ctrl-C)"
    )
    p.add_argument("--poll", type=float, default=2.0, help="seconds between checks while online")
    p.add_argument(
        "--anti-entropy",
        type=float,
        default=None,
        metavar="SECONDS",
        help="compare with the shared database this often, busy or idle (default 900)",
    )
    p.add_argument("--quiet", action="store_true", help="do not print status changes")

    p = sub.add_parser(
        "doctor", help="settings in force, database versions, connectivity, sync state"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--paths",
        action="store_true",
        help="only list every folder and file MIM Desk uses, and which setting chose each",
    )

    sub.add_parser("state-digest", help="digest of the local log and projection (JSON)")
    return {
        "sync": cmd_sync,
        "sync-agent": cmd_sync_agent,
        "doctor": cmd_doctor,
        "state-digest": cmd_state_digest,
    }


def _shared_option(parser: Any) -> None:
    # SUPPRESS: when not given here, the global --shared (before the command) stands.
    parser.add_argument(
        "--shared",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="the shared database (as the global --shared)",
    )


def add_db_parsers(dbsub: Any) -> dict[str, Handler]:
    p = dbsub.add_parser(
        "init", help="create or upgrade the shared database schema (with --shared URL)"
    )
    _shared_option(p)
    p.add_argument(
        "--create-role",
        metavar="NAME",
        default=DEFAULT_DESK_ROLE,
        help="the group role for desk logins: read events, append through the server-side "
        f"step, nothing else (default {DEFAULT_DESK_ROLE})",
    )
    p.add_argument(
        "--no-role",
        action="store_true",
        help="create no desk role (the logins' rights are then set by hand)",
    )
    p.add_argument(
        "--per-person",
        action="store_true",
        help="a database login for each person of the directory, given the desk role: the "
        "server then stamps who wrote each entry",
    )
    dbsub.add_parser("password", help="store the shared database password in the OS keyring")
    handlers: dict[str, Handler] = {"init": cmd_db_init, "password": cmd_db_password}
    upgrade = dbsub.choices.get("upgrade")
    if upgrade is not None:  # the local 'db upgrade' gains the shared form
        _shared_option(upgrade)
        upgrade.description = (
            "Upgrade this desk's database, or with --shared URL the shared database in place "
            "(under an advisory lock; safe to run twice)."
        )
        handlers["upgrade"] = cmd_db_upgrade
    return handlers


# ---- helpers ---------------------------------------------------------------------------


def _settings() -> Any:
    from mimdesk import config
    from mimdesk.paths import default_paths

    return config.load_settings(default_paths())


def _target(settings: Any, args: argparse.Namespace, *, required: bool = True) -> Any:
    from mimdesk.sync import target

    found = target.resolve(settings, getattr(args, "shared", None))
    if found is None and required:
        raise InvalidInput(
            "No shared database is named.",
            "Give --shared URL, set MIMDESK_SHARED_URL, or set [shared] url in the settings.",
        )
    return found


def _timeouts() -> Any:
    from mimdesk.sync.target import Timeouts

    return Timeouts.from_env()


# ---- db init / password ----------------------------------------------------------------


def cmd_db_init(_app: Any, args: argparse.Namespace) -> int:
    # Append-only by default: desks log in with the desk role, which cannot change history.
    role = None if args.no_role else args.create_role
    return _manage_shared(args, create=True, role=role, per_person=args.per_person)


def cmd_db_upgrade(_app: Any, args: argparse.Namespace) -> int:
    if not getattr(args, "shared", None):
        from mimdesk import cli

        return cli._run(args)  # this desk's own database, as before
    return _manage_shared(args, create=False, role=None)


def _manage_shared(
    args: argparse.Namespace, *, create: bool, role: str | None, per_person: bool = False
) -> int:
    """``db init`` (create or upgrade) and ``db upgrade --shared`` (upgrade only): see
    :func:`mimdesk.sync.admin.manage_shared`."""
    from mimdesk.sync.admin import manage_shared

    def warn(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    manage_shared(
        _target(_settings(), args),
        create=create,
        role=role,
        say=print,
        warn=warn,
        per_person=per_person,
    )
    return 0


def cmd_db_password(_app: Any, args: argparse.Namespace) -> int:
    import getpass

    from mimdesk.sync.target import store_password

    tgt = _target(_settings(), args)
    if sys.stdin.isatty():
        secret = getpass.getpass(f"Password for {tgt.display}: ")
    else:
        secret = sys.stdin.readline().rstrip("\n")
    if not secret:
        raise InvalidInput("No password given.", "")
    try:
        store_password(tgt, secret)
    except Exception as exc:
        raise InvalidInput(
            f"The OS keyring did not take the password: {exc}", "Check the keyring service."
        ) from None
    print(f"Stored the password for {tgt.keyring_name} in the OS keyring (service MIMDesk).")
    return 0


# ---- sync ------------------------------------------------------------------------------


def _service(app: Any, **options: Any) -> Any:
    options.setdefault("timeouts", _timeouts())
    return app.sync_service(**options)


def cmd_sync(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.sync import Incompatible

    _target(app.settings, args)
    service = _service(app)
    if not args.once:
        return _run_agent(service, quiet=False)
    try:
        outcome = service.run_once()
    except Incompatible as exc:
        print(f"mimdesk: {exc}", file=sys.stderr)
        return exitcodes.INCOMPATIBLE
    except Exception as exc:
        from mimdesk.sync.service import BUSY_MESSAGE, describe_error, is_busy

        if is_busy(exc):
            print(f"mimdesk: {BUSY_MESSAGE.split(';')[0]}; try again.", file=sys.stderr)
            return exitcodes.BUSY
        print(
            f"mimdesk: the shared database is unreachable: {describe_error(exc)}", file=sys.stderr
        )
        return exitcodes.UNREACHABLE
    status = service.status()
    if args.json:
        print(
            json.dumps(
                {
                    "pushed": outcome.pushed,
                    "acknowledged": outcome.acknowledged,
                    "pulled": outcome.pulled,
                    "head": outcome.head,
                    "cursor": outcome.cursor,
                    "pending": status.pending,
                    "clock_skew_ms": status.clock_skew_ms,
                    "skew_warning": status.skew_warning,
                    "repaired": list(outcome.repaired),
                    "alarm": status.message,
                }
            )
        )
    else:
        print(
            f"Pushed {outcome.pushed} events, fetched {outcome.pulled}; "
            f"{status.pending} not shared; shared log at {outcome.head}."
        )
        if status.skew_warning:
            print(
                f"Warning: this computer's clock is off by "
                f"{abs(status.clock_skew_ms or 0) / 1000:.0f} s from the shared database's.",
                file=sys.stderr,
            )
    if status.message:
        print(f"Warning: {status.message}.", file=sys.stderr)
    return 0


def cmd_sync_agent(app: Any, args: argparse.Namespace) -> int:
    _target(app.settings, args)
    options: dict[str, Any] = {"poll_interval": args.poll}
    if args.anti_entropy is not None:
        options["repair_interval"] = max(1.0, args.anti_entropy)
    service = _service(app, **options)
    return _run_agent(service, quiet=args.quiet)


def _run_agent(service: Any, *, quiet: bool) -> int:
    done = threading.Event()

    def on_signal(_sig: int, _frame: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if not quiet:

        def show(status: Any) -> None:
            print(status.describe(), flush=True)

        service.add_listener(show)
    service.start()
    try:
        while not done.wait(0.5):
            pass
    finally:
        service.stop()
    return 0


# ---- doctor ----------------------------------------------------------------------------


def cmd_state_digest(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.sync.digest import local_digest

    print(json.dumps(local_digest(app.log), sort_keys=True))
    return 0


def cmd_doctor(app: Any, args: argparse.Namespace) -> int:
    if getattr(args, "paths", False):
        return _cmd_doctor_paths(args)
    if app is None:
        # Run as the other commands are: open the database, then come back here with it.
        from mimdesk.cli import _run

        return _run(args)
    from mimdesk.sync import doctor

    report: dict[str, Any] = {"version": __version__}
    settings = app.settings
    report["settings"] = dict(sorted(settings.sources.items()))
    report["warnings"] = list(settings.warnings)
    report["local"] = doctor.local_report(app.log, app.database)
    report["backups"] = _backups_report(app)
    report["record"] = _record_report(app)
    record = report["record"]
    failed = bool(report["backups"]["problem"]) or bool(
        record["alarms"] or record["logins_of_another"]
    )
    try:
        tgt = _target(settings, args, required=False)
    except InvalidInput as exc:
        tgt = None
        report["shared"] = {"error": str(exc)}
        failed = True
    if tgt is not None:
        report["shared"], problem = doctor.shared_report(
            tgt, timeouts=_timeouts(), pull_cursor=report["local"]["pull_cursor"]
        )
        failed = failed or problem
    elif "shared" not in report:
        report["shared"] = None
    if getattr(args, "json", False):
        print(json.dumps(report, indent=2, default=str))
        return exitcodes.FAILED if failed else exitcodes.OK
    _print_doctor(report)
    return exitcodes.FAILED if failed else exitcodes.OK


def _cmd_doctor_paths(args: argparse.Namespace) -> int:
    """``doctor --paths``: the places, read from the settings without opening the database."""
    from dataclasses import asdict

    from mimdesk import config, places
    from mimdesk.paths import default_paths

    paths = default_paths()
    settings = config.load_settings(paths)
    found = places.places(paths, settings, db=args.db)
    if getattr(args, "json", False):
        print(json.dumps([asdict(p) for p in found], indent=2))
        return exitcodes.OK
    print("Folders and files MIM Desk uses (where each comes from):")
    for line in places.lines(found):
        print(f"  {line}")
    for warning in settings.warnings:
        print(f"  warning: {warning}")
    return exitcodes.OK


def _backups_report(app: Any) -> dict[str, Any]:
    from mimdesk.usecases import backups

    ready = backups.readiness(app.database, app.paths, app.settings)
    newest = ready.newest
    return {
        "folder": str(ready.folder),
        "keep": ready.keep,
        "count": ready.count,
        "newest": newest.taken_at.isoformat() if newest else None,
        "newest_file": str(newest.path) if newest else None,
        "problem": ready.problem,
    }


def _record_report(app: Any) -> dict[str, Any]:
    """This desk's signing key, the desks whose keys it pinned, the findings it raised."""
    from mimdesk.usecases import directory, record

    key = record.key_report(app.ctx)
    return {
        "key": key.place or None,
        "key_problem": key.problem,
        "fingerprint": key.fingerprint or None,
        "desks_pinned": key.desks_pinned,
        "logins_of_another": [
            {"event_id": e, "author": a, "login": login}
            for e, a, login in directory.logins_of_another(app.ctx)
        ],
        "alarms": [
            {
                "kind": f.kind,
                "event_id": f.event_id,
                "desk_id": f.desk_id,
                "reference": f.reference,
                "what": f.what,
                "found_at": f.found_at.isoformat(),
                "here": f.here,
                "shown": f.shown,
                "lines": f.lines(100),
            }
            for f in record.findings(app.ctx)
        ],
    }


def _print_record(info: dict[str, Any]) -> None:
    from mimdesk.terminal import warn_line

    if info["key"]:
        print(f"Signing key: in {info['key']} (fingerprint {info['fingerprint']})")
    elif info["key_problem"]:
        print(f"Signing key: none; new entries are not signed ({info['key_problem']})")
    else:
        print("Signing key: not made yet (the desk makes it at its first entry)")
    desks = info["desks_pinned"]
    print(f"  keys pinned for {desks} desk{'' if desks == 1 else 's'}")
    others = info["logins_of_another"]
    if others:
        warn_line(
            sys.stdout,
            f"  {len(others)} entr{'y' if len(others) == 1 else 'ies'} written through a "
            "database login that is not the author's",
        )
        for item in others[:10]:
            print(f"    event {item['event_id']}: {item['author']} via login {item['login']}")
    for alarm in info["alarms"]:
        first, *rest = alarm["lines"]
        warn_line(sys.stdout, f"  SHARED RECORD ALTERED: {first}")
        for line in rest:
            print(f"  {line}")


def _print_backups(info: dict[str, Any]) -> None:
    print(f"Backups: {info['folder']} (the newest {info['keep']} automatic ones are kept)")
    if info["newest"]:
        print(f"  {info['count']} found; the newest taken {info['newest']}: {info['newest_file']}")
    else:
        print("  none yet (the window takes one when it opens, then one a day)")
    if info["problem"]:
        print(f"  PROBLEM: {info['problem']}")


def _print_doctor(report: dict[str, Any]) -> None:
    print(f"MIM Desk {report['version']}")
    print("Settings in force (key: layer):")
    for key, layer in report["settings"].items():
        print(f"  {key}: {layer}")
    for warning in report["warnings"]:
        print(f"  warning: {warning}")
    local = report["local"]
    print(f"Local database: {local['path']}")
    print(f"  schema {local['schema']} (newest this MIM Desk knows: {local['newest_known']})")
    print(f"  {local['events']} events, {local['pending']} not yet shared")
    print(f"  last good sync: {local['last_good_sync'] or 'never'}")
    if local.get("last_error"):
        print(f"  last sync error: {local['last_error']}")
    if local.get("alarm"):
        print(f"  ALARM: {local['alarm']}")
    for r in local.get("skipped", []):
        print(f"  not loaded: seq {r['seq']} ({r['event_id']}), {r['bytes']} bytes: {r['why']}")
    for event_id, reason in local.get("refused", {}).items():
        print(f"  refused by the shared database: {event_id}: {reason}")
    _print_backups(report["backups"])
    _print_record(report["record"])
    info = report["shared"]
    if info is None:
        print("Shared database: none (this desk works alone)")
        return
    if "url" not in info:
        print(f"Shared database: {info.get('error')}")
        return
    print(f"Shared database: {info['url']} (from {info['from']})")
    if not info["reachable"]:
        print(f"  unreachable: {info['error']}")
        return
    print(f"  reachable in {info['connect_ms']} ms: {info['server']}")
    print(
        f"  schema version {info['schema_version']} (revision {info['revision']}); "
        f"this desk knows {info['known_schema_version']}"
    )
    if info.get("head") is not None:
        print(f"  shared log at seq {info['head']}; {info.get('to_fetch', 0)} to fetch")
    print(f"  clock offset to the server: {info['clock_offset_ms']} ms")
    if info.get("login_mode") == "per-person":
        print("  logins: one for each person; the server stamps each entry with its login")
    elif info.get("login_mode"):
        print(
            "  logins: shared desk logins; the server cannot tell people apart "
            "('mimdesk db init --shared URL --per-person' gives each person one)"
        )
    rewrites = info.get("can_alter_history")
    if rewrites:
        from mimdesk.terminal import warn_line

        warn_line(
            sys.stdout,
            f"  WARNING: this login can {' and '.join(v.lower() for v in rewrites)} events, so "
            "it could change the record unseen; desks should log in with the desk role "
            f"({DEFAULT_DESK_ROLE} unless IT named another)",
        )
    if info.get("problem"):
        print(f"  PROBLEM: {info['problem']}")
