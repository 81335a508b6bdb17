"""Issue 16, point 6: a back-filled incident is not shown noise. What its record does not hold
is left out, not printed as "none given", "not written yet" or "none recorded"."""

from __future__ import annotations

import json

from pypdf import PdfReader

from mimdesk.cli import main
from mimdesk.usecases import incidents

NOISE = (
    "none given",
    "None recorded",
    "none recorded",
    "Not written yet",
    "No summary written yet",
    "not assessed against the checklist",
    "Rationale: none",
    "Not named",
    "Not held yet",
)


def test_a_sparse_backfill_prints_what_it_holds_and_nothing_about_the_rest(app, ctx, tmp_path):
    source = tmp_path / "sparse.json"
    source.write_text(
        json.dumps(
            {
                "format": "mimdesk.backfill",
                "version": 2,
                "title": "Intranet down for the morning",
                "reported_at": "2025-03-04T09:10:00+00:00",
                "status": "resolved",
                "declared": False,
                "mitigated_at": "2025-03-04T11:40:00+00:00",
                "resolved_at": "2025-03-04T12:05:00+00:00",
                "entries": [{"at": "2025-03-04T09:10:00+00:00", "text": "Users report 503s."}],
            }
        ),
        encoding="utf-8",
    )
    db = str(tmp_path / "desk.sqlite3")
    assert main(["--db", db, "import", str(source)]) == 0
    ref = incidents.list_incidents(ctx)[0].reference
    out = tmp_path / "pm.pdf"
    assert main(["--db", db, "report", ref, "--pdf", str(out)]) == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Intranet down for the morning" in text and "Users report 503s." in text
    assert "Not formally declared" in text
    for phrase in NOISE:
        assert phrase not in text, phrase
    # A section with nothing in it says so once, as a fact of the record.
    assert "No follow-up actions recorded." in text
