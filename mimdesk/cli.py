"""``mimdesk``: the GUI, and headless subcommands for scripts, IT and tests.

Every command takes ``--db PATH``. Errors print one line on stderr and exit with status 2;
there is never a traceback for a problem the user can fix.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from mimdesk import __version__, cli_parsers, exitcodes
from mimdesk.errors import InvalidInput, MimDeskError, NotInDirectory

EXIT_USER_ERROR = exitcodes.USER_ERROR

Handler = Callable[[Any, argparse.Namespace], int]


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


# Feature modules that add their own subcommands, and the commands each adds. Each has
#   add_parsers(sub) -> dict[str, Callable[[App | None, argparse.Namespace], int]]
# and may list in STANDALONE the commands that run without opening the local database.
# A command line imports only the module of its own command; tests/cli/test_lazy_imports.py
# holds these names to what the modules add.
FEATURE_COMMANDS: dict[str, tuple[str, ...]] = {
    "mimdesk.cli_sync": ("sync", "sync-agent", "doctor", "state-digest"),
    "mimdesk.cli_postmortem": ("postmortem", "followup", "followups", "report", "export", "import"),
    "mimdesk.cli_comms": (
        "draft",
        "drafts",
        "approve",
        "mark-sent",
        "send",
        "outbox",
        "lists",
        "secret",
    ),
    "mimdesk.cli_backup": ("backup", "restore", "verify"),
}

# Core commands whose handlers live in a module of their own, each module with
#   HANDLERS: dict[str, Callable[[App, argparse.Namespace], int]]
# Their parsers stay in cli_parsers, in their place in --help; as with the feature modules, a
# command line imports only the module of its own command.
CORE_HANDLER_MODULES: dict[str, tuple[str, ...]] = {
    "mimdesk.cli_declaration": ("assess", "declare", "reject", "severity", "candidates", "stats"),
}

# command_named's answer when only the whole parser can say what a command line means.
WHOLE = "*"
# Incident files the app opens when named instead of a command (``mimdesk FILE.mimdesk``): its
# own file type, and the plain JSON of older exports.
INCIDENT_FILE_SUFFIXES = (".mimdesk", ".json")


def _feature_modules(names: Sequence[str] = tuple(FEATURE_COMMANDS)) -> list[Any]:
    import importlib

    return [importlib.import_module(name) for name in names]


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, None when it names none (the app, ``--version``), or
    ``WHOLE`` for anything else: help, an abbreviated option, an unknown word, a mistake."""
    known = {*cli_parsers.CORE_COMMANDS, *(n for c in FEATURE_COMMANDS.values() for n in c), "db"}
    valued = tuple(f"{option}=" for option in cli_parsers.ROOT_VALUE_OPTIONS)
    tokens = iter(argv)
    for token in tokens:
        if token in cli_parsers.ROOT_VALUE_OPTIONS:
            next(tokens, None)
        elif token in cli_parsers.ROOT_FLAGS or token.startswith(valued):
            continue
        elif token.startswith("-"):
            return WHOLE
        else:
            return token if token in known else WHOLE
    return None


