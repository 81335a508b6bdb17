"""Role cards: one page per role, read back from the real PDF."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from mimdesk.errors import InvalidInput
from mimdesk.usecases import declaration, directory, incidents, roles


@pytest.fixture
def incident(app, ctx):
    summary, _ = incidents.report(ctx, title="Payroll export failing", severity="SEV1")
    ref = summary.reference
    declaration.declare(
        ctx,
        reference=ref,
        settings=app.settings,
        severity="SEV1",
        mim="Ελένη Παπαδοπούλου",
        rationale="Payday tomorrow",
    )
    directory.save_person(
        ctx, name="Ελένη Παπαδοπούλου", phone="+30 21 0000 0000", email="eleni@example.org"
    )
    roles.assign(ctx, reference=ref, role="tech_lead", person="Дмитрий Иванов")
    incidents.change_field(
        ctx,
        reference=ref,
        field="bridge",
        value="Phone bridge +44 20 7946 0999, PIN 4455 " + "x" * 400,
    )
    duty = app.settings.role("mim").duties[0]
    roles.tick_duty(ctx, reference=ref, settings=app.settings, role="mim", duty=duty)
    return ref


def text_of(page) -> str:
    return " ".join(page.extract_text().split())


def test_one_page_per_role_with_duties_bridge_and_contacts(app, ctx, incident, tmp_path):
    out = roles.role_cards(
        ctx, reference=incident, settings=app.settings, out=tmp_path / "cards.pdf"
    )
    pages = PdfReader(out).pages
    assert len(pages) == len(app.settings.roles)
    for page, role in zip(pages, app.settings.roles, strict=True):
        text = text_of(page)
        assert text.startswith(role.label)
        assert incident in text
        assert "Phone bridge +44 20 7946 0999, PIN 4455" in text
        for duty in role.duties:
            assert " ".join(duty.split()[:4]) in text
    mim = text_of(pages[0])
    assert "Ελένη Παπαδοπούλου — +30 21 0000 0000 · eleni@example.org" in mim
    assert "☑ Open the bridge" in mim and "☐ Set the update cadence" in mim
    assert "Дмитрий Иванов" in text_of(pages[1])


def test_single_role_and_letter_paper(app, ctx, incident, tmp_path):
    out = roles.role_cards(
        ctx,
        reference=incident,
        settings=app.settings,
        out=tmp_path / "scribe.pdf",
        role="scribe",
        page_size="LETTER",
    )
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert "Nobody yet" in text_of(reader.pages[0])
    with pytest.raises(InvalidInput, match="no role 'chef'"):
        roles.role_cards(
            ctx, reference=incident, settings=app.settings, out=tmp_path / "x.pdf", role="chef"
        )
    with pytest.raises(InvalidInput, match="Cannot write"):
        roles.role_cards(
            ctx, reference=incident, settings=app.settings, out=tmp_path / "missing" / "x.pdf"
        )
