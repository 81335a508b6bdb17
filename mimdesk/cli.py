"""``mimdesk``: the GUI, and headless subcommands for scripts, IT and tests.

Every command takes ``--db PATH``. Errors print one line on stderr and exit with status 2;
there is never a traceback for a problem the user can fix.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mimdesk import __version__
from mimdesk.errors import InvalidInput, MimDeskError

EXIT_USER_ERROR = 2


def _parse_when(text: str) -> datetime:
    """ISO-8601 with a zone, or a local 'YYYY-MM-DD HH:MM', or 'HH:MM' today (local)."""
    text = text.strip()
    try:
        if len(text) <= 5 and ":" in text:
            hour, minute = (int(p) for p in text.split(":"))
            return (
                datetime.now()
                .astimezone()
                .replace(hour=hour, minute=minute, second=0, microsecond=0)
            )
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a time.", "Use 'HH:MM', 'YYYY-MM-DD HH:MM' or ISO-8601."
        ) from None
    return value if value.tzinfo else value.astimezone()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mimdesk",
        description="MIM Desk: run a major incident. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"MIM Desk {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="use this database file instead of the default"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="open the app (the default)")
    sub.add_parser("demo", help="add realistic demo incidents to the database")

    p = sub.add_parser("list", help="one incident a line: reference, status, severity, title")
    p.add_argument("--filter", default="all", choices=["active", "candidates", "recent", "all"])
    p.add_argument("--search", default="", help="words that must all appear")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("show", help="an incident's state, roles and clocks")
    p.add_argument("ref", help="the incident reference, e.g. MI-7KQ4F")
    p.add_argument("--timeline", action="store_true", help="print the timeline too")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("new", help="report an incident")
    p.add_argument("title")
    p.add_argument("--impact", default="")
    p.add_argument("--severity", default="")
    p.add_argument("--users", type=int, default=None, help="users affected (estimate)")
    p.add_argument("--service", action="append", default=[], help="an affected service")

    p = sub.add_parser("note", help="add a note to an incident's timeline")
    p.add_argument("ref")
    p.add_argument("text")
    p.add_argument("--kind", default="observation")
    p.add_argument("--at", help="when it happened, to back-date it (local time or ISO-8601)")

    p = sub.add_parser("status", help="move an incident to another status")
    p.add_argument("ref")
    p.add_argument("status")
    p.add_argument("--reason", default="")
    p.add_argument("--at", help="when it happened (local time or ISO-8601)")

    p = sub.add_parser("set", help="change a field or key time of an incident")
    p.add_argument("ref")
    p.add_argument("field")
    p.add_argument("value", help="the new value; for a key time, a time or 'none'")

    p = sub.add_parser("assign", help="put a person in a role")
    p.add_argument("ref")
    p.add_argument("role", help="role id, e.g. mim, tech_lead")
    p.add_argument("person")
    p.add_argument("--note", default="")

    p = sub.add_parser("release", help="release a role")
    p.add_argument("ref")
    p.add_argument("role")
    p.add_argument("--note", default="")

    db = sub.add_parser("db", help="database maintenance")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dbsub.add_parser("upgrade", help="upgrade the database schema (also done at start)")
    dbsub.add_parser("rebuild", help="rebuild the incident lists from the event log")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from mimdesk.gui.main import run_gui

        return run_gui(db=args.db)
    try:
        return _run(args)
    except MimDeskError as exc:
        print(f"mimdesk: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    from mimdesk.app import open_app

    app = open_app(db=args.db)
    try:
        if app.backup:
            print(f"Upgraded the database; the copy from before is {app.backup}", file=sys.stderr)
        handler = _COMMANDS[args.command]
        return handler(app, args)
    finally:
        app.close()


def _cmd_demo(app: Any, args: argparse.Namespace) -> int:
    from mimdesk import demo

    refs = demo.load(app.ctx)
    print("Added demo incidents: " + ", ".join(refs))
    return 0


def _cmd_list(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import incidents

    rows = incidents.list_incidents(app.ctx, args.filter, args.search)
    if args.json:
        out = [
            {
                "reference": s.reference,
                "status": s.status.value,
                "severity": s.severity,
                "title": s.title,
                "mim": s.mim,
                "reported_at": s.reported_at.isoformat() if s.reported_at else None,
                "updated_at": s.updated_at.isoformat() if s.updated_at else None,
            }
            for s in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("No incidents." if not args.search else "No incident matches.")
    width = max((len(s.reference) for s in rows), default=8)
    for s in rows:
        print(f"{s.reference:<{width}}  {s.status.value:<13}  {s.severity or '-':<5}  {s.title}")
    return 0


def _cmd_show(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import incidents, report_text

    view = incidents.get(app.ctx, args.ref)
    if args.json:
        print(json.dumps(report_text.as_dict(view, app.ctx.now()), ensure_ascii=False, indent=2))
        return 0
    print(report_text.show(view, app.ctx.now(), app.settings, timeline=args.timeline))
    return 0


def _cmd_new(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import incidents

    summary, _ = incidents.report(
        app.ctx,
        title=args.title,
        impact=args.impact,
        severity=args.severity,
        users_affected=args.users,
        services=args.service,
    )
    print(summary.reference)
    return 0


def _cmd_note(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import timeline

    at = _parse_when(args.at) if args.at else None
    timeline.add_note(app.ctx, reference=args.ref, text=args.text, kind=args.kind, occurred_at=at)
    return 0


def _cmd_status(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import incidents

    at = _parse_when(args.at) if args.at else None
    incidents.change_status(
        app.ctx, reference=args.ref, to=args.status.lower(), reason=args.reason, occurred_at=at
    )
    return 0


def _cmd_set(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.domain import keytimes
    from mimdesk.usecases import incidents

    value: Any = args.value
    if args.field in keytimes.KEY_TIMES:
        value = None if value.lower() in ("none", "") else _parse_when(value)
    elif args.field == "users_affected":
        try:
            value = None if value.lower() in ("none", "") else int(value.replace(",", ""))
        except ValueError:
            raise InvalidInput(f"{value!r} is not a number.", "Give a whole number.") from None
    elif args.field == "services":
        value = [s.strip() for s in value.split(",")]
    incidents.change_field(app.ctx, reference=args.ref, field=args.field, value=value)
    return 0


def _cmd_assign(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import roles

    roles.assign(app.ctx, reference=args.ref, role=args.role, person=args.person, note=args.note)
    return 0


def _cmd_release(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import roles

    roles.release(app.ctx, reference=args.ref, role=args.role, note=args.note)
    return 0


def _cmd_db(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import maintenance

    if args.db_command == "upgrade":
        print(maintenance.upgrade_message(app))
        return 0
    count = maintenance.rebuild(app.ctx)
    print(f"Rebuilt the incident list from the log: {count} incidents.")
    return 0


_COMMANDS = {
    "demo": _cmd_demo,
    "list": _cmd_list,
    "show": _cmd_show,
    "new": _cmd_new,
    "note": _cmd_note,
    "status": _cmd_status,
    "set": _cmd_set,
    "assign": _cmd_assign,
    "release": _cmd_release,
    "db": _cmd_db,
}


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
