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

from mimdesk import __version__
from mimdesk.errors import InvalidInput, MimDeskError

STANDALONE: set[str] = set()

Handler = Callable[[Any, argparse.Namespace], int]


class SharedUnavailable(MimDeskError):
    pass


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
        help="also create a group role for desk logins: read events, append through the "
        "server-side step, nothing else",
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
    return _manage_shared(args, create=True, role=getattr(args, "create_role", None))


def cmd_db_upgrade(_app: Any, args: argparse.Namespace) -> int:
    if not getattr(args, "shared", None):
        from mimdesk import cli

        return cli._run(args)  # this desk's own database, as before
    return _manage_shared(args, create=False, role=None)


def _manage_shared(args: argparse.Namespace, *, create: bool, role: str | None) -> int:
    """``db init`` (create or upgrade) and ``db upgrade --shared`` (upgrade only): migrate under
    the upgrade lock, set the server's session defaults, and leave every desk role with desk
    rights only."""
    from sqlalchemy.exc import DBAPIError

    from mimdesk.store import shared
    from mimdesk.sync.target import Timeouts, make_engine

    tgt = _target(_settings(), args)
    if role is not None:
        try:
            shared.check_role_name(role)
        except ValueError as exc:
            raise InvalidInput(str(exc), "Use letters, digits and _ only.") from None
    engine = make_engine(
        tgt, application_name="mimdesk-admin", timeouts=Timeouts(statement=600.0, lock=60.0)
    )
    try:
        with engine.connect() as conn:
            meta = shared.read_meta(conn)
            before = shared.current_revision(conn)
            conn.rollback()
            _refuse_unknown(tgt.display, meta, before)
            if before is None and not create:
                raise InvalidInput(
                    f"{tgt.display} holds no MIM Desk schema to upgrade.",
                    "Create it with 'mimdesk db init --shared URL'.",
                )

            def waiting() -> None:
                print(
                    f"{tgt.display}: another administrator is upgrading it; waiting...",
                    file=sys.stderr,
                    flush=True,
                )

            def migrate() -> None:
                # Read again under the lock: the other administrator may have just finished.
                _refuse_unknown(tgt.display, shared.read_meta(conn), shared.current_revision(conn))
                shared.upgrade(conn)

            try:
                shared.locked_upgrade(conn, on_wait=waiting, body=migrate)
            except shared.UpgradeBusy:
                raise SharedUnavailable(
                    f"{tgt.display}: another administrator's upgrade has held it for 2 minutes.",
                    "Try again when it has finished; nothing was changed.",
                ) from None
            after = shared.current_revision(conn)
            conn.rollback()
            if before == after:
                print(f"{tgt.display}: shared schema {after} is current.")
            elif before is None:
                print(f"{tgt.display}: created the shared schema ({after}).")
            else:
                print(f"{tgt.display}: upgraded the shared schema {before} -> {after}.")
            _session_defaults(conn, tgt.display)
            roles = shared.desk_roles(conn)
            if role:
                roles = shared.record_desk_role(conn, role)
            taken = shared.harden_grants(conn, roles)
            for grantee, privileges in sorted(taken.items()):
                print(
                    f"{grantee}: took away {', '.join(sorted(privileges))}; it now has desk "
                    "rights (read events, append through the server-side step)."
                )
            if role:
                grant = (
                    f'GRANT "{role}" TO <login>;'
                    if conn.dialect.name == "postgresql"
                    else f"GRANT `{role}` TO <login>; SET DEFAULT ROLE `{role}` FOR <login>;"
                )
                print(
                    f"Role {role}: may read events and append them through the server-side "
                    f"step, nothing else. Grant it to each desk's login: {grant}"
                )
    except DBAPIError as exc:
        raise SharedUnavailable(
            f"Could not use {tgt.display}: {' '.join(str(exc.orig or exc).split())[:300]}",
            "Check the URL, the network, the password in the keyring ('mimdesk db password') "
            "and that this login owns the database.",
        ) from None
    finally:
        engine.dispose()
    return 0


def _refuse_unknown(display: str, meta: dict[str, str], revision: str | None) -> None:
    from mimdesk.store import shared

    version = shared.schema_version(meta)
    if version is not None and version > shared.SCHEMA_VERSION:
        raise InvalidInput(
            f"{display} has shared schema version {version}, newer than this MIM Desk knows "
            f"({shared.SCHEMA_VERSION}).",
            "Use the newer MIM Desk to manage it.",
        )
    if revision is not None and revision not in shared.KNOWN_REVISIONS:
        raise InvalidInput(
            f"{display} is at shared schema revision {revision}, unknown here.",
            "Use the newer MIM Desk to manage it.",
        )


