"""``mimdesk db init --shared URL --per-person``: a database login for each person, so that
the login the server stamps on every row (revision s0004) says who wrote it.

For each active person of the shared directory with an OS account, a login named after the
account's user part (``CORP\\ana`` -> ``ana``: what a desk connecting without a user name
sends, and what PostgreSQL's pg_ident makes of a Kerberos principal) is created if missing
and given the desk role. An existing login of that name (made by IT, or mapped from Active
Directory) is only given the role. The shared database then records ``login_mode =
per-person``; desks learn it when they connect and flag an entry written through a login
that is not its author's.

No password is set here: IT gives each login one (and the person keeps it with ``mimdesk db
password``), or lets them in with Kerberos. What to run is printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection, select

from mimdesk.domain.directory import (
    PER_PERSON_LOGINS,
    SHARED_LOGINS,
    Person,
    fold_directory,
    login_name,
)
from mimdesk.domain.events import DIRECTORY_STREAM, Event
from mimdesk.store import shared
from mimdesk.store.event_rows import dict_to_event
from mimdesk.sync.rows import pull_columns, readable

Say = Callable[[str], None]

MODE_KEY = "login_mode"
# What a login name may be made of here (quoted in every statement all the same).
_LOGIN = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,62}")


def login_mode(meta: dict[str, str]) -> str:
    return meta.get(MODE_KEY) or SHARED_LOGINS


def shared_directory(conn: Connection) -> list[Person]:
    """The active people of the directory as the shared log holds it."""
    rows = conn.execute(
        select(*pull_columns(conn.dialect.name))
        .where(shared.event.c.stream_id == DIRECTORY_STREAM)
        .order_by(shared.event.c.seq)
    ).all()
    conn.rollback()
    events: list[Event] = []
    for r in rows:
        row, _why = readable(r)
        if row is not None:
            events.append(dict_to_event(row))
    return fold_directory(events).active_people()


def _statements(login: str, role: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{login}') "
            f'THEN CREATE ROLE "{login}" LOGIN; END IF; END $$',
            f'GRANT "{role}" TO "{login}"',
        ]
    return [
        f"CREATE USER IF NOT EXISTS '{login}'@'%'",
        f"GRANT `{role}` TO '{login}'@'%'",
        f"SET DEFAULT ROLE `{role}` FOR '{login}'@'%'",
    ]


def set_up(conn: Connection, role: str, say: Say) -> dict[str, list[str]]:
    """Create (or adopt) each person's login and give it ``role``; record the mode. Returns
    person -> their logins."""
    dialect = conn.dialect.name
    done: dict[str, list[str]] = {}
    without: list[str] = []
    for person in shared_directory(conn):
        logins = sorted({login_name(a) for a in person.accounts} - {""})
        usable = [login for login in logins if _LOGIN.fullmatch(login)]
        for login in sorted(set(logins) - set(usable)):
            say(f"{person.name}: {login!r} cannot be a login name here; create it by hand.")
        if not usable:
            without.append(person.name)
            continue
        for login in usable:
            for statement in _statements(login, role, dialect):
                shared.run_raw(conn, statement)
        done[person.name] = usable
    _record_mode(conn, PER_PERSON_LOGINS)
    conn.commit()
    for name, logins in sorted(done.items()):
        say(f"{name}: login {', '.join(logins)}, with the desk role {role}.")
    if without:
        say(
            f"No login for {', '.join(sorted(without))}: no OS account is linked "
            "(mimdesk person NAME --account ACCOUNT, then db init --per-person again)."
        )
    say(_how_to_log_in(dialect))
    return done


def _how_to_log_in(dialect: str) -> str:
    if dialect == "postgresql":
        return (
            "Each login needs a way in: a password (ALTER ROLE \"ana\" PASSWORD '...'; the "
            "person keeps it with 'mimdesk db password'), or Kerberos: in pg_hba.conf "
            "'host DB all 10.0.0.0/8 gss include_realm=1 map=mim' and in pg_ident.conf "
            "'mim /^(.*)@CORP\\.EXAMPLE$ \\1'. A shared URL without a user name connects "
            "each desk as its OS user."
        )
    return (
        "Each login needs a way in: a password (ALTER USER 'ana'@'%' IDENTIFIED BY '...'; the "
        "person keeps it with 'mimdesk db password'), or the server's GSSAPI plugin."
    )


def _record_mode(conn: Connection, mode: str) -> None:
    meta = shared.read_meta(conn)
    table = shared.sync_meta
    if MODE_KEY in meta:
        conn.execute(table.update().where(table.c.key == MODE_KEY).values(value=mode))
    else:
        conn.execute(table.insert().values(key=MODE_KEY, value=mode))
