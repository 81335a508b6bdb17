"""The postmortem PDF, read back with pypdf (and poppler's word boxes where it is installed)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from mimdesk.domain import schema
from mimdesk.domain.events import Author, EventType
from mimdesk.reports.postmortem import SECTIONS
from mimdesk.usecases import (
    declaration,
    followups,
    incidents,
    postmortem,
    roles,
    timeline,
    timers,
)
from tests.system_tools import require_tool

PARIS = ZoneInfo("Europe/Paris")
ELENI = "Ελένη Παπαδοπούλου"
DMITRY = "Дмитрий Иванов"
ZOE = "Zoë Ångström"
LONG_URL = "https://status.example.org/incidents/" + "a1b2c3d4e5" * 26 + "/details"
LONG_NOTE = " ".join(
    f"Line {n}: the payroll export job retried against the standby database and failed again."
    for n in range(60)
)[:5000]


def as_(ctx, name: str, login: str = ""):
    return replace(ctx, author=Author(name, login))


def build_incident(app, clock) -> str:
    """A resolved SEV1 with every kind of entry the PDF must print: Greek and Cyrillic names,
    back-dated and corrected and withdrawn entries, a change that was not applied, a handover,
    updates to several audiences (one late), very long text, the review and follow-ups."""
    ctx = app.ctx
    start = clock.now  # 2026-11-28 09:00 UTC
    summary, _ = incidents.report(
        ctx,
        title="Payroll export failing for every site",
        impact="The nightly payroll export to the bank fails; salaries will not be paid.",
        severity="SEV1",
        users_affected=1200,
        services=["Payroll", "Bank file transfer"],
        impact_started_at=start - timedelta(minutes=20),
        detected_at=start - timedelta(minutes=10),
    )
    ref = summary.reference
    eleni = as_(ctx, ELENI, "eleni")
    clock.advance(minutes=2)
    timeline.add_note(
        eleni,
        reference=ref,
        text="Payroll job PX-17 failed with ORA-01555 (snapshot too old) on every site.",
    )
    first_call, _ = timeline.add_note(
        ctx,
        reference=ref,
        text="First call from HR Lyon: export screen shows error 500.",
        occurred_at=start - timedelta(minutes=5),
    )
    clock.advance(minutes=3)
    declaration.assess(
        ctx,
        reference=ref,
        checklist=app.settings.checklist,
        answers={
            "critical_service": True,
            "users_affected": 1200,
            "workaround": False,
            "expected_duration": "over_4h",
        },
    )
    clock.advance(minutes=5)  # 09:10
    declaration.declare(
        ctx,
        reference=ref,
        settings=app.settings,
        severity="SEV1",
        mim=ELENI,
        rationale="Payday tomorrow; no workaround for the bank file.",
    )
    roles.assign(ctx, reference=ref, role="tech_lead", person=DMITRY)
    roles.assign(ctx, reference=ref, role="comms_lead", person=ZOE)
    clock.advance(minutes=5)  # 09:15
    timers.record_update(
        ctx,
        reference=ref,
        settings=app.settings,
        audience="executives",
        channel="email",
        subject="Payroll export failing: initial notification",
        text="Dear all,\n\nThe payroll export to the bank is failing for every site.\n\n"
        "We are investigating; next update by 09:45.",
        recipients=["exec-team@example.org"],
    )
    clock.advance(minutes=5)  # 09:20
    timers.record_update(
        ctx,
        reference=ref,
        settings=app.settings,
        audience="service_desk",
        channel="chat",
        subject="Payroll: tell callers we know",
        text="Known issue, do not log new tickets.",
    )
    clock.advance(minutes=5)  # 09:25
    long_note, _ = timeline.add_note(
        dmitry := as_(ctx, DMITRY, "divanov"), reference=ref, text=LONG_NOTE, kind="action"
    )
    timeline.add_note(dmitry, reference=ref, text=f"Runbook: {LONG_URL}", kind="action")
    wrong, _ = timeline.add_note(
        dmitry, reference=ref, text="Standby databse is in sync.", kind="observation"
    )
    timeline.correct(ctx, reference=ref, target=wrong, text="Standby database is in sync.")
    withdrawn, _ = timeline.add_note(
        ctx, reference=ref, text="Bank says their gateway is down.", kind="observation"
    )
    timeline.correct(ctx, reference=ref, target=withdrawn, text="The bank denied it.", retract=True)
    clock.advance(minutes=25)  # 09:50: the executives' update was due at 09:45
    timers.record_update(
        ctx,
        reference=ref,
        settings=app.settings,
        audience="executives",
        channel="email",
        subject="Payroll export: update 2",
        text="Root cause found in the undo tablespace.",
    )
    roles.handover(ctx, reference=ref, role="tech_lead", to=ZOE, note="Dmitry off shift.")
    clock.advance(minutes=40)  # 10:30
    incidents.change_status(ctx, reference=ref, to="mitigated", reason="Export rerun by hand")
    clock.advance(minutes=45)  # 11:15
    incidents.change_status(ctx, reference=ref, to="resolved")
    # A change another desk made that the log keeps but the fold cannot apply.
    ctx.log.append(
        [
            ctx.event(
                summary.stream_id, schema.decode(EventType.STATUS_CHANGED, 1, {"to": "declared"})
            )
        ]
    )
    clock.advance(minutes=5)
    postmortem.set_fields(
        ctx,
        reference=ref,
        summary="The payroll export failed for 2 h 10 min because the undo tablespace "
        "was too small for the month-end volume.",
        business_impact="1,200 employees at risk of a late salary; paid on time after a rerun.",
        root_cause="Undo retention shorter than the export's longest query.",
        contributing_factors="Month-end volume 3x normal.",
        went_well="Declared within 10 minutes.",
        went_badly="The second executive update was late.",
        got_lucky="The bank's cut-off was extended.",
        lessons="Size undo for month end.",
        owner=ELENI,
        authors=[ELENI, DMITRY],
        meeting_date="2026-12-02",
    )
    followups.add(
        ctx,
        reference=ref,
        title="Increase undo retention",
        owner=DMITRY,
        due="2026-12-15",
        priority="high",
        kind="prevent",
        ticket="PRB0042",
    )
    followups.add(
        ctx,
        reference=ref,
        title="Alert on export duration",
        owner=ZOE,
        due="2026-11-29",
        priority="medium",
        kind="detect",
    )
    followups.add(
        ctx,
        reference=ref,
        title="Rehearse the manual rerun",
        owner="",
        priority="low",
        kind="process",
        status="done",
    )
    assert first_call and long_note
    clock.advance(days=2)  # the report is written two days on: one action is past due
    return ref


@pytest.fixture
def incident(app, clock):
    return build_incident(app, clock)


def norm(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def pdf(app, ctx, incident, tmp_path):
    out = tmp_path / "pm.pdf"
    result = postmortem.export_pdf(
        ctx, reference=incident, settings=app.settings, out=out, zone=PARIS
    )
    reader = PdfReader(out)
    assert result.pages == len(reader.pages)
    return reader


def page_texts(reader) -> list[str]:
    return [norm(p.extract_text()) for p in reader.pages]


def test_every_section_and_page_x_of_y(pdf):
    pages = page_texts(pdf)
    whole = " ".join(pages)
    for heading in SECTIONS:
        assert heading in whole, heading
    total = len(pages)
    assert 8 <= total <= 20
    for n, text in enumerate(pages, 1):
        assert f"Page {n} of {total}" in text
        assert "INTERNAL" in text


def test_cover_and_one_page_executive_summary(pdf, incident):
    pages = page_texts(pdf)
    cover = pages[0]
    assert "Payroll export failing for every site" in cover
    assert incident in cover and "SEV1 Critical" in cover
    assert "DRAFT" in cover
    assert f"Major Incident Manager {ELENI}" in cover
    assert f"Authors {ELENI}, {DMITRY}" in cover
    assert "Reported 2026-11-28 10:00 CET" in cover
    assert "Resolved 2026-11-28 12:15 CET" in cover
    assert pages[1].count("1 Executive summary") == 1
    assert "Increase undo retention" in pages[1]
    # The summary is one page: the next section starts on the next page.
    assert "2 Key times and figures" in pages[2]


def test_figures_match_the_incident(pdf):
    text = " ".join(page_texts(pdf))
    assert "Time to declare reported → declared 10 min 15 min met" in text
    assert "Time to mitigate reported → mitigated 1 h 30 min 4 h 00 min met" in text
    assert "Time to resolve reported → resolved 2 h 15 min 8 h 00 min met" in text
    assert "Customer impact impact started → mitigated 1 h 50 min" in text
    # Executives every 30 min: 09:15 on time, 09:50 late (due 09:45), then 10:20 passed with
    # no update before mitigation at 10:30: one missed. Service desk every 15 min: 09:20 on
    # time, then nothing until mitigation: one missed.
    assert "Executives every 30 min 2 1 1 1 0 33%" in text
    assert "Service desk every 15 min 1 1 0 1 0 50%" in text


def test_every_timeline_entry_is_printed(pdf, ctx, incident):
    text = " ".join(page_texts(pdf))
    flat = squash(text)
    entries = incidents.get(ctx, incident).timeline
    assert len(entries) > 25
    for entry in entries:
        if len(entry.text) > 400 or len(max(entry.text.split(), key=len)) > 60:
            # Long text is split over lines (and perhaps pages): compare it without spaces.
            assert squash(entry.text[:300]) in flat
            assert squash(entry.text[-300:]) in flat
        else:
            assert norm(entry.text) in text, entry.text


def test_timeline_marks_corrections_withdrawals_and_not_applied(pdf):
    text = " ".join(page_texts(pdf))
    assert (
        "Standby database is in sync. Corrected; it first read: Standby databse is in sync." in text
    )
    assert "Bank says their gateway is down. Withdrawn" in text
    assert "Entry withdrawn: The bank denied it." in text
    assert "Not applied: cannot go from Resolved to Declared" in text
    # A back-dated entry says when it was written; times carry their zone.
    assert re.search(r"09:55 CET Test Desk First call from HR Lyon: .* written 10:02", text)


def test_roles_declaration_comms_followups_and_appendix(pdf):
    text = " ".join(page_texts(pdf))
    assert f"Technical Lead {DMITRY} → {ZOE}" in text
    assert f"Handed over from {DMITRY} to {ZOE} Dmitry off shift." in text
    assert "Payday tomorrow; no workaround for the bank file." in text
    assert (
        "Is a revenue-generating or business-critical service down or badly degraded? yes" in text
    )
    assert "A.1" in text and "Payroll export failing: initial notification" in text
    assert "We are investigating; next update by 09:45." in text  # the message in full
    assert "To: exec-team@example.org" in text
    assert "F2 Alert on export duration detect medium Zoë Ångström 2026-11-29 overdue" in text
    assert "PRB0042" in text


def test_answers_and_channels_are_in_words_never_stored_values(pdf):
    """Issue 15: no ``over_4h`` and no ``eml``/``smtp`` in the PDF."""
    text = " ".join(page_texts(pdf))
    assert "How long is it expected to last? More than four hours" in text
    assert "Is there a workaround? no" in text
    assert "over_4h" not in text and "over 4h" not in text
    assert "· by e-mail" in text  # the appendix; the timeline keeps its recorded wording
    assert not re.search(r"\b(eml|smtp|sms)\b", text)


def test_greek_and_cyrillic_names_extract_and_the_font_is_embedded(pdf):
    text = " ".join(page_texts(pdf))
    assert ELENI in text and DMITRY in text and ZOE in text
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object() if "/FontDescriptor" in font else {}
            if "/FontFile2" in descriptor:
                fonts.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts), fonts
    assert not any("Helvetica" in f for f in fonts)


def test_long_text_wraps_inside_the_page(pdf, tmp_path):
    """Every word poppler finds lies inside the page's margins: nothing overflows."""
    require_tool("pdftotext", "poppler-utils")
    path = tmp_path / "pm.pdf"
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    assert pages
    for width, _height, body in pages:
        for x_min, x_max in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', body
        ):
            assert float(x_min) >= 40 and float(x_max) <= float(width) - 40, (x_min, x_max)


