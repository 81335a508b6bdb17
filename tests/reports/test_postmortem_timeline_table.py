"""The timeline table reads in one pass (issue 16, point 5): one line per entry where it fits,
"written …" only on back-dated entries, milestones shaded, impact start and detection as rows,
and no heading left alone at the bottom of a page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from mimdesk.reports import pm_layout
from mimdesk.usecases import incidents, postmortem, timeline
from tests.reports.test_postmortem_pdf import build_incident

PARIS = ZoneInfo("Europe/Paris")


def export(app, ctx, ref, out, zone=PARIS) -> PdfReader:
    postmortem.export_pdf(ctx, reference=ref, settings=app.settings, out=out, zone=zone)
    return PdfReader(out)


def timeline_lines(reader: PdfReader) -> list[str]:
    """The timeline's printed lines, as laid out on the page."""
    lines: list[str] = []
    inside = False
    # The cover's contents names the sections too: the section starts at its heading's page.
    for page in reader.pages[2:]:
        for line in page.extract_text(extraction_mode="layout").splitlines():
            line = " ".join(line.split())
            if line.startswith("4 Timeline"):
                inside = True
            elif line.startswith("5 Roles and handovers"):
                return lines
            if inside and line:
                lines.append(line)
    return lines


def test_one_line_per_entry_written_only_when_back_dated_and_key_times_as_rows(
    app, ctx, clock, tmp_path
):
    ref = build_incident(app, clock)
    lines = timeline_lines(export(app, ctx, ref, tmp_path / "pm.pdf"))
    entries = [e for e in incidents.get(ctx, ref).timeline if not e.is_review]
    # A short entry is one line: its time, who wrote it and what happened.
    assert (
        "10:02 CET Ελένη Παπαδοπούλου Payroll job PX-17 failed with ORA-01555 (snapshot too old) "
        "on every site." in lines
    )
    assert (
        "10:20 CET Test Desk Update sent to the service desk by chat: Payroll: tell callers we know"
        in lines
    )
    # The back-dated entry says when it was written, on its own line; the others do not.
    back_dated = [e for e in entries if e.backdated]
    assert len(back_dated) == 1
    assert (
        "09:55 CET Test Desk First call from HR Lyon: export screen shows error 500. written 10:02"
        in lines
    )
    table = lines[lines.index("Time Who What happened") :]
    assert sum(" written " in f" {line} " for line in table) == len(back_dated)
    # The impact's start and its detection are rows, before the first entry.
    start = lines.index("09:40 CET key time Impact started")
    detected = lines.index("09:50 CET key time Detected")
    first = next(n for n, line in enumerate(lines) if line.startswith("09:55 CET"))
    assert start < detected < first
    # A note's kind is shown before its text; an observation's is not.
    assert any(line.startswith("10:25 CET Дмитрий Иванов Action · Runbook:") for line in lines)
    assert not any("Observation ·" in line for line in lines)


def test_written_gives_the_day_and_the_year_only_when_they_differ(app, ctx, clock, tmp_path):
    clock.now = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    summary, _ = incidents.report(
        ctx, title="New year", severity="SEV2", impact_started_at=clock.now - timedelta(hours=2)
    )
    ref = summary.reference
    timeline.add_note(
        ctx, reference=ref, text="Old year's call.", occurred_at=clock.now - timedelta(minutes=80)
    )
    timeline.add_note(
        ctx, reference=ref, text="Same day, later.", occurred_at=clock.now - timedelta(minutes=20)
    )
    clock.advance(days=1)
    timeline.add_note(
        ctx, reference=ref, text="Next day's note.", occurred_at=clock.now - timedelta(hours=23)
    )
    lines = timeline_lines(export(app, ctx, ref, tmp_path / "ny.pdf", zone=UTC))
    text = "\n".join(lines)
    assert "Old year's call. written 1 Jan 2027 00:30" in text
    assert "Same day, later. written 00:30" in text
    assert "Next day's note. written 2 Jan 00:30" in text


def test_milestone_rows_are_shaded(app, ctx, clock, tmp_path):
    ref = build_incident(app, clock)
    reader = export(app, ctx, ref, tmp_path / "pm.pdf")
    # As reportlab writes a fill colour: ".984314 .933333 .835294 rg".
    fill = " ".join(f"{c:.6f}".lstrip("0") for c in pm_layout.MILESTONE_FILL.rgb()) + " rg"
    shaded = 0
    for page in reader.pages:
        content = page.get_contents().get_data().decode("latin-1")
        shaded += sum(line.strip() == fill for line in content.split("\n"))
    # The report, the declaration, mitigation, resolution (the declared status the log kept
    # but did not apply is not one), and the key times of impact start and detection.
    assert shaded == 6


# --- no heading alone at the bottom of a page ----------------------------------------------


def body_lines(page) -> list[tuple[float, float, bool, str]]:
    """The page's text between the margins: (y, size, bold, text), top first."""
    height = float(page.mediabox.height)
    top, bottom = height - pm_layout.MARGIN_TOP + 2, pm_layout.MARGIN_BOTTOM - 2
    out: list[tuple[float, float, bool, str]] = []

    def visit(text, cm, tm, font, size):
        if not text.strip() or font is None:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(cm[3]) or 1
        if bottom < y < top:
            bold = "Bold" in str(font.get("/BaseFont", ""))
            out.append((y, size * scale, bold, text.strip()))

    page.extract_text(visitor_text=visit)
    return sorted(out, key=lambda item: -item[0])


def is_heading(size: float, bold: bool) -> bool:
    # The headings are bold and larger than any table cell or running text (h3 is 9.5 pt).
    return bold and size >= 9.4


def test_no_heading_ends_a_page_and_no_page_holds_only_a_heading(app, ctx, clock, tmp_path):
    summary, _ = incidents.report(ctx, title="Headings", severity="SEV2")
    ref = summary.reference
    sections = {
        name: f"The {name.replace('_', ' ')} in two sentences. It is written out at some length "
        "so that it takes a line or two of the page."
        for name in (
            "business_impact",
            "trigger",
            "detection",
            "resolution",
            "lead_up",
            "fault",
            "response",
            "recovery",
            "root_cause",
            "contributing_factors",
            "went_well",
            "went_badly",
            "got_lucky",
            "lessons",
            "related_incidents",
        )
    }
    postmortem.set_fields(ctx, reference=ref, **sections)
    # A review history longer than a page: a heading over a table that cannot move whole.
    for n in range(70):
        postmortem.set_field(ctx, reference=ref, field="owner", value=f"Owner {n}")
    checked = 0
    # Each added summary line moves every later heading down a line: across the loop each
    # heading passes every place on a page, the bottom among them.
    for lines in range(0, 30, 2):
        text = "\n".join(f"Summary line {n}." for n in range(lines + 1))
        postmortem.set_fields(ctx, reference=ref, summary=text)
        reader = export(app, ctx, ref, tmp_path / f"h{lines}.pdf")
        for number, page in enumerate(reader.pages, 1):
            body = body_lines(page)
            if not body:
                continue
            checked += 1
            _y, size, bold, last = body[-1]
            assert not is_heading(size, bold), f"{lines} lines: page {number} ends with {last!r}"
            assert not all(is_heading(s, b) for _, s, b, _ in body), (
                f"{lines} lines: page {number} holds only {last!r}"
            )
    assert checked > 50
