"""Draft, edit, approve, send, record: the use cases and what they leave in the log."""

from __future__ import annotations

import email
import tempfile
from email import policy
from pathlib import Path
from urllib.parse import unquote

import pytest

from mimdesk import config
from mimdesk.domain.events import Author, EventType
from mimdesk.domain.payloads import HandedToMailClient
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.usecases import comms, incidents, timers


def save(app, ref, *, kind="update", audience="business", channel="eml", **kwargs):
    rendered = comms.draft(
        app.ctx, reference=ref, settings=app.settings, kind=kind, audience=audience
    )
    draft_id, _ = comms.save_draft(
        app.ctx,
        reference=ref,
        settings=app.settings,
        kind=kind,
        audience=audience,
        subject=kwargs.pop("subject", rendered.subject),
        body=kwargs.pop("body", rendered.body),
        channel=channel,
        **kwargs,
    )
    return draft_id


def require_approval(app, tmp_path) -> None:
    (tmp_path / "no-site.toml").write_text("[comms]\nrequire_approval = true\n")
    app.settings = config.load_settings(app.paths)
    assert app.settings.comms.require_approval


def test_editing_a_draft_keeps_its_id_and_needs_approval_again(app, ctx, incident, tmp_path):
    require_approval(app, tmp_path)
    draft_id = save(app, incident.reference)
    comms.approve(ctx, reference=incident.reference, draft_id=draft_id)
    assert comms.drafts(ctx, incident.reference)[0].state == "approved"
    comms.save_draft(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        kind="update",
        audience="business",
        subject="Edited subject",
        body="Edited body",
        draft_id=draft_id,
    )
    (only,) = comms.drafts(ctx, incident.reference)
    assert (only.draft_id, only.subject, only.state, only.approved_by) == (
        draft_id,
        "Edited subject",
        "drafted",
        "",
    )
    with pytest.raises(Refused, match="requires the Major Incident Manager's approval"):
        comms.send(
            ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
            channel="eml", out=tmp_path / "x.eml",
        )  # fmt: skip
    assert not (tmp_path / "x.eml").exists()


def test_only_the_mim_may_approve(app, ctx, incident):
    draft_id = save(app, incident.reference)
    ctx.author = Author("Ben Okafor", "ben")
    with pytest.raises(Refused, match="Only the Major Incident Manager, Ana Costa, can approve"):
        comms.approve(ctx, reference=incident.reference, draft_id=draft_id)
    ctx.author = Author("ana costa", "ana")  # case does not matter
    comms.approve(ctx, reference=incident.reference, draft_id=draft_id)
    assert comms.drafts(ctx, incident.reference)[0].approved_by == "ana costa"
    with pytest.raises(NotFound):
        comms.approve(ctx, reference=incident.reference, draft_id="nope")


def test_without_required_approval_a_draft_is_handed_to_the_mail_client_not_sent(
    app, ctx, incident, tmp_path, clock
):
    """An .eml for the mail client is written and recorded as handed over: not sent, no
    timer reset, no update counted; marking it sent by e-mail afterwards does all three."""
    draft_id = save(
        app, incident.reference, recipients=['"Ελένη Παπαδοπούλου" <eleni@example.org>']
    )
    before = incidents.get(ctx, incident.reference)
    (waiting,) = [
        t for t in timers.timers(before, app.settings, clock.now) if t.audience == "business"
    ]
    clock.advance(minutes=3)
    result, _ = comms.send(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="eml",
        out=tmp_path / "update.eml",
    )
    assert result.outcome == "handed" and not result.sent
    assert result.detail == str(tmp_path / "update.eml")
    view = incidents.get(ctx, incident.reference)
    assert view.state.messages == []
    draft = view.state.drafts[draft_id]
    assert draft.state == "handed"
    (entry,) = [e for e in view.events if isinstance(e.payload, HandedToMailClient)]
    assert entry.payload.file == "update.eml"
    # Recorded as parsed (canonical form), not as typed: the quotes were not needed.
    assert entry.payload.recipients == ("Ελένη Παπαδοπούλου <eleni@example.org>",)
    texts = [t.text for t in view.timeline]
    assert any("handed to the mail client" in t and "not sent" in t for t in texts)
    assert not any(t.startswith("Update sent to business") for t in texts)
    # The timer did not move.
    (business,) = [
        t for t in timers.timers(view, app.settings, clock.now) if t.audience == "business"
    ]
    assert business.due_at == waiting.due_at

    clock.advance(minutes=2)
    comms.mark_sent_by_other_means(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="email",
    )
    view = incidents.get(ctx, incident.reference)
    (message,) = view.state.messages
    assert (message.channel, message.at, view.state.drafts[draft_id].state) == (
        "email",
        clock.now,
        "sent",
    )
    (business,) = [
        t for t in timers.timers(view, app.settings, clock.now) if t.audience == "business"
    ]
    assert business.due_at == clock.now + business.interval
    with pytest.raises(Refused, match="sent already"):
        comms.send(
            ctx,
            reference=incident.reference,
            settings=app.settings,
            draft_id=draft_id,
            channel="eml",
        )


