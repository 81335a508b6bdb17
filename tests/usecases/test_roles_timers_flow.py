"""Roles, the directory and timers through the use cases, across restarts and desks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest

from mimdesk.app import open_app
from mimdesk.domain.cadence import Level
from mimdesk.errors import InvalidInput, Refused
from mimdesk.usecases import comms as comms_uc
from mimdesk.usecases import declaration, directory, incidents, roles, timers
from mimdesk.usecases import directory as directory_uc

H = timedelta(hours=1)


@pytest.fixture
def declared(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="Email down", severity="SEV1")
    declaration.declare(
        ctx,
        reference=summary.reference,
        settings=app.settings,
        severity="SEV1",
        mim="Ana Costa",
        rationale="All mail is down",
    )
    return summary.reference


def test_handover_is_one_event_with_history(ctx, declared, clock):
    clock.advance(hours=8)
    roles.handover(
        ctx, reference=declared, role="mim", to="Ben Okafor", note="Bridge open; waiting on vendor"
    )
    view = incidents.get(ctx, declared)
    assert view.state.holder("mim") == "Ben Okafor"
    assert [(c.person, c.handed_over_from) for c in view.state.role_history] == [
        ("Ana Costa", ""),
        ("Ben Okafor", "Ana Costa"),
    ]
    assert view.state.roles["mim"].since == clock.now
    assert view.timeline[-1].text == (
        "Handover of Major Incident Manager from Ana Costa to Ben Okafor: "
        "Bridge open; waiting on vendor"
    )
    with pytest.raises(Refused, match="nothing to hand over"):
        roles.handover(ctx, reference=declared, role="scribe", to="Cy")


def test_duties_tick_and_untick(app, ctx, declared):
    duty = app.settings.role("mim").duties[0]
    roles.tick_duty(ctx, reference=declared, settings=app.settings, role="mim", duty=duty)
    assert incidents.get(ctx, declared).state.duties_done["mim"] == {duty}
    roles.tick_duty(
        ctx, reference=declared, settings=app.settings, role="mim", duty=duty, done=False
    )
    assert incidents.get(ctx, declared).state.duties_done["mim"] == set()
    with pytest.raises(InvalidInput, match="is not a duty"):
        roles.tick_duty(ctx, reference=declared, settings=app.settings, role="mim", duty="Nap")


def test_person_typed_in_is_remembered_and_rota_prefills_mim(app, ctx, declared):
    roles.assign(ctx, reference=declared, role="scribe", person="Dana Li", remember=True)
    assert [p.name for p in directory.people(ctx)] == ["Dana Li"]
    assert declaration.suggested_mim(ctx) == "Test Desk"
    directory.save_person(ctx, name="Ben Okafor", email="ben@example.org", roles=["mim"])
    from mimdesk.domain.directory import iso_week

    directory.set_rota(ctx, week=iso_week(ctx.now().astimezone()), role="mim", person="Ben Okafor")
    assert declaration.suggested_mim(ctx) == "Ben Okafor"
    with pytest.raises(InvalidInput, match="not a week"):
        directory.set_rota(ctx, week="week 48", role="mim", person="x")
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        directory.save_person(ctx, name="Eve", email="eve at example")


def test_an_update_cannot_be_dated_before_the_declaration(app, ctx, clock):
    """Dated before the declaration it would count as on time for a timer not yet started."""
    summary, _ = incidents.report(ctx, title="Email down", reported_at=clock.now - H)
    ref = summary.reference
    declaration.declare(
        ctx, reference=ref, settings=app.settings, severity="SEV1", mim="Ana", rationale="down"
    )
    clock.advance(minutes=30)

    def update(minutes_ago: int) -> None:
        timers.record_update(
            ctx,
            reference=ref,
            settings=app.settings,
            audience="service_desk",
            channel="phone",
            sent_at=clock.now - timedelta(minutes=minutes_ago),
        )

    before = len(incidents.get(ctx, ref).events)
    with pytest.raises(InvalidInput, match=r"^An update cannot be dated .* the declaration \("):
        update(45)  # after the report, before the declaration
    with pytest.raises(InvalidInput, match=r"^An update cannot be dated .* the report \("):
        update(120)
    assert len(incidents.get(ctx, ref).events) == before
    update(10)
    assert len(incidents.get(ctx, ref).state.messages) == 1


def test_recorded_update_resets_timer_and_cadence_change(app, ctx, declared, clock):
    clock.advance(minutes=16)
    view = incidents.get(ctx, declared)
    desk = {t.audience: t for t in timers.timers(view, app.settings, clock.now)}["service_desk"]
    assert desk.level is Level.RED
    timers.record_update(
        ctx,
        reference=declared,
        settings=app.settings,
        audience="service_desk",
        channel="phone",
        text="Still down",
    )
    view = incidents.get(ctx, declared)
    desk = {t.audience: t for t in timers.timers(view, app.settings, clock.now)}["service_desk"]
    assert desk.level is Level.OK and desk.remaining == timedelta(minutes=15)
    assert view.timeline[-1].text == "Update sent to the service desk by phone"
    timers.set_cadence(
        ctx, reference=declared, settings=app.settings, audience="executives", minutes=10
    )
    view = incidents.get(ctx, declared)
    execs = {t.audience: t for t in timers.timers(view, app.settings, clock.now)}["executives"]
    assert execs.interval == timedelta(minutes=10) and execs.level is Level.RED
    with pytest.raises(InvalidInput, match="no audience"):
        timers.set_cadence(
            ctx, reference=declared, settings=app.settings, audience="cats", minutes=5
        )


def test_same_countdowns_after_restart_and_on_a_second_desk(app, ctx, declared, clock, tmp_path):
    clock.advance(minutes=9)
    timers.snooze(
        ctx, reference=declared, settings=app.settings, audience="service_desk", minutes=20
    )
    first = timers.timers(incidents.get(ctx, declared), app.settings, clock.now)
    db = app.database
    app.close()
    reopened = open_app(db=db, env=os.environ, now=clock)
    try:
        again = timers.timers(incidents.get(reopened.ctx, declared), reopened.settings, clock.now)
    finally:
        reopened.close()
    assert again == first
    # A second desk is another process reading the same events.
    env = {**os.environ, "MIMDESK_HOME": str(tmp_path / "desk2")}
    code = (
        "import json,sys\n"
        "from datetime import datetime\n"
        "from mimdesk.app import open_app\n"
        "from mimdesk.usecases import incidents, timers\n"
        f"now = datetime.fromisoformat({clock.now.isoformat()!r})\n"
        f"app = open_app(db={str(db)!r}, now=lambda: now)\n"
        f"ts = timers.timers(incidents.get(app.ctx, {declared!r}), app.settings, now)\n"
        "print(json.dumps([[t.audience, t.due_at.isoformat(), t.level.value] for t in ts]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert json.loads(out.stdout) == [
        [t.audience, t.due_at.isoformat(), t.level.value] for t in first
    ]
    snoozed = {t.audience: t for t in first}["service_desk"]
    assert snoozed.due_at == clock.now + timedelta(minutes=20)


def test_a_distribution_list_in_the_directory_wins_over_the_site_files(app):
    ctx = app.ctx
    app.settings.comms = replace(
        app.settings.comms, recipients={"executives": ("board@example.org",)}
    )
    assert comms_uc.distribution_list(ctx, app.settings, "executives") == ["board@example.org"]
    directory_uc.set_distribution(
        ctx, audience="executives", addresses=["cio@example.org", " CIO@example.org ", ""]
    )
    assert comms_uc.distribution_list(ctx, app.settings, "executives") == ["cio@example.org"]
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        directory_uc.set_distribution(ctx, audience="executives", addresses=["cio at example"])
    directory_uc.set_distribution(ctx, audience="executives", addresses=[])
    assert comms_uc.distribution_list(ctx, app.settings, "executives") == ["board@example.org"]


def test_the_rota_names_people_of_the_directory(app, ctx):
    from mimdesk.errors import NotInDirectory

    with pytest.raises(NotInDirectory, match="Mia Novak is not in the directory") as caught:
        directory.set_rota(ctx, week="2026-W48", role="mim", person="Mia Novak")
    assert caught.value.person == "Mia Novak"
    assert directory.directory(ctx).on_duty("mim", "2026-W48") == ""
    directory.set_rota(ctx, week="2026-W48", role="mim", person="Mia Novak", add_person=True)
    assert directory.directory(ctx).on_duty("mim", "2026-W48") == "Mia Novak"
    assert [(p.name, p.roles) for p in directory.people(ctx)] == [("Mia Novak", ("mim",))]
    directory.set_rota(ctx, week="2026-W49", role="mim", person="")  # clearing needs nobody


def test_rota_from_the_command_line_offers_add_person(app, capsys):
    from mimdesk import cli

    db = str(app.database)
    app.close()
    assert cli.main(["--db", db, "rota", "2026-W48", "mim", "Mia Novak"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mimdesk: Mia Novak is not in the directory") and err.count("\n") == 1
    assert "give --add-person" in err
    assert cli.main(["--db", db, "rota", "2026-W48", "mim", "Mia Novak", "--add-person"]) == 0
    assert capsys.readouterr().out == "2026-W48 mim: Mia Novak\n"


def test_people_have_their_os_accounts_and_an_account_is_one_person(app, ctx):
    from mimdesk.domain.events import Author

    ben, _ = directory.save_person(ctx, name="Ben Okafor", accounts=["CORP\\ben", " corp\\BEN "])
    assert ben.accounts == ("CORP\\ben",)  # case forgiven: one account
    people = directory.directory(ctx)
    assert people.person_of_account("corp\\ben").name == "Ben Okafor"
    assert people.signed_as_another(Author("Ben Okafor", "CORP\\ben")) is None
    assert people.signed_as_another(Author("Ana Costa", "CORP\\ben")).name == "Ben Okafor"
    assert people.signed_as_another(Author("Ana Costa", "CORP\\ana")) is None  # unknown account
    with pytest.raises(InvalidInput, match=r"The account CORP\\ben is Ben Okafor's"):
        directory.save_person(ctx, name="Ana Costa", accounts=["CORP\\ben"])
    # Editing without naming accounts keeps them.
    directory.save_person(ctx, name="Ben Okafor", person_id=ben.id, team="Network")
    assert directory.directory(ctx).person("Ben Okafor").accounts == ("CORP\\ben",)


def test_a_first_run_links_the_account_to_the_person_it_names(app, ctx):
    assert directory.link_account(ctx, name="Ana Costa", account="") is None
    ana = directory.link_account(ctx, name="Ana Costa", account="CORP\\ana")
    assert ana is not None and ana.accounts == ("CORP\\ana",)  # added to the directory
    directory.save_person(ctx, name="Ben Okafor", email="ben@example.org")
    ben = directory.link_account(ctx, name="ben okafor", account="CORP\\ben")
    assert ben is not None and (ben.name, ben.email, ben.accounts) == (
        "Ben Okafor",
        "ben@example.org",
        ("CORP\\ben",),
    )
    # An account already someone's stays theirs: returned, for the caller to say so.
    taken = directory.link_account(ctx, name="Mallory", account="corp\\BEN")
    assert taken is not None and taken.name == "Ben Okafor"
    assert directory.directory(ctx).person("Mallory") is None
