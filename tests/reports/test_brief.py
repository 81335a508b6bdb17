"""Issue 16, point 7: the one-page brief (`mimdesk report REF --brief --pdf OUT`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from mimdesk.cli import main
from mimdesk.usecases import followups, postmortem
from tests.reports.test_postmortem_pdf import build_incident

LONG_CAUSE = " ".join(
    f"Reason {n}: the standby database kept undo for fifteen minutes while the export ran for "
    "longer, so every retry read a snapshot that was already gone."
    for n in range(1, 30)
)


def _text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), " ".join(reader.pages[0].extract_text().split())


@pytest.fixture
def incident(app, clock) -> str:
    return build_incident(app, clock)


def test_the_brief_is_one_page_with_what_an_executive_reads(app, ctx, incident, tmp_path, capsys):
    postmortem.set_fields(
        ctx,
        reference=incident,
        root_cause=LONG_CAUSE,
        impact_users="about 1,200 staff in every site",
        impact_money="up to £40,000 in late-payment fees",
    )
    out = tmp_path / "brief.pdf"
    db = str(tmp_path / "desk.sqlite3")
    assert main(["--db", db, "report", incident, "--brief", "--pdf", str(out)]) == 0
    assert f"{out} (1 page)" in capsys.readouterr().out
    pages, text = _text(out)
    assert pages == 1
    assert "Incident brief" in text
    assert "Payroll export failing for every site" in text
    assert incident in text and "SEV1" in text
    # Headline figures with their definitions under them.
    # (no impact-ended time here: the definition says the figure runs to the mitigation)
    assert "Customer impact" in text and "impact started → mitigated (no impact-ended time" in text
    assert "Incident open" in text and "reported → resolved" in text
    # The impact in numbers, as the review wrote them.
    assert "about 1,200" in text and "up to £40,000" in text and "late-payment fees" in text
    # The root cause in three lines at most: its start, cut, and where the rest is.
    assert "Reason 1:" in text and "Reason 29:" not in text
    assert "(in full in the postmortem)" in text
    # The top actions with their owners, and the review's status.
    top = followups.list_followups(ctx, reference=incident)
    open_titles = [f.title for f in top if f.status not in ("done", "cancelled")]
    assert any(title[:30] in text for title in open_titles)
    assert "Draft: not yet approved." in text


def test_a_root_cause_is_cut_to_three_lines(app, ctx, incident, tmp_path):
    postmortem.set_fields(ctx, reference=incident, root_cause=LONG_CAUSE)
    out = tmp_path / "brief.pdf"
    postmortem.export_pdf(ctx, reference=incident, settings=app.settings, out=out, brief=True)
    _, text = _text(out)
    shown = text.split("Root cause", 1)[1].split("(in full in the postmortem)")[0]
    # Three lines of about 100 characters each, and never the whole text.
    assert 150 < len(shown) < 420, shown


def test_a_huge_incident_still_fits_one_page(app, ctx, incident, tmp_path):
    for n in range(40):
        followups.add(ctx, reference=incident, title=f"Action {n} " + "word " * 35, priority="high")
    postmortem.set_fields(
        ctx,
        reference=incident,
        root_cause=LONG_CAUSE,
        **{
            name: f"about {n + 1},000 " + "qualifier " * 15
            for n, name in enumerate(
                (
                    "impact_users",
                    "impact_customers",
                    "impact_transactions",
                    "impact_support_contacts",
                    "impact_data_lost",
                    "impact_money",
                )
            )
        },
    )
    out = tmp_path / "brief.pdf"
    result = postmortem.export_pdf(
        ctx, reference=incident, settings=app.settings, out=out, brief=True
    )
    pages, text = _text(out)
    assert result.pages == pages == 1
    # Five actions shown (numbered as in the postmortem), the rest counted.
    assert len(set(re.findall(r"\bF\d+\b", text))) == 5
    assert "open actions in all" in text


def test_approval_and_an_undeclared_incident_are_said_as_they_are(app, ctx, tmp_path):
    from mimdesk.usecases import incidents

    summary, _ = incidents.report(ctx, title="Never declared", severity="SEV3")
    ref = summary.reference
    postmortem.set_fields(
        ctx,
        reference=ref,
        summary="S",
        root_cause="R",
        approver="Dana Whitfield",
        approved_on="2026-12-03",
        status="final",
    )
    out = tmp_path / "brief.pdf"
    postmortem.export_pdf(ctx, reference=ref, settings=app.settings, out=out, brief=True)
    _, text = _text(out)
    assert "Final, approved by Dana Whitfield on 2026-12-03." in text
    # No figure the record has no times for: a candidate has no declare figure, and an
    # incident not resolved is said to be open, not given a duration.
    assert "Time to declare" not in text
    assert "Incident open" in text and "still open" in text


def test_the_brief_never_writes_over_the_database(app, ctx, incident, tmp_path):
    db = tmp_path / "desk.sqlite3"
    before = db.read_bytes()
    code = main(["--db", str(db), "report", incident, "--brief", "--pdf", str(db), "--force"])
    assert code != 0
    assert db.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
