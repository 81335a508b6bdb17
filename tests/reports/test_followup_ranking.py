"""Issue 16, point 3: the top follow-up actions are the top ones, and every list numbers the
actions in the order they were written or imported."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from mimdesk.cli import main
from mimdesk.usecases import followups, incidents, postmortem

# (title, priority, due, owner): written in this order.
WRITTEN = [
    ("Low, due soon", "low", "2026-12-10", "Ana Costa"),
    ("High, no due date", "high", "", "Ben Okafor"),
    ("Medium, due late", "medium", "2027-02-01", ""),
    ("High, due late", "high", "2027-03-01", "Chris Doyle"),
    ("High, due soon", "high", "2026-12-20", ""),
    ("Medium, due soon", "medium", "2026-12-15", "Dana Whitfield"),
    ("High, due soon, written later", "high", "2026-12-20", "Eve Adams"),
]
# By priority, then due date (none last), then the order written.
RANKED = [
    "High, due soon",
    "High, due soon, written later",
    "High, due late",
    "High, no due date",
    "Medium, due soon",
]


def _incident(ctx) -> str:
    summary, _ = incidents.report(ctx, title="Ranking test", severity="SEV2")
    for title, priority, due, owner in WRITTEN:
        followups.add(
            ctx,
            reference=summary.reference,
            title=title,
            priority=priority,
            due=due or None,
            owner=owner,
        )
    return summary.reference


def _summary_page(app, ctx, ref: str, tmp_path: Path) -> str:
    out = tmp_path / "pm.pdf"
    postmortem.export_pdf(ctx, reference=ref, settings=app.settings, out=out)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out).pages]
    return next(p for p in pages if "Top follow-up actions" in p or "follow-up actions" in p)


def test_the_summary_ranks_by_priority_then_due_then_written_order(app, ctx, tmp_path):
    ref = _incident(ctx)
    page = _summary_page(app, ctx, ref, tmp_path)
    positions = [page.find(title) for title in RANKED]
    assert -1 not in positions, page
    assert positions == sorted(positions), page
    # Only five: the sixth and seventh are counted, not shown.
    assert "Low, due soon" not in page.split("more in section")[0].split("High, due soon")[-1]
    assert "and 2 more in section 8" in page
    # Owners and due dates are shown; the open actions nobody owns are counted.
    assert "Eve Adams" in page and "2026-12-20" in page
    assert "2 open actions with no owner" in page


def test_numbers_follow_the_order_written_in_every_list(app, ctx, tmp_path):
    # A back-fill adds its follow-ups at one moment: only the order written tells them apart.
    backfill = {
        "format": "mimdesk.backfill",
        "version": 1,
        "title": "Ranking test",
        "reported_at": "2026-11-20T09:00:00+00:00",
        "status": "candidate",
        "follow_ups": [
            {"title": title, "priority": priority, "due": due, "owner": owner}
            for title, priority, due, owner in WRITTEN
        ],
    }
    source = tmp_path / "backfill.json"
    source.write_text(json.dumps(backfill), encoding="utf-8")
    db = str(tmp_path / "desk.sqlite3")
    assert main(["--db", db, "import", str(source)]) == 0
    ref = incidents.list_incidents(ctx)[0].reference
    items = followups.list_followups(ctx, reference=ref)
    assert len({f.added_at for f in items}) == 1
    # Their ids are random-looking: sorted by id they would come out in another order.
    assert sorted(items, key=lambda f: f.id) != items
    assert [f.title for f in items] == [w[0] for w in WRITTEN]
    out = tmp_path / "export.json"
    assert main(["--db", db, "export", ref, "--json", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["summary"]["follow_ups"]
    assert [(f["number"], f["title"]) for f in exported] == [
        (f"F{n}", w[0]) for n, w in enumerate(WRITTEN, 1)
    ]