def test_a_note_longer_than_a_page_splits_across_pages(app, ctx, clock, tmp_path):
    summary, _ = incidents.report(ctx, title="Huge note", severity="SEV2")
    huge = "\n".join(f"Paragraph {n}: " + "word " * 60 for n in range(300))  # ~100k chars
    timeline.add_note(ctx, reference=summary.reference, text=huge[:100_000])
    postmortem.set_fields(ctx, reference=summary.reference, summary="x" * 10_000)
    out = tmp_path / "huge.pdf"
    result = postmortem.export_pdf(
        ctx, reference=summary.reference, settings=app.settings, out=out, zone=PARIS
    )
    text = squash(" ".join(p.extract_text() for p in PdfReader(out).pages))
    assert squash("Paragraph 299:") in text
    assert 10 < result.pages < 80


def test_letter_paper_progress_and_final(app, ctx, incident, tmp_path):
    postmortem.set_fields(
        ctx, reference=incident, approver="Dana Whitfield", approved_on="2026-12-03", status="final"
    )
    seen = []
    out = tmp_path / "letter.pdf"
    postmortem.export_pdf(
        ctx,
        reference=incident,
        settings=app.settings,
        out=out,
        page_size="Letter",
        zone=UTC,
        progress=lambda done, total: seen.append((done, total)),
    )
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    first = norm(reader.pages[0].extract_text())
    assert "FINAL" in first and "DRAFT" not in first
    assert "Reported 2026-11-28 09:00 UTC" in first
    assert seen[0] == (0, 100) and seen[-1] == (100, 100)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_fresh_candidate_prints_too(app, ctx, tmp_path):
    summary, _ = incidents.report(ctx, title="Nothing yet")
    out = tmp_path / "empty.pdf"
    result = postmortem.export_pdf(
        ctx, reference=summary.reference, settings=app.settings, out=out, zone=PARIS
    )
    text = norm(" ".join(p.extract_text() for p in PdfReader(out).pages))
    assert "No summary written yet." in text
    assert "No follow-up actions recorded" in text
    assert result.pages >= 6