def incident_file_named(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """``mimdesk [--db PATH] FILE.mimdesk``: the command line without the file, and the file.

    This is how the system opens a double-clicked incident file, and how a person can. Only
    a name with an incident file's suffix, where a command would be and with no command, is
    taken for one; any other command line comes back whole, with None."""
    whole = list(argv)
    if command_named(whole) != WHOLE:
        return whole, None
    valued = tuple(f"{option}=" for option in cli_parsers.ROOT_VALUE_OPTIONS)
    index = 0
    while index < len(whole):
        token = whole[index]
        if token in cli_parsers.ROOT_VALUE_OPTIONS:
            index += 2
        elif token in cli_parsers.ROOT_FLAGS or token.startswith(valued):
            index += 1
        elif token.startswith("-") or not token.lower().endswith(INCIDENT_FILE_SUFFIXES):
            return whole, None
        else:
            rest = whole[:index] + whole[index + 1 :]
            return (rest, token) if command_named(rest) is None else (whole, None)
    return whole, None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given ``argv``, only the part of it that ``argv`` uses.

    A start then builds the parsers of its own command and imports only that command's
    module, not the other fifty commands'. A command's parser is the same either way, and
    anything :func:`command_named` cannot place builds the whole tree, so that help and error
    messages are the same too.
    """
    parser = cli_parsers.root_parser(__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = WHOLE if argv is None else command_named(argv)
    if wanted is None:
        return parser
    if wanted == WHOLE:
        families: Sequence[Any] = cli_parsers.CORE_FAMILIES
        features = _feature_modules()
    else:
        core = cli_parsers.CORE_COMMANDS.get(wanted)
        families = [core] if core is not None else []
        features = _feature_modules(
            [module for module, names in FEATURE_COMMANDS.items() if wanted in names]
        )
    for add_family in families:
        add_family(sub)

    for module in features:
        for name, handler in module.add_parsers(sub).items():
            _COMMANDS[name] = handler
            if name in getattr(module, "STANDALONE", ()):
                _STANDALONE.add(name)

    if wanted not in (WHOLE, "db"):
        return parser
    dbsub = cli_parsers.add_db_parsers(sub)
    # Feature modules may add database actions that run without the local database:
    #   add_db_parsers(dbsub) -> dict[str, Callable[[None, argparse.Namespace], int]]
    for module in _feature_modules():
        if hasattr(module, "add_db_parsers"):
            _DB_STANDALONE.update(module.add_db_parsers(dbsub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from mimdesk.terminal import clean_output

    try:
        # Titles, notes and names from any desk reach the terminal through every command, and
        # argparse repeats what was typed: no control character in them goes out raw.
        with clean_output():
            code = _main(argv)
            sys.stdout.flush()  # here, where a reader that went away is caught
            return code
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """``mimdesk list | head``: the reader has what it wanted and closed the pipe. End quietly
    (what was written was whole up to there), and point stdout at nothing, as Python's
    documentation advises, so that the flush at exit finds no pipe to fail on."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # no file descriptor to point elsewhere (stdout replaced): nothing is flushed
    return exitcodes.PIPE_CLOSED


def _main(argv: Sequence[str] | None) -> int:
    given, incident_file = incident_file_named(sys.argv[1:] if argv is None else argv)
    args = build_parser(given).parse_args(given)
    if args.self_test:
        from mimdesk import selftest

        return selftest.main()
    if args.command in (None, "gui"):
        from mimdesk.gui.main import run_gui

        if incident_file is not None:
            return run_gui(db=args.db, open_file=incident_file)
        return run_gui(db=args.db)
    try:
        if args.command == "config":
            return _cmd_config_check(args)
        if args.command in _STANDALONE:
            return _COMMANDS[args.command](None, args)
        if args.command == "db" and args.db_command in _DB_STANDALONE:
            return _DB_STANDALONE[args.db_command](None, args)
        return _run(args)
    except MimDeskError as exc:
        # One line, even when a detail (SQLite's integrity report, a path) holds newlines.
        print("mimdesk: " + " ".join(str(exc).splitlines()), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return exitcodes.INTERRUPTED


# Commands that only read the database: on a file (or folder) this user may not write they
# open it read-only instead of refusing. A command that writes after all fails clearly.
READ_ONLY_COMMANDS = frozenset(
    {
        "verify",
        "list",
        "show",
        "people",
        "candidates",
        "stats",
        "services",
        "followups",
        "report",
        "export",
        "draft",
        "cards",
        "state-digest",
    }
)


def _reads_only(args: argparse.Namespace) -> bool:
    """Whether this command line only reads: some commands show, or change when given more."""
    if args.command in READ_ONLY_COMMANDS:
        return True
    if args.command == "postmortem":
        return args.field is None
    if args.command == "outbox":
        return not args.deliver
    if args.command == "lists":
        return args.audience is None
    return False


def _run(args: argparse.Namespace) -> int:
    from mimdesk.app import open_app
    from mimdesk.errors import DatabaseUnwritable

    shared = getattr(args, "shared", None)
    try:
        app = open_app(db=args.db, shared=shared)
    except DatabaseUnwritable as exc:
        if not _reads_only(args) or not exc.path.is_file():
            raise
        app = open_app(db=args.db, shared=shared, read_only=True)
    try:
        if app.backup:
            print(f"Upgraded the database; the copy from before is {app.backup}", file=sys.stderr)
        if not app.settings.display_name and not _reads_only(args) and sys.stderr.isatty():
            _say_who_signs(app)
        return _handler(args.command)(app, args)
    finally:
        app.close()


def _say_who_signs(app: Any) -> None:
    """Entries made before this user gave a name are signed with the account: a person at a
    terminal is told so, once a command, instead of the record saying "root" unseen."""
    print(
        f"mimdesk: signing as the account {app.ctx.author.login or 'unknown'}: no name is set "
        "for this user (the window asks at its first start; or set [user] display_name in "
        f"{app.paths.user_settings})",
        file=sys.stderr,
    )


def _handler(command: str) -> Handler:
    """The function that runs ``command``, from its own module if it has one."""
    import importlib

    for module, names in CORE_HANDLER_MODULES.items():
        if command in names:
            handlers: dict[str, Handler] = importlib.import_module(module).HANDLERS
            return handlers[command]
    return _COMMANDS[command]


def _cmd_demo(app: Any, args: argparse.Namespace) -> int:
    from mimdesk import demo

    refs = demo.load(app.ctx, settings=app.settings)
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
        shown = report_text.as_dict(view, app.ctx.now(), app.ctx.vocab, timeline=args.timeline)
        print(json.dumps(shown, ensure_ascii=False, indent=2))
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

    _taking_over(
        lambda: roles.assign(
            app.ctx,
            reference=args.ref,
            role=args.role,
            person=args.person,
            note=args.note,
            override=args.override,
        )
    )
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


def _cmd_config_check(args: argparse.Namespace) -> int:
    from mimdesk import configcheck

    report = configcheck.check_file(Path(args.path), templates=True)
    for error in (*report.errors, *report.template_errors):
        print(f"{args.path}: error: {error}", file=sys.stderr)
    for warning in report.warnings:
        print(f"{args.path}: warning: {warning}")
    if report.ok:
        print(
            f"{args.path}: OK" + (f" ({len(report.warnings)} warnings)" if report.warnings else "")
        )
        return 0
    if report.errors:
        print(
            f"{args.path}: {len(report.errors)} error(s); the app would ignore this file.",
            file=sys.stderr,
        )
    else:
        print(
            f"{args.path}: {len(report.template_errors)} template problem(s); drafts that use "
            "those templates would fail.",
            file=sys.stderr,
        )
    return exitcodes.FAILED


def _cmd_services(app: Any, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from mimdesk.usecases import directory

    rows = directory.services(app.ctx)
    if args.json:
        print(json.dumps([asdict(s) for s in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("The service catalogue is empty. Add services with 'mimdesk service NAME'.")
    for s in rows:
        flags = [
            f
            for f, on in (
                ("critical", s.critical),
                ("revenue", s.revenue),
                ("external", s.external),
            )
            if on
        ]
        users = f"{s.users:,} users" if s.users is not None else "users unknown"
        print(f"{s.name}  tier {s.tier}  {users}  {' '.join(flags)}  owner: {s.owner or '—'}")
    return 0


def _cmd_service(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import directory

    existing = directory.directory(app.ctx).by_name(args.name)
    if args.retire:
        if existing is None:
            raise InvalidInput(f"No service named {args.name!r}.", "See 'mimdesk services'.")
        directory.retire_service(app.ctx, service_id=existing.id)
        return 0
    directory.save_service(
        app.ctx,
        name=args.name,
        service_id=existing.id if existing else None,
        tier=args.tier,
        owner=args.owner,
        critical=args.critical,
        revenue=args.revenue,
        external=args.external,
        users=args.users,
    )
    return 0


def _cmd_handover(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import roles

    _taking_over(
        lambda: roles.handover(
            app.ctx,
            reference=args.ref,
            role=args.role,
            to=args.person,
            note=args.note,
            override=args.override,
        )
    )
    return 0


def _taking_over(change: Callable[[], object]) -> None:
    """Make a role change; one refused for want of a reason to take the role over says how
    to give one here."""
    from mimdesk.errors import NotEntitled

    try:
        change()
    except NotEntitled as refused:
        if not refused.overridable:
            raise
        raise NotEntitled(
            refused.message,
            "Ask them, or give your reason for taking it over with --override REASON: the "
            "handover note records it.",
            overridable=True,
        ) from None


def _cmd_duty(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import roles

    definition = app.settings.role(args.role)
    duty = args.duty
    if definition is not None and duty.isdigit() and 1 <= int(duty) <= len(definition.duties):
        duty = definition.duties[int(duty) - 1]
    roles.tick_duty(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        role=args.role,
        duty=duty,
        done=not args.undo,
    )
    return 0


def _cmd_cadence(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import timers

    timers.set_cadence(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        audience=args.audience,
        minutes=args.minutes,
    )
    return 0


def _cmd_update(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import timers

    timers.record_update(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        audience=args.audience,
        channel=args.channel,
        text=args.text,
        sent_at=_parse_when(args.at) if args.at else None,
    )
    return 0


def _cmd_snooze(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import timers

    timers.snooze(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        audience=args.audience,
        minutes=args.minutes,
    )
    return 0


def _cmd_people(app: Any, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from mimdesk.usecases import directory

    rows = directory.people(app.ctx)
    if args.json:
        print(json.dumps([asdict(p) for p in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("The directory has nobody yet. Add people with 'mimdesk person NAME'.")
    for p in rows:
        contact = " ".join(x for x in (p.email, p.phone) if x) or "no contact details"
        print(f"{p.name}  {p.team or '—'}  {contact}  roles: {', '.join(p.roles) or 'any'}")
    return 0


def _cmd_person(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import directory

    existing = directory.directory(app.ctx).person(args.name)
    if args.retire:
        if existing is None:
            raise InvalidInput(f"Nobody named {args.name!r}.", "See 'mimdesk people'.")
        directory.retire_person(app.ctx, person_id=existing.id)
        return 0
    directory.save_person(
        app.ctx,
        name=args.name,
        person_id=existing.id if existing else None,
        team=args.team,
        email=args.email,
        phone=args.phone,
        roles=args.role,
        accounts=args.account,
    )
    return 0


def _cmd_rota(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.domain.directory import iso_week
    from mimdesk.usecases import directory

    week = iso_week(app.ctx.now().astimezone()) if args.week == "this" else args.week
    try:
        directory.set_rota(
            app.ctx, week=week, role=args.role, person=args.person, add_person=args.add_person
        )
    except NotInDirectory as missing:
        raise NotInDirectory(
            missing.person,
            missing.message,
            f"Add them with 'mimdesk person \"{missing.person}\"', or give --add-person.",
        ) from None
    print(f"{week} {args.role}: {args.person or '(cleared)'}")
    return 0


def _cmd_cards(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import roles

    out = roles.role_cards(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        out=Path(args.out),
        role=args.role,
        page_size="LETTER" if args.letter else "A4",
        force=args.force,
    )
    print(out)
    return 0


_STANDALONE: set[str] = set()
_DB_STANDALONE: dict[str, Any] = {}

_COMMANDS = {
    "cards": _cmd_cards,
    "handover": _cmd_handover,
    "duty": _cmd_duty,
    "cadence": _cmd_cadence,
    "update": _cmd_update,
    "snooze": _cmd_snooze,
    "people": _cmd_people,
    "person": _cmd_person,
    "rota": _cmd_rota,
    "services": _cmd_services,
    "service": _cmd_service,
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
    from mimdesk import logs

    named = command_named(sys.argv[1:])
    if "--self-test" not in sys.argv[1:]:  # which writes nothing to this user's folders
        logs.start_process(None if named == WHOLE else named)
    sys.exit(main())


if __name__ == "__main__":
    entry()
