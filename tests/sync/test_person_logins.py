"""Per-person logins (issue 14, point 3), on PostgreSQL and MariaDB: ``db init --per-person``
gives each person of the shared directory a login with the desk role; the server stamps the
login on every row it takes, whatever the desk sends; a desk flags an entry written through
a login that is not its author's, and ``doctor`` says which mode is in force."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from mimdesk.app import App
from mimdesk.domain.events import Author
from mimdesk.sync.target import parse_url
from mimdesk.usecases import directory, incidents, timeline
from tests.support.recorded import as_json
from tests.sync.desk_logins import _run, drop_role, new_role_name
from tests.sync.desk_procs import mimdesk
from tests.sync.helpers import sync


def _login_url(db, login: str) -> str:
    scheme = "postgresql" if db.kind == "pg" else "mariadb"
    return f"{scheme}://{login}@127.0.0.1:{db.port}/{db.name}"


def _drop_logins(db, logins: list[str]) -> None:
    for login in logins:
        if db.kind == "pg":
            _run(
                db,
                [
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE usename = '{login}'",
                    f'DROP ROLE IF EXISTS "{login}"',
                ],
            )
        else:
            _run(db, [f"DROP USER IF EXISTS '{login}'@'%'"])


@pytest.fixture
def per_person(blank_db, home, desks):
    """A shared database whose directory names Ana (two accounts) and Ben, set up with
    one login each."""
    role = new_role_name()
    tag = uuid.uuid4().hex[:6]
    ana_login, ben_login = f"zz_ana_{tag}", f"zz_ben_{tag}"
    url = blank_db.url_text()
    made = mimdesk("db", "init", "--shared", url, "--create-role", role)
    assert made.code == 0, made.err
    admin = desks["admin"]
    directory.save_person(admin.ctx, name="Ana Ng", accounts=[f"CORP\\{ana_login}"])
    directory.save_person(admin.ctx, name="Ben Ode", accounts=[f"{ben_login}@CORP.EXAMPLE"])
    directory.save_person(admin.ctx, name="Cleo Unlinked")
    sync(admin, blank_db.target())
    try:
        yield blank_db, role, ana_login, ben_login
    finally:
        _drop_logins(blank_db, [ana_login, ben_login])
        drop_role(blank_db, role)


def _as(app: App, name: str) -> App:
    app.ctx.author = replace(app.ctx.author, name=name)
    return app


def test_each_person_gets_a_login_and_the_server_stamps_it(per_person, desks):
    db, role, ana_login, ben_login = per_person
    url = db.url_text()
    run = mimdesk("db", "init", "--shared", url, "--create-role", role, "--per-person")
    assert run.code == 0, run.err
    assert f"Ana Ng: login {ana_login}, with the desk role {role}." in run.out
    assert f"Ben Ode: login {ben_login}, with the desk role {role}." in run.out
    assert "No login for Cleo Unlinked: no OS account is linked" in run.out
    # Run again: the logins are there already; nothing fails.
    again = mimdesk("db", "init", "--shared", url, "--create-role", role, "--per-person")
    assert again.code == 0, again.err

    # Ana's desk logs in as Ana; an entry signed as Ana, then one signed as Ben through it.
    ana = _as(desks["ana"], "Ana Ng")
    summary, _ = incidents.report(ana.ctx, title="Payroll down")
    ana.ctx.author = Author("Ben Ode", ana.ctx.author.login)
    timeline.add_note(ana.ctx, reference=summary.reference, text="Ben was never here")
    assert sync(ana, parse_url(_login_url(db, ana_login), "test")).pushed == 2

    # Another desk (IT's login) pulls both: the server stamped Ana's login on each.
    reader = desks["reader"]
    sync(reader, db.target())
    assert reader.log.sync_state()["login_mode"] == "per-person"
    stamped = {
        as_json(e.payload).get("title") or as_json(e.payload)["text"]: e.db_login
        for e in reader.log.stream(summary.stream_id)
    }
    assert stamped == {"Payroll down": ana_login, "Ben was never here": ana_login}
    incident = {e.event_id for e in reader.log.stream(summary.stream_id)}
    flagged = directory.logins_of_another(reader.ctx)
    # Ana's own entry is hers; the one signed as Ben through her login is flagged (and so
    # are IT's directory entries, written as "Admin" through the owner's login).
    assert [(a, login) for e, a, login in flagged if e in incident] == [("Ben Ode", ana_login)]
    assert {(a, login) for e, a, login in flagged if e not in incident} == {
        ("Admin", db.url.username)
    }

    # doctor names the mode and the entry, and fails.
    doctor = mimdesk("--db", str(reader.database), "--shared", url, "doctor")
    assert doctor.code == 1, doctor.err
    assert "logins: one for each person; the server stamps each entry with its login" in (
        doctor.out
    )
    assert "entries written through a database login that is not the author's" in doctor.out
    assert f"Ben Ode via login {ana_login}" in doctor.out


def test_shared_logins_are_still_possible_and_doctor_says_so(per_person, desks):
    db, _role, _ana, _ben = per_person
    ana = _as(desks["ana"], "Ana Ng")
    incidents.report(ana.ctx, title="Payroll down")
    sync(ana, db.target())
    reader = desks["reader"]
    sync(reader, db.target())
    assert reader.log.sync_state()["login_mode"] == "shared"
    # One login for every desk: the stamp names it, and nobody is flagged for it.
    assert directory.logins_of_another(reader.ctx) == []
    doctor = mimdesk("--db", str(reader.database), "--shared", db.url_text(), "doctor")
    assert doctor.code == 0, doctor.out + doctor.err
    assert "logins: shared desk logins; the server cannot tell people apart" in doctor.out


def test_per_person_without_a_desk_role_is_refused(blank_db, home):
    run = mimdesk("db", "init", "--shared", blank_db.url_text(), "--no-role", "--per-person")
    assert run.code == 2
    assert "--per-person gives each person's login the desk role" in run.err