def test_eml_without_a_path_goes_to_the_files_folder_never_a_temporary_one(
    app, ctx, incident, tmp_path
):
    draft_id = save(app, incident.reference)
    result, _ = comms.send(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
        channel="eml",
    )  # fmt: skip
    written = Path(result.detail)
    assert written.parent == tmp_path / "home" / "MIM Desk" == app.settings.files.path
    assert written.is_file() and written.suffix == ".eml"
    assert not written.is_relative_to(Path(tempfile.gettempdir()) / "MIMDesk")
    # A site's [files] folder wins over the default.
    (tmp_path / "no-site.toml").write_text(
        f'[files]\nfolder = "{(tmp_path / "desk files").as_posix()}"\n'
    )
    app.settings = config.load_settings(app.paths)
    path = comms.export_eml(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id
    )
    assert path.parent == tmp_path / "desk files"
    # Handed over again in the same second (the test clock stands still): a new file, the
    # first one kept as it was.
    first = path.read_bytes()
    again = comms.export_eml(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id
    )
    assert again != path and again.name == path.stem + "-2.eml"
    assert path.read_bytes() == first


def test_eml_is_an_editable_draft_with_encoded_names(app, ctx, incident, tmp_path):
    (tmp_path / "no-site.toml").write_text(
        '[comms]\nfrom_name = "Υπηρεσία Εξυπηρέτησης"\nfrom_address = "desk@example.org"\n'
    )
    app.settings = config.load_settings(app.paths)
    draft_id = save(
        app,
        incident.reference,
        recipients=["Ελένη Παπαδοπούλου <eleni@example.org>", "ops@example.org"],
    )
    path = comms.export_eml(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
        out=tmp_path / "d.eml",
    )  # fmt: skip
    raw = path.read_bytes()
    assert raw.isascii()  # every header encoded for transport
    assert b"X-Unsent: 1" in raw
    assert b"=?utf-8?" in raw.lower()
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["To"].addresses[0].display_name == "Ελένη Παπαδοπούλου"
    assert msg["To"].addresses[0].addr_spec == "eleni@example.org"
    assert msg["From"].addresses[0].display_name == "Υπηρεσία Εξυπηρέτησης"
    draft = comms.drafts(ctx, incident.reference)[0]
    assert msg["Subject"] == draft.subject
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == draft.body
    assert "<html" in msg.get_body(("html",)).get_content()
    # Exporting is not sending: the timer is untouched and the draft still a draft.
    assert incidents.get(ctx, incident.reference).state.messages == []


def test_mailto_link_is_cut_to_fit_and_says_so(app, ctx, incident):
    long_body = "Långt meddelande. " * 300
    draft_id = save(app, incident.reference, body=long_body, recipients=["ops@example.org"])
    link = comms.mailto(ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id)
    assert link.truncated and len(link.url) <= 2000
    assert link.url.startswith("mailto:ops@example.org?subject=")
    body = unquote(link.url.split("&body=", 1)[1])
    assert body.startswith("Långt meddelande.") and body.endswith("from the clipboard.]")
    short = save(app, incident.reference, body="Short\nbody", recipients=["ops@example.org"])
    link = comms.mailto(ctx, reference=incident.reference, settings=app.settings, draft_id=short)
    assert not link.truncated and link.url.endswith("&body=Short%0D%0Abody")


