"""The headless commands, as scripts and IT use them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from mimdesk import __version__
from mimdesk.exitcodes import USER_ERROR
from mimdesk.store import migrate

REF = re.compile(r"^MI-[0-9A-HJKMNP-TV-Z]{5}$")


def ago(**kw) -> str:
    return (datetime.now(UTC) - timedelta(**kw)).isoformat(timespec="seconds")


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.sqlite3"


@pytest.fixture
def mim(run_main, db):
    """``mimdesk --db DB ARGS`` in this process; fails the test on an unexpected exit code."""

    def _run(*args, code=0):
        result = run_main("--db", db, *args)
        assert result.code == code, result
        if code == 2:
            assert len(result.err_lines) == 1, result.err
            assert result.err.startswith("mimdesk: ")
        return result

    return _run


@pytest.fixture
def ref(mim):
    return mim("new", "Mail is down", "--impact", "No mail", "--severity", "SEV2").out.strip()


# ---- as a process -------------------------------------------------------------------------


@pytest.mark.slow
def test_version(run_cli):
    result = run_cli("--version")
    assert result.code == 0
    assert result.out == f"MIM Desk {__version__}\n"


@pytest.mark.slow
def test_new_then_list_in_separate_processes(run_cli, db):
    created = run_cli("--db", db, "new", "Printers offline", "--service", "Print")
    assert created.code == 0, created
    reference = created.out.strip()
    assert REF.match(reference)
    listed = run_cli("--db", db, "list")
    assert listed.code == 0
    assert re.search(rf"^{reference}\s+candidate\s+-\s+Printers offline$", listed.out, re.M)


@pytest.mark.slow
def test_undecodable_bytes_in_arguments_are_stored_readably(run_cli, db):
    """A Latin-1 terminal sends bytes that are not UTF-8: no traceback, nothing lost."""
    created = run_cli("--db", db, "new", b"Caf\xe9 Wi-Fi down")
    assert created.code == 0, created.err
    reference = created.out.strip()
    note = run_cli("--db", db, "note", reference, b"Stra\xdfe office too")
    assert note.code == 0, note.err
    shown = run_cli("--db", db, "show", reference, "--timeline")
    assert "Traceback" not in shown.err
    assert "Caf\ufffd Wi-Fi down" in shown.out
    assert "Stra\ufffde office too" in shown.out


# ---- reporting and reading ------------------------------------------------------------------


def test_new_list_and_json(mim):
    reference = mim(
        "new", "VPN slow", "--users", "250", "--service", "VPN", "--service", "RADIUS"
    ).out.strip()
    assert REF.match(reference)
    listed = json.loads(mim("list", "--json").out)
    assert listed == [
        {
            "reference": reference,
            "status": "candidate",
            "severity": "",
            "title": "VPN slow",
            "mim": "",
            "reported_at": listed[0]["reported_at"],
            "updated_at": listed[0]["updated_at"],
        }
    ]
    assert datetime.fromisoformat(listed[0]["reported_at"]).tzinfo is not None
    shown = json.loads(mim("show", reference, "--json").out)
    assert shown["users_affected"] == 250
    assert shown["services"] == ["VPN", "RADIUS"]
    assert shown["not_applied"] == []


def test_list_when_empty_and_with_filters(mim):
    assert mim("list").out == "No incidents.\n"
    a = mim("new", "Mail down").out.strip()
    b = mim("new", "Printer jam").out.strip()
    mim("declare", a, "--severity", "SEV2", "--mim", "Ana Costa", "--rationale", "Test")
    assert a in mim("list", "--filter", "active").out
    assert b not in mim("list", "--filter", "active").out
    assert b in mim("list", "--filter", "candidates").out
    assert mim("list", "--search", "printer").out.startswith(b)
    assert mim("list", "--search", "nothing-like-it").out == "No incident matches.\n"


def test_status_refuses_to_declare_or_reject_and_names_the_command(mim, ref):
    declared = mim("status", ref, "declared", code=USER_ERROR)
    assert declared.err.count("\n") == 1, "one line"
    assert f"mimdesk declare {ref} --severity SEV --mim NAME" in declared.err
    rejected = mim("status", ref, "Rejected", code=USER_ERROR)
    assert f"mimdesk reject {ref}" in rejected.err
    assert "Status:        Candidate" in mim("show", ref).out


def test_show_prints_the_next_step_as_it_changes(mim, ref):
    mim("declare", ref, "--severity", "SEV1", "--mim", "Ana Costa", "--rationale", "Test")
    assert (
        "Next:          Send the initial notification: due in 15 min (within 15 min of declaring)."
    ) in mim("show", ref).out
    mim("status", ref, "mitigated")
    assert (
        "Next:          Confirm recovery with the service owner, then send the resolution notice."
    ) in mim("show", ref).out


def test_show_text(mim, ref):
    out = mim("show", ref).out
    assert out.splitlines()[0] == f"{ref}  Mail is down"
    assert "Status:        Candidate" in out
    assert "Next:          Assess the report: answer the checklist" in out
    assert "Impact:        No mail" in out
    assert "(nobody assigned)" in out


def test_new_refuses_an_empty_title(mim):
    result = mim("new", "   ", code=2)
    assert "title is empty" in result.err


# ---- notes and the timeline -----------------------------------------------------------------


def test_back_dated_note_lands_in_its_place_on_the_timeline(mim, ref):
    mim("note", ref, "Restarted the transport service", "--kind", "action")
    mim("note", ref, "Monitoring alerted first", "--at", ago(hours=2))
    mim("note", ref, "Users called the desk", "--at", ago(hours=1))
    lines = mim("show", ref, "--timeline").out.split("Timeline (4 entries):\n")[1].splitlines()
    texts = [line.split(": ", 1)[1] for line in lines]
    assert texts == [
        "Monitoring alerted first",
        "Users called the desk",
        "Reported: Mail is down",
        "Restarted the transport service",
    ]


def test_show_timeline_json_holds_the_entries_in_their_order(mim, ref):
    mim("note", ref, "Restarted the transport service", "--kind", "action")
    mim("note", ref, "Monitoring alerted first", "--at", ago(hours=2))
    shown = json.loads(mim("show", ref, "--timeline", "--json").out)
    entries = shown["timeline"]
    assert [e["text"] for e in entries] == [
        "Monitoring alerted first",
        "Reported: Mail is down",
        "Restarted the transport service",
    ]
    assert shown["timeline_entries"] == 3
    assert entries[0]["kind"] == "observation" and entries[0]["is_note"] is True
    assert entries[2]["kind"] == "action"
    assert "timeline" not in json.loads(mim("show", ref, "--json").out)


def test_note_refuses_bad_kind_bad_time_and_the_future(mim, ref):
    assert "no note kind 'rumour'" in mim("note", ref, "x", "--kind", "rumour", code=2).err
    assert "'yesterday' is not a time" in mim("note", ref, "x", "--at", "yesterday", code=2).err
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert "is in the future" in mim("note", ref, "x", "--at", future, code=2).err
    assert "Timeline (1 entries)" in mim("show", ref, "--timeline").out


# ---- status and key times -------------------------------------------------------------------


def test_status_moves_and_refuses(mim, ref):
    refused = mim("status", ref, "resolved", code=2)
    assert f"{ref}: cannot go from Candidate to Resolved; allowed next: Declared, Rejected" in (
        refused.err
    )
    assert "Declare it first: mimdesk declare" in refused.err
    mim("declare", ref, "--severity", "SEV2", "--mim", "Ana Costa", "--rationale", "CAB agreed")
    mim("status", ref, "resolved")
    assert "already Resolved" in mim("status", ref, "resolved", code=2).err
    assert "There is no status 'sideways'" in mim("status", ref, "sideways", code=2).err
    mim("status", ref, "investigating")  # a reopen
    shown = json.loads(mim("show", ref, "--json").out)
    assert shown["status"] == "investigating"
    assert shown["key_times"]["resolved_at"] is None
    assert shown["key_times"]["declared_at"] is not None


def test_set_a_key_time_that_contradicts_another_is_refused(mim, ref):
    mim("set", ref, "detected_at", ago(hours=2))
    before = mim("show", ref, "--json").out
    refused = mim("set", ref, "impact_started_at", ago(hours=1), code=2)
    assert re.search(r"Impact started \(.* UTC\) cannot be after detected \(.* UTC\)", refused.err)
    assert mim("show", ref, "--json").out == before
    mim("set", ref, "impact_started_at", ago(hours=3))
    mim("set", ref, "detected_at", "none")
    times = json.loads(mim("show", ref, "--json").out)["key_times"]
    assert times["detected_at"] is None
    assert times["impact_started_at"] is not None


def test_set_fields(mim, ref):
    mim("set", ref, "title", "Mail down for everyone")
    mim("set", ref, "users_affected", "1,200")
    mim("set", ref, "services", "Exchange, SMTP relay")
    mim("set", ref, "bridge", "https://meet.example/mi")
    shown = json.loads(mim("show", ref, "--json").out)
    assert shown["title"] == "Mail down for everyone"
    assert shown["users_affected"] == 1200
    assert shown["services"] == ["Exchange", "SMTP relay"]
    refused = mim("set", ref, "colour", "red", code=2).err
    assert "There is no field 'colour'" in refused
    # Both kinds of name it takes: the fields and the key times.
    assert "Fields are: bridge," in refused and "key times are: impact_started_at," in refused
    assert "'lots' is not a number" in mim("set", ref, "users_affected", "lots", code=2).err


def test_stats_takes_a_period_of_one_day_or_more(mim, run_main, db):
    assert "Last 7 days" in mim("stats", "--days", "7").out
    for days in ("0", "-3", "week"):
        refused = run_main("--db", db, "stats", "--days", days)
        assert refused.code == 2, refused
        # argparse's usage line, then what is wrong with --days.
        assert refused.err_lines[-1].startswith("mimdesk stats: error: argument --days: ")


# ---- roles ------------------------------------------------------------------------------------


def test_assign_and_release(mim, ref):
    mim("assign", ref, "mim", "Ann Lee")
    mim("assign", ref, "tech_lead", "Bo Chan", "--note", "owns Exchange")
    assert json.loads(mim("list", "--json").out)[0]["mim"] == "Ann Lee"
    roles = json.loads(mim("show", ref, "--json").out)["roles"]
    assert roles == {"mim": "Ann Lee", "tech_lead": "Bo Chan"}
    mim("release", ref, "tech_lead")
    assert json.loads(mim("show", ref, "--json").out)["roles"] == {"mim": "Ann Lee"}
    refused = mim("release", ref, "tech_lead", code=2)
    assert f"Nobody holds the role 'tech_lead' on {ref}" in refused.err


# ---- references as people type them ---------------------------------------------------------


def test_references_are_forgiving(mim, ref):
    code = ref.removeprefix("MI-")
    for typed in (
        ref,
        ref.lower(),
        f"MI{code}",
        f"mi{code.lower()}",
        code,
        code.lower(),
        f" {ref} ",
    ):
        assert mim("show", typed).out.startswith(f"{ref}  "), typed
    unknown = mim("show", "MI-00000" if code != "00000" else "MI-11111", code=2)
    assert "No incident" in unknown.err


# ---- the database ---------------------------------------------------------------------------


def test_db_upgrade_and_rebuild(mim, ref):
    assert (
        mim("db", "upgrade")
        .out.strip()
        .endswith(f"is at schema {migrate.HEAD}, the newest this MIM Desk knows.")
    )
    mim("new", "Second")
    before = mim("list", "--json").out
    assert mim("db", "rebuild").out == "Rebuilt the incident list from the log: 2 incidents.\n"
    assert mim("list", "--json").out == before


def test_db_option_is_honoured(run_main, tmp_path, home):
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    a = run_main("--db", one, "new", "Only in one").out.strip()
    assert run_main("--db", two, "list").out == "No incidents.\n"
    assert a in run_main("--db", one, "list").out
    # Without --db, the default database under MIMDESK_HOME is used and created.
    default = home / "data" / "mimdesk.sqlite3"
    assert not default.exists()
    b = run_main("new", "In the default").out.strip()
    assert default.exists()
    listed = run_main("list").out
    assert b in listed and a not in listed