def _session_defaults(conn: Any, display: str) -> None:
    """Server-side defaults for the session timeouts desks set themselves (older desks and
    other clients get them too). Needs the database's owner; says so when refused."""
    from sqlalchemy.exc import DBAPIError

    from mimdesk.store import shared

    statements = shared.session_defaults_sql(conn)
    try:
        for statement in statements:
            conn.exec_driver_sql(statement)
        conn.commit()
    except DBAPIError:
        conn.rollback()
        print(
            f"{display}: could not set the session defaults (only the database's owner may); "
            "ask the DBA to run: " + "; ".join(statements),
            file=sys.stderr,
        )
        return
    if statements:
        settings = ", ".join(f"{k}={v}" for k, v in shared.SESSION_DEFAULTS.items())
        print(f"{display}: session defaults for every login of this database: {settings}.")


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
        return 3
    except Exception as exc:
        from mimdesk.sync.service import BUSY_MESSAGE, describe_error, is_busy

        if is_busy(exc):
            print(f"mimdesk: {BUSY_MESSAGE.split(';')[0]}; try again.", file=sys.stderr)
            return 5
        print(
            f"mimdesk: the shared database is unreachable: {describe_error(exc)}", file=sys.stderr
        )
        return 4
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
    from mimdesk.store import migrate, shared
    from mimdesk.sync import ledger, target
    from mimdesk.sync.protocol import SKEW_WARNING_MS, probe

    report: dict[str, Any] = {"version": __version__}
    settings = app.settings
    report["settings"] = dict(sorted(settings.sources.items()))
    report["warnings"] = list(settings.warnings)
    with app.log.engine.connect() as conn:
        report["local"] = {
            "path": str(app.database),
            "schema": migrate.current_revision(conn),
            "newest_known": migrate.HEAD,
        }
    state = app.log.sync_state()
    report["local"]["pending"] = app.log.pending_count()
    report["local"]["events"] = app.log.count_events()
    report["local"]["last_good_sync"] = state.get("last_ok_at")
    report["local"]["last_error"] = state.get("last_error")
    report["local"]["pull_cursor"] = int(state.get("pull_cursor", "0") or 0)
    report["local"]["holes"] = ledger.holes(state)
    report["local"]["skipped"] = [
        {"seq": r.seq, "event_id": r.event_id, "bytes": r.size, "why": r.why}
        for r in sorted(ledger.skipped(state).values(), key=lambda r: r.seq)
    ]
    report["local"]["refused"] = ledger.refused(state)
    report["local"]["alarm"] = ledger.alarm(state)
    failed = False
    try:
        tgt = _target(settings, args, required=False)
    except InvalidInput as exc:
        tgt = None
        report["shared"] = {"error": str(exc)}
        failed = True
    if tgt is not None:
        engine = target.make_engine(tgt, application_name="mimdesk-doctor", timeouts=_timeouts())
        try:
            found = probe(engine)
        finally:
            engine.dispose()
        info: dict[str, Any] = {"url": tgt.display, "from": tgt.source, "reachable": found.ok}
        if found.ok:
            info.update(
                server=found.server,
                connect_ms=round(found.connect_ms, 1),
                revision=found.revision,
                schema_version=found.schema_version,
                min_client_schema=found.min_client_schema,
                known_schema_version=shared.SCHEMA_VERSION,
                head=found.head,
                clock_offset_ms=found.clock_offset_ms,
            )
            if found.head is not None:
                info["to_fetch"] = max(0, found.head - report["local"]["pull_cursor"])
            if found.schema_version is None:
                info["problem"] = "no MIM Desk schema: run 'mimdesk db init --shared URL'"
                failed = True
            elif found.schema_version < shared.SCHEMA_VERSION:
                info["problem"] = (
                    f"schema version {found.schema_version}, older than this desk needs "
                    f"({shared.SCHEMA_VERSION}): IT runs 'mimdesk db upgrade --shared URL'"
                )
                failed = True
            elif (found.min_client_schema or 0) > shared.SCHEMA_VERSION:
                info["problem"] = (
                    f"schema version {found.schema_version} needs MIM Desk schema version "
                    f"{found.min_client_schema} or newer; this desk knows "
                    f"{shared.SCHEMA_VERSION}: install the newer MIM Desk"
                )
                failed = True
            if found.clock_offset_ms is not None and abs(found.clock_offset_ms) > SKEW_WARNING_MS:
                info["problem"] = "this computer's clock is more than 5 minutes off"
                failed = True
        else:
            info["error"] = found.error
            failed = True
        report["shared"] = info
    elif "shared" not in report:
        report["shared"] = None
    if getattr(args, "json", False):
        print(json.dumps(report, indent=2, default=str))
        return 1 if failed else 0
    _print_doctor(report)
    return 1 if failed else 0


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
    if info.get("problem"):
        print(f"  PROBLEM: {info['problem']}")