def test_sent_by_other_means_records_the_exact_text(app, ctx, incident, clock):
    draft_id = save(app, incident.reference, audience="executives")
    earlier = clock.now
    clock.advance(minutes=10)
    comms.mark_sent_by_other_means(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="phone",
        recipients=["CEO"],
        sent_at=earlier,
    )
    state = incidents.get(ctx, incident.reference).state
    (message,) = state.messages
    assert (message.channel, message.recipients, message.at) == ("phone", ("CEO",), earlier)
    assert message.body == state.drafts[draft_id].body
    assert state.last_sent["executives"] == earlier
    with pytest.raises(InvalidInput, match="There is no way of sending by hand 'pigeon'"):
        other = save(app, incident.reference)
        comms.mark_sent_by_other_means(
            ctx, reference=incident.reference, settings=app.settings, draft_id=other,
            channel="pigeon",
        )  # fmt: skip


def test_checklist_names_what_a_draft_lacks(app, ctx, incident):
    rendered = comms.draft(
        ctx, reference=incident.reference, settings=app.settings, kind="update", audience="business"
    )
    assert comms.check(
        ctx, reference=incident.reference, settings=app.settings, kind="update",
        audience="business", subject=rendered.subject, body=rendered.body,
    ) == []  # fmt: skip
    bare = comms.check(
        ctx, reference=incident.reference, settings=app.settings, kind="update",
        audience="business", subject="Hello", body="Thanks for your patience.",
    )  # fmt: skip
    assert [m.id for m in bare] == ["what_happened", "impact", "actions", "next_update"]
    assert all(m.hint for m in bare)
    resolved = comms.check(
        ctx, reference=incident.reference, settings=app.settings, kind="resolved",
        audience="customers",
        subject="Resolved: Email",
        body="Email is working again; users can send mail. We restored the server "
        "srv-mail01 at 10.1.2.3 and it should be fixed within 2 hours.",
    )  # fmt: skip
    ids = {m.id: m for m in resolved}
    assert set(ids) == {"data_loss", "internal_names", "time_estimate"}
    assert "srv-mail01" in ids["internal_names"].hint and "10.1.2.3" in ids["internal_names"].hint


def test_checklist_wants_the_workaround_when_mitigated(app, ctx, incident):
    incidents.change_status(ctx, reference=incident.reference, to="mitigated")
    rendered = comms.draft(
        ctx, reference=incident.reference, settings=app.settings, kind="mitigated",
        audience="it_staff",
    )  # fmt: skip
    assert "[describe the workaround]" in rendered.body
    missing = comms.check(
        ctx, reference=incident.reference, settings=app.settings, kind="mitigated",
        audience="it_staff", subject=rendered.subject, body=rendered.body,
    )  # fmt: skip
    assert [m.id for m in missing] == ["workaround"]


def test_bad_input_is_refused_with_a_clear_message(app, ctx, incident):
    with pytest.raises(InvalidInput, match="no kind of update 'weekly'"):
        comms.draft(
            ctx,
            reference=incident.reference,
            settings=app.settings,
            kind="weekly",
            audience="business",
        )
    with pytest.raises(InvalidInput, match="no audience 'press'"):
        comms.draft(
            ctx,
            reference=incident.reference,
            settings=app.settings,
            kind="update",
            audience="press",
        )
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        save(app, incident.reference, recipients=["not an address"], channel="smtp")
    draft_id = save(app, incident.reference)
    with pytest.raises(InvalidInput, match="No recipients"):
        comms.send(
            ctx,
            reference=incident.reference,
            settings=app.settings,
            draft_id=draft_id,
            channel="smtp",
        )
    events = [e.type for e in incidents.get(ctx, incident.reference).events]
    assert EventType.SEND_FAILED not in events and EventType.MESSAGE_SENT not in events
