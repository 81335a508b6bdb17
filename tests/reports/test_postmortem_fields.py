"""The review's fields and follow-ups: events only when something changes, clear refusals."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from mimdesk.cli import main
from mimdesk.domain.events import EventType
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.usecases import followups, incidents, postmortem
from tests.support.recorded import as_json


@pytest.fixture
def ref(ctx):
    summary, _ = incidents.report(ctx, title="Mail delivery delayed", severity="SEV2")
    return summary.reference


def events_of(ctx, ref, type_):
    view = incidents.get(ctx, ref)
    return [e for e in view.events if e.type == type_]


def test_fields_are_events_written_only_when_they_change(ctx, ref):
    changes = postmortem.set_fields(
        ctx, reference=ref, summary="  Mail queued for 3 hours.  ", lessons="Watch the queue."
    )
    assert changes.streams
    written = events_of(ctx, ref, EventType.POSTMORTEM_CHANGED)
    assert [(as_json(e.payload)["field"], as_json(e.payload)["value"]) for e in written] == [
        ("summary", "Mail queued for 3 hours."),
        ("lessons", "Watch the queue."),
    ]
    again = postmortem.set_fields(ctx, reference=ref, summary="Mail queued for 3 hours.")
    assert not again.streams
    assert len(events_of(ctx, ref, EventType.POSTMORTEM_CHANGED)) == 2
    postmortem.set_field(ctx, reference=ref, field="summary", value="Mail queued for 4 hours.")
    state = incidents.get(ctx, ref).state
    assert state.postmortem["summary"] == "Mail queued for 4 hours."


def test_authors_owner_and_dates(ctx, ref):
    postmortem.set_fields(
        ctx,
        reference=ref,
        authors=["Ελένη Παπαδοπούλου", " Дмитрий Иванов ", "Ελένη Παπαδοπούλου", ""],
        owner="Ana",
        meeting_date="2026-12-03",
    )
    state = incidents.get(ctx, ref).state
    assert postmortem.authors_of(state.postmortem) == ["Ελένη Παπαδοπούλου", "Дмитрий Иванов"]
    postmortem.set_fields(ctx, reference=ref, authors="Ana; Ben")
    assert postmortem.authors_of(incidents.get(ctx, ref).state.postmortem) == ["Ana", "Ben"]
    with pytest.raises(InvalidInput, match="meeting date '3/12/2026' is not a date"):
        postmortem.set_fields(ctx, reference=ref, meeting_date="3/12/2026")


def test_root_cause_known_or_under_investigation(ctx, ref):
    postmortem.set_fields(ctx, reference=ref, root_cause="Certificate expired.")
    assert incidents.get(ctx, ref).state.postmortem["root_cause_status"] == "known"
    postmortem.set_fields(
        ctx, reference=ref, root_cause_status="Under Investigation", problem_ref="PRB0001234"
    )
    pm = incidents.get(ctx, ref).state.postmortem
    assert pm["root_cause_status"] == "under investigation"
    assert pm["problem_ref"] == "PRB0001234"
    with pytest.raises(
        InvalidInput,
        match=r"root cause status 'guessed'\. Choose one of: known, under investigation",
    ):
        postmortem.set_fields(ctx, reference=ref, root_cause_status="guessed")


def test_validation_names_the_field(ctx, ref):
    with pytest.raises(InvalidInput, match="no field 'colour'"):
        postmortem.set_fields(ctx, reference=ref, colour="red")
    with pytest.raises(InvalidInput, match="lessons learned is 10,001 characters long"):
        postmortem.set_fields(ctx, reference=ref, lessons="x" * 10_001)
    with pytest.raises(
        InvalidInput, match=r"postmortem status 'done'\. Choose one of: draft, final"
    ):
        postmortem.set_fields(ctx, reference=ref, status="done")
    with pytest.raises(InvalidInput, match="No postmortem field"):
        postmortem.set_fields(ctx, reference=ref)
    assert not events_of(ctx, ref, EventType.POSTMORTEM_CHANGED)


def test_final_needs_approval_a_summary_and_a_root_cause_or_a_problem_record(ctx, ref):
    with pytest.raises(
        Refused, match=r"nobody is recorded as approving it.*no summary; it has no root cause"
    ):
        postmortem.set_fields(ctx, reference=ref, status="final")
    postmortem.set_fields(ctx, reference=ref, approver="Dana Whitfield", approved_on="2026-12-03")
    postmortem.set_fields(ctx, reference=ref, summary="S", root_cause_status="under investigation")
    with pytest.raises(Refused, match="no problem record is named"):
        postmortem.set_fields(ctx, reference=ref, status="final")
    postmortem.set_fields(ctx, reference=ref, problem_ref="PRB1", status="final")
    assert incidents.get(ctx, ref).state.postmortem["status"] == "final"
    # Withdrawing the approval of a final review is refused: it would be final unapproved.
    with pytest.raises(Refused, match="nobody is recorded as approving it"):
        postmortem.set_fields(ctx, reference=ref, approver="")


def test_impact_measures_need_a_number_and_dates_a_date(ctx, ref):
    postmortem.set_fields(ctx, reference=ref, impact_users="about 3,000 EU customers")
    assert incidents.get(ctx, ref).state.postmortem["impact_users"] == "about 3,000 EU customers"
    with pytest.raises(InvalidInput, match="Users affected 'lots' holds no number"):
        postmortem.set_fields(ctx, reference=ref, impact_users="lots")
    with pytest.raises(InvalidInput, match="approval date 'yesterday' is not a date"):
        postmortem.set_fields(ctx, reference=ref, approved_on="yesterday")


def test_followups_add_update_and_validate(ctx, ref):
    fid, _ = followups.add(
        ctx,
        reference=ref,
        title="Renew certificates automatically",
        owner="Ana",
        due="2026-12-31",
        priority="High",
        kind="prevent",
        ticket="CHG0042",
    )
    added = events_of(ctx, ref, EventType.FOLLOWUP_ADDED)
    assert as_json(added[0].payload) == {
        "id": fid,
        "title": "Renew certificates automatically",
        "owner": "Ana",
        "due": "2026-12-31",
        "priority": "high",
        "kind": "prevent",
        "status": "open",
        "ticket": "CHG0042",
    }
    followups.update(ctx, reference=ref, followup="F1", status="in_progress", owner="Ana")
    updated = events_of(ctx, ref, EventType.FOLLOWUP_UPDATED)
    assert as_json(updated[0].payload) == {"id": fid, "status": "in progress"}  # owner unchanged
    assert not followups.update(ctx, reference=ref, followup=fid, status="in progress").streams
    state = incidents.get(ctx, ref).state
    assert state.followups[fid].status == "in progress"

    with pytest.raises(InvalidInput, match="due date '31/12/2026' is not a date in the form"):
        followups.add(ctx, reference=ref, title="X", due="31/12/2026")
    with pytest.raises(InvalidInput, match=r"priority 'urgent'\. Choose one of: low, medium, high"):
        followups.add(ctx, reference=ref, title="X", priority="urgent")
    with pytest.raises(InvalidInput, match=r"kind 'fix'\. Choose one of: prevent, mitigate"):
        followups.add(ctx, reference=ref, title="X", kind="fix")
    with pytest.raises(InvalidInput, match=r"status 'closed'\. Choose one of: open, in progress"):
        followups.update(ctx, reference=ref, followup="1", status="closed")
    with pytest.raises(InvalidInput, match="follow-up title is empty"):
        followups.add(ctx, reference=ref, title="   ")
    with pytest.raises(NotFound, match="no follow-up 'F9'"):
        followups.update(ctx, reference=ref, followup="F9", status="done")
    with pytest.raises(InvalidInput, match="no field 'colour'"):
        followups.update(ctx, reference=ref, followup="F1", colour="red")
    assert len(events_of(ctx, ref, EventType.FOLLOWUP_ADDED)) == 1
    # The fake clock says 2026-11-28: a due date a person sets is that day or later.
    with pytest.raises(InvalidInput, match=r"^The due date 2026-11-27 is in the past \(today"):
        followups.add(ctx, reference=ref, title="Too late", due="2026-11-27")
    with pytest.raises(InvalidInput, match="is in the past"):
        followups.update(ctx, reference=ref, followup="F1", due="2026-11-01")
    followups.add(ctx, reference=ref, title="Due today", due="2026-11-28")


def test_cli_postmortem_followups_and_report(app, ctx, ref, tmp_path, capsys):
    db = str(app.database)
    app.close()
    assert main(["--db", db, "postmortem", ref, "summary", "Queue stuck."]) == 0
    assert main(["--db", db, "postmortem", ref, "authors", "Ana; Ben"]) == 0
    assert (
        main(
            [
                "--db",
                db,
                "followup",
                "add",
                ref,
                "Alert on queue",
                "--due",
                (
                    date.today() + timedelta(days=30)
                ).isoformat(),  # this command reads the real clock
                "--priority",
                "high",
                "--kind",
                "detect",
                "--owner",
                "Ben",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("F1 ")
    assert main(["--db", db, "followup", "update", ref, "F1", "--status", "done"]) == 0
    assert main(["--db", db, "followups", ref, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["status"] == "done" and rows[0]["number"] == "F1"
    assert main(["--db", db, "postmortem", ref]) == 0
    shown = capsys.readouterr().out
    assert "summary: Queue stuck." in shown and "authors: Ana; Ben" in shown
    assert main(["--db", db, "followup", "add", ref, "Bad", "--due", "tomorrow"]) == 2
    assert "is not a date in the form YYYY-MM-DD" in capsys.readouterr().err
    out = tmp_path / "r.pdf"
    assert main(["--db", db, "report", ref, "--pdf", str(out), "--letter", "--zone", "UTC"]) == 0
    assert "pages)" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["--db", db, "report", ref, "--pdf", str(out), "--zone", "Mars/Base"]) == 2
    assert "no time zone 'Mars/Base'" in capsys.readouterr().err


def test_follow_ups_added_in_one_minute_are_numbered_in_the_order_they_were_added(
    app, ctx, monkeypatch
):
    """F1, F2, ... follow the log, not the follow-ups' random ids (the second one's id
    sorts first here)."""
    from types import SimpleNamespace

    from mimdesk.reports.postmortem.followups import followup_number, ordered_followups
    from mimdesk.usecases import followups, incidents

    summary, _ = incidents.report(ctx, title="Payroll export failing")
    ids = iter(["01ZZZZZZZZZZZZZZZZZZZZZZZZ", "01AAAAAAAAAAAAAAAAAAAAAAAA"])
    monkeypatch.setattr(followups, "new_id", lambda: next(ids))
    followups.add(ctx, reference=summary.reference, title="First")
    followups.add(ctx, reference=summary.reference, title="Second")
    state = incidents.get(ctx, summary.reference).state
    b = SimpleNamespace(state=state, data=SimpleNamespace(generated_at=ctx.now()))
    assert [f.title for f in ordered_followups(b)] == ["First", "Second"]  # type: ignore[arg-type]
    first = next(f for f in state.followups.values() if f.title == "First")
    assert followup_number(b, first) == "F1"  # type: ignore[arg-type]


def test_the_pdf_flags_an_entry_signed_by_another_persons_account(app, ctx, ref, tmp_path):
    """The desk signs as Test Desk, but the directory gives its account to Ben Okafor."""
    from pypdf import PdfReader

    from mimdesk.usecases import directory, timeline

    directory.save_person(ctx, name="Ben Okafor", accounts=[ctx.author.login])
    timeline.add_note(ctx, reference=ref, text="Restarted the queue")
    out = tmp_path / "pm.pdf"
    postmortem.export_pdf(ctx, reference=ref, settings=app.settings, out=out)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert f"written by account {ctx.author.login}, Ben Okafor's" in text
