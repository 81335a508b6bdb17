"""The review's sections in the PDF (issue 16, point 6): each printed only when written, in the
site's order with the site's headings; the impact in numbers, the responders, the approval;
a back-filled incident printed without noise; and (point 9) no word split across a narrow
column."""

from __future__ import annotations

import copy
import os
from dataclasses import replace
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from mimdesk.app import open_app
from mimdesk.cli import main
from mimdesk.domain import schema
from mimdesk.domain.events import Author, EventType
from mimdesk.usecases import declaration, exchange, incidents, postmortem, roles
from tests.reports.test_export import BACKFILL

PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")


def pdf_pages(path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def review_part(pages: list[str]) -> str:
    """Section 3 up to the record and the review's own history (which names every edit)."""
    whole = " ".join(pages)
    review = whole.split("3 The review", 2)[-1].split("4 Timeline", 1)[0]
    return review.split("The incident as recorded", 1)[0].split("Review history", 1)[0]


def from_the_review_on(pages: list[str]) -> str:
    return " ".join(pages).split("3 The review", 2)[-1]


def export(app, ctx, ref, tmp_path, name="pm.pdf", zone=PARIS, settings=None):
    out = tmp_path / name
    postmortem.export_pdf(ctx, reference=ref, settings=settings or app.settings, out=out, zone=zone)
    return out


def reviewed_incident(ctx, clock) -> str:
    summary, _ = incidents.report(ctx, title="Card payments declined", severity="SEV1")
    ref = summary.reference
    clock.advance(minutes=30)
    postmortem.set_fields(
        ctx,
        reference=ref,
        summary="Card payments were declined for 40 minutes.",
        root_cause="The new certificate lacked its intermediate.",
        trigger="A certificate rotation on the payment gateway.",
        five_whys="1. Why were cards declined? The gateway refused our certificate.\n"
        "2) Why? The new certificate lacked the intermediate.\n"
        "Why did nobody notice? No check after rotation.",
        links="https://wiki.example.org/payments/rotation\nCHG0042 in the change tool",
        impact_customers="about 3,000 EU customers only",
        impact_money="up to €12,500",
        impact_support_contacts="0",
    )
    return ref


def test_only_written_sections_print_with_whys_numbered_and_links_clickable(
    app, ctx, clock, tmp_path
):
    ref = reviewed_incident(ctx, clock)
    out = export(app, ctx, ref, tmp_path)
    review = review_part(pdf_pages(out))
    for heading in ("Summary", "Trigger", "Five whys", "Supporting links", "Impact in numbers"):
        assert heading in review, heading
    # Not written: not printed, and no "not written yet" in their place.
    for heading in ("Lead-up", "Fault", "Recovery", "Where we got lucky", "Lessons learned"):
        assert heading not in review, heading
    assert "Not written yet" not in review and "none given" not in review
    # The whys are numbered by the PDF, once.
    assert "1. Why were cards declined? The gateway refused our certificate." in review
    assert "2. Why? The new certificate lacked the intermediate." in review
    assert "3. Why did nobody notice? No check after rotation." in review
    # The impact table: the qualifier stays with the number; the note beside it.
    assert "Customers affected about 3,000 EU customers only" in review
    assert "Money up to €12,500" in review
    assert "Support contacts 0" in review
    assert "Users affected" not in review.split("Impact in numbers", 1)[1].split("Trigger")[0]
    # A web address is a link; the ticket beside it is text.
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in PdfReader(out).pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://wiki.example.org/payments/rotation" in uris
    assert "CHG0042 in the change tool" in review


def site_app(home, tmp_path, clock, text: str):
    site = tmp_path / "site.toml"
    site.write_text(text, encoding="utf-8")
    return open_app(
        db=tmp_path / "site.sqlite3",
        env={**os.environ, "MIMDESK_SITE_CONFIG": str(site)},
        now=clock,
    )


def test_the_site_reorders_renames_and_hides_sections(home, tmp_path, clock):
    app = site_app(
        home,
        tmp_path,
        clock,
        "[report.sections]\n"
        'order = ["five_whys", "summary"]\n'
        'hide = ["trigger"]\n'
        'titles = { five_whys = "Why it happened, five times" }\n',
    )
    try:
        assert app.settings.warnings == []
        assert app.settings.report.sections.hide == ("trigger",)
        ref = reviewed_incident(app.ctx, clock)
        review = review_part(pdf_pages(export(app, app.ctx, ref, tmp_path)))
    finally:
        app.close()
    assert "Why it happened, five times" in review and "Five whys" not in review
    assert review.index("Why it happened, five times") < review.index("Summary")
    # The sections the site did not order follow in the built-in order.
    assert review.index("Summary") < review.index("Impact in numbers")
    assert review.index("Impact in numbers") < review.index("Supporting links")
    assert "Trigger" not in review and "certificate rotation" not in review


def test_config_check_names_a_section_it_does_not_know(tmp_path, capsys):
    site = tmp_path / "site.toml"
    site.write_text(
        "[report.sections]\n"
        'order = ["summary", "root_cuase"]\n'
        'hide = "five_whys"\n'
        "titles = { lessons = 3 }\n",
        encoding="utf-8",
    )
    code = main(["config", "check", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "report.sections.order[2]: 'root_cuase' is not a section; use one of summary, "
        "business_impact, impact_numbers," in err
    )
    assert 'report.sections.hide: must be a list of section names, e.g. ["summary"]' in err
    assert "report.sections.titles.lessons: must be a heading (text), not 3" in err
    good = tmp_path / "good.toml"
    good.write_text(
        '[report.sections]\norder = ["root_cause"]\ntitles = { root_cause = "Why" }\n',
        encoding="utf-8",
    )
    assert main(["config", "check", str(good)]) == 0


def test_final_only_when_approved(app, ctx, clock, tmp_path):
    ref = reviewed_incident(ctx, clock)
    stream = incidents.get(ctx, ref).state.stream_id
    # An older desk marked it final with no approval; this desk refuses that, the log keeps it.
    ctx.log.append(
        [
            ctx.event(
                stream,
                schema.decode(
                    EventType.POSTMORTEM_CHANGED, 1, {"field": "status", "value": "final"}
                ),
            )
        ]
    )
    pages = pdf_pages(export(app, ctx, ref, tmp_path, "unapproved.pdf"))
    assert "FINAL" not in " ".join(pages)
    assert "DRAFT" in pages[0]
    assert "it was marked final, but no approval is recorded" in review_part(pages)
    postmortem.set_fields(ctx, reference=ref, approver="Dana Whitfield", approved_on="2026-12-03")
    pages = pdf_pages(export(app, ctx, ref, tmp_path, "approved.pdf"))
    assert "FINAL" in pages[0] and "DRAFT" not in " ".join(pages)
    assert "This review is final. Approved by Dana Whitfield on 2026-12-03." in review_part(pages)


def test_responders_and_their_times(app, ctx, clock, tmp_path):
    summary, _ = incidents.report(ctx, title="Queue stuck", severity="SEV2")
    ref = summary.reference
    clock.advance(minutes=10)  # 09:10 UTC, 10:10 in Paris
    declaration.declare(
        ctx, reference=ref, settings=app.settings, severity="SEV2", mim="Ann Lee", rationale="x"
    )
    roles.assign(ctx, reference=ref, role="tech_lead", person="Bo Chan")
    clock.advance(minutes=50)  # 11:00
    roles.handover(ctx, reference=ref, role="tech_lead", to="Cy Diaz")
    clock.advance(minutes=30)  # 11:30
    incidents.change_status(ctx, reference=ref, to="mitigated")
    clock.advance(minutes=15)  # 11:45
    incidents.change_status(ctx, reference=ref, to="resolved")
    review = review_part(pdf_pages(export(app, ctx, ref, tmp_path)))
    table = review.split("Responders", 1)[1]
    assert "Bo Chan Technical Lead 2026-11-28 10:10–11:00 CET" in table
    assert "Cy Diaz Technical Lead 2026-11-28 11:00–11:45 CET (resolved)" in table
    assert "Ann Lee Major Incident Manager 2026-11-28 10:10–11:45 CET (resolved)" in table
    # Who wrote in the log, from the first entry to the last.
    entries = [
        e
        for e in incidents.get(ctx, ref).timeline
        if e.author.name == "Test Desk" and not e.is_review
    ]
    assert f"Test Desk — {len(entries)} entries, 2026-11-28 10:00–11:45 CET" in table


def test_a_backfilled_incident_prints_no_noise(app, ctx, tmp_path):
    document = copy.deepcopy(BACKFILL)
    del document["declaration_rationale"]
    result = exchange.import_document(ctx, document)
    pages = pdf_pages(export(app, ctx, result.reference, tmp_path, zone=LONDON))
    whole = from_the_review_on(pages)
    for noise in (
        "not assessed",
        "none given",
        "Rationale",
        "Not written yet",
        "None recorded",
        "Handover note",
    ):
        assert noise not in whole, noise
    # What the back-fill holds is there.
    assert "Declared a major incident" in whole and "Expired certificate." in whole
    assert "Марина Соколова Technical Lead 2025-06-10 09:25–11:30 BST (resolved)" in whole


def test_a_name_in_a_narrow_column_is_not_split_mid_word(app, ctx, tmp_path):
    """'Featherstonehaugh' in the decision table's "By" column stays one word (issue 16,
    point 9: "s hakespear e")."""
    summary, _ = incidents.report(ctx, title="Printer queue", severity="SEV2")
    declarer = replace(ctx, author=Author("Featherstonehaugh", "fh"))
    declaration.declare(
        declarer,
        reference=summary.reference,
        settings=app.settings,
        severity="SEV2",
        mim="Ann Lee",
        rationale="Every office printer is down before the board meeting; no workaround.",
    )
    reader = PdfReader(export(app, ctx, summary.reference, tmp_path))
    decision = [p.extract_text() for p in reader.pages if "Rationale" in p.extract_text()]
    assert decision
    table = decision[0].split("Rationale", 1)[1]
    assert "Featherstonehaugh" in table.split()
    # Every word of the table is whole: none ends a line cut short.
    assert [w for w in table.split() if w.startswith("Feather")] == ["Featherstonehaugh"] * len(
        [w for w in table.split() if w.startswith("Feather")]
    )
