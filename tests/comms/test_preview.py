"""The preview of an edited draft: the HTML the e-mail and the clipboard would carry."""

from __future__ import annotations

from mimdesk.usecases import comms


def test_preview_is_the_escaped_html_of_the_edited_text(app, incident):
    html = comms.preview_html(
        app.settings,
        reference=incident.reference,
        subject="Email <down>",
        body="First paragraph & more.\n\nSecond <b>paragraph</b>.",
    )
    assert "Email &lt;down&gt;" in html
    assert "First paragraph &amp; more." in html
    assert "Second &lt;b&gt;paragraph&lt;/b&gt;." in html
    assert "<b>" not in html
