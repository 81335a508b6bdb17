"""What IT runs against the shared database: ``db init`` and ``db upgrade --shared``.

:func:`manage_shared` connects, migrates under the upgrade lock, sets the server's session
defaults, and leaves every desk role with desk rights only. It says what it did through
``say`` (and what it could not, or is waiting for, through ``warn``); the command line prints
them. The engine and the Alembic revisions stay here, with the sync and the store.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from mimdesk.errors import InvalidInput, MimDeskError
from mimdesk.store import shared
from mimdesk.sync.target import SharedTarget, Timeouts, make_engine

Say = Callable[[str], None]


class SharedUnavailable(MimDeskError):
    pass


def manage_shared(
    tgt: SharedTarget,
    *,
    create: bool,
    role: str | None,
    say: Say,
    warn: Say,
    per_person: bool = False,
) -> None:
    """``db init`` (``create``: create or upgrade) and ``db upgrade --shared`` (upgrade only);
    ``role`` is a group role for desk logins to create as well; ``per_person`` gives each
    person of the shared directory a login of their own (:mod:`.person_logins`)."""
    if per_person and role is None:
        raise InvalidInput(
            "--per-person gives each person's login the desk role, and --no-role makes none.",
            "Leave out --no-role, or name the role with --create-role NAME.",
        )
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
                warn(f"{tgt.display}: another administrator is upgrading it; waiting...")

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
                say(f"{tgt.display}: shared schema {after} is current.")
            elif before is None:
                say(f"{tgt.display}: created the shared schema ({after}).")
            else:
                say(f"{tgt.display}: upgraded the shared schema {before} -> {after}.")
            _session_defaults(conn, tgt.display, say, warn)
            try:
                _desk_rights(conn, role, say)
            except DBAPIError as exc:
                conn.rollback()
                raise _role_not_made(tgt.display, role, exc) from None
            if per_person and role is not None:
                from mimdesk.sync import person_logins

                try:
                    person_logins.set_up(conn, role, say)
                except DBAPIError as exc:
                    conn.rollback()
                    reason = " ".join(str(exc.orig or exc).split())[:200]
                    raise SharedUnavailable(
                        f"{tgt.display}: the logins could not be made ({reason}).",
                        "Run it as a login that may create roles (CREATEROLE), or make them "
                        "by hand and run db init --per-person again to give them the role.",
                    ) from None
    except DBAPIError as exc:
        raise SharedUnavailable(
            f"Could not use {tgt.display}: {' '.join(str(exc.orig or exc).split())[:300]}",
            "Check the URL, the network, the password in the keyring ('mimdesk db password') "
            "and that this login owns the database.",
        ) from None
    finally:
        engine.dispose()


def _role_not_made(display: str, role: str | None, exc: DBAPIError) -> SharedUnavailable:
    """The schema is in place, the desk role is not: say so, and how to finish."""
    reason = " ".join(str(exc.orig or exc).split())[:200]
    what = f"the desk role {role}" if role else "the desk roles' rights"
    name = role or "mim_desks"
    return SharedUnavailable(
        f"{display}: the shared schema is ready, but this login could not set up {what} "
        f"({reason}).",
        f"Ask the server's administrator to create the role (PostgreSQL: CREATE ROLE {name} "
        f"NOLOGIN; MariaDB: CREATE ROLE {name};) and run db init again, or give --no-role and "
        "set the desk logins' rights by hand.",
    )


def _desk_rights(conn: Connection, role: str | None, say: Say) -> None:
    roles = shared.desk_roles(conn)
    if role:
        roles = shared.record_desk_role(conn, role)
    taken = shared.harden_grants(conn, roles)
    for grantee, privileges in sorted(taken.items()):
        say(
            f"{grantee}: took away {', '.join(sorted(privileges))}; it now has desk "
            "rights (read events, append through the server-side step)."
        )
    if role:
        grant = (
            f'GRANT "{role}" TO <login>;'
            if conn.dialect.name == "postgresql"
            else f"GRANT `{role}` TO <login>; SET DEFAULT ROLE `{role}` FOR <login>;"
        )
        say(
            f"Role {role}: may read events and append them through the server-side "
            f"step, nothing else. Grant it to each desk's login: {grant}"
        )


def _refuse_unknown(display: str, meta: dict[str, str], revision: str | None) -> None:
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


def _session_defaults(conn: Connection, display: str, say: Say, warn: Say) -> None:
    """Server-side defaults for the session timeouts desks set themselves (older desks and
    other clients get them too). Needs the database's owner; says so when refused."""
    statements = shared.session_defaults_sql(conn)
    try:
        for statement in statements:
            conn.exec_driver_sql(statement)
        conn.commit()
    except DBAPIError:
        conn.rollback()
        warn(
            f"{display}: could not set the session defaults (only the database's owner may); "
            "ask the DBA to run: " + "; ".join(statements)
        )
        return
    if statements:
        settings = ", ".join(f"{k}={v}" for k, v in shared.SESSION_DEFAULTS.items())
        say(f"{display}: session defaults for every login of this database: {settings}.")
