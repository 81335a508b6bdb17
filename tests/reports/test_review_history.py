"""Postmortem edits are the review's history: apart from the incident's timeline in the PDF."""

from __future__ import annotations

from mimdesk.usecases import incidents, postmortem, timeline


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_the_pdf_lists_review_edits_in_their_own_section_not_the_timeline(app, ctx, tmp_path):
    summary, _ = incidents.report(ctx, title="Queue stuck", severity="SEV2")
    ref = summary.reference
    timeline.add_note(ctx, reference=ref, text="Restarted the queue")
    postmortem.set_field(ctx, reference=ref, field="summary", value="Disk full on the broker")
    out = tmp_path / "pm.pdf"
    postmortem.export_pdf(ctx, reference=ref, settings=app.settings, out=out)
    text = pdf_text(out)

    _review, rest = text.split("Review history", 1)
    timeline_part = rest.split("4 Timeline", 1)[1].split("5 Roles and handovers", 1)[0]
    # The review history names the edit, who made it and its words.
    history = rest.split("4 Timeline", 1)[0]
    assert "Postmortem summary edited: Disk full on the broker" in history
    assert "Test Desk" in history
    # The timeline keeps the incident's own entries, and counts only them.
    assert "Restarted the queue" in timeline_part
    assert "Postmortem summary edited" not in timeline_part
    assert "log (2)" in timeline_part  # the report and the note