def test_unwritable_output_is_a_clear_error(app, ctx, incident, tmp_path):
    from mimdesk.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Cannot write"):
        postmortem.export_pdf(
            ctx,
            reference=incident,
            settings=app.settings,
            out=tmp_path / "missing" / "pm.pdf",
        )


def test_report_settings_print_on_every_page(home, tmp_path, clock):
    import os

    from mimdesk.app import open_app

    site = tmp_path / "site.toml"
    site.write_text(
        '[report]\norganisation = "Κοινότητα Example Trust"\n'
        'classification = "Official-Sensitive"\npage_size = "Letter"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "MIMDESK_SITE_CONFIG": str(site)}
    app = open_app(db=tmp_path / "s.sqlite3", env=env, now=clock)
    try:
        assert app.settings.report.page_size == "Letter"
        summary, _ = incidents.report(app.ctx, title="Site settings")
        out = tmp_path / "site.pdf"
        postmortem.export_pdf(app.ctx, reference=summary.reference, settings=app.settings, out=out)
        reader = PdfReader(out)
        assert round(float(reader.pages[0].mediabox.width)) == 612
        for page in reader.pages:
            text = norm(page.extract_text())
            assert "Κοινότητα Example Trust" in text
            assert "OFFICIAL-SENSITIVE" in text
    finally:
        app.close()


def test_report_section_is_validated(tmp_path):
    from mimdesk import configcheck

    path = tmp_path / "bad.toml"
    path.write_text('[report]\npage_size = "A3"\norganisation = 7\n', encoding="utf-8")
    report = configcheck.check_file(path)
    assert any(
        e.startswith("report.page_size: must be one of 'A4', 'Letter'") for e in report.errors
    )
    assert any(e.startswith("report.organisation: must be text") for e in report.errors)


def test_when_the_incident_is_still_open(app, ctx, clock, tmp_path):
    summary, _ = incidents.report(ctx, title="Still running", severity="SEV2")
    declaration.declare(
        ctx,
        reference=summary.reference,
        settings=app.settings,
        severity="SEV2",
        mim="Ann",
        rationale="Two sites down",
    )
    clock.advance(hours=3)
    out = tmp_path / "open.pdf"
    postmortem.export_pdf(
        ctx, reference=summary.reference, settings=app.settings, out=out, zone=PARIS
    )
    text = norm(" ".join(p.extract_text() for p in PdfReader(out).pages))
    assert "not resolved when this report was printed" in text
    assert "still open when this report was printed" in text


def test_dates_printed_with_the_day_they_fall_on(pdf):
    text = " ".join(page_texts(pdf))
    assert "Saturday 28 November 2026" in text
    assert datetime(2026, 11, 28).strftime("%A") == "Saturday"


def test_the_demo_night_prints_every_entry(app, ctx, tmp_path):
    from mimdesk import demo

    refs = demo.load(ctx, settings=app.settings)
    resolved = max(refs, key=lambda r: len(incidents.get(ctx, r).timeline))
    view = incidents.get(ctx, resolved)
    assert len(view.timeline) >= 100
    out = tmp_path / "demo.pdf"
    result = postmortem.export_pdf(
        ctx, reference=resolved, settings=app.settings, out=out, zone=ZoneInfo("Europe/London")
    )
    pages = page_texts(PdfReader(out))
    assert len(pages) == result.pages
    for n, text in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in text
    whole = " ".join(pages)
    for entry in view.timeline:
        assert norm(entry.text) in whole, entry.text


def test_the_pdf_says_when_it_was_made(pdf):
    """Its creation date is today, not reportlab's invariant 2000-01-01."""
    from datetime import UTC, datetime

    made = pdf.metadata.creation_date
    assert made is not None
    assert abs((datetime.now(UTC) - made.astimezone(UTC)).total_seconds()) < 600
    assert pdf.metadata.title.startswith("Postmortem ")


def test_the_summary_says_how_many_open_actions_have_no_owner(app, ctx, incident, tmp_path):
    before = tmp_path / "before.pdf"
    postmortem.export_pdf(ctx, reference=incident, settings=app.settings, out=before, zone=PARIS)
    assert "with no owner" not in norm(PdfReader(before).pages[1].extract_text())
    for title in ("Document the rerun", "Ask the bank for a later cut-off"):
        followups.add(ctx, reference=incident, title=title, owner="", priority="medium")
    out = tmp_path / "after.pdf"
    postmortem.export_pdf(ctx, reference=incident, settings=app.settings, out=out, zone=PARIS)
    summary = norm(PdfReader(out).pages[1].extract_text())
    assert "2 open actions with no owner." in summary
