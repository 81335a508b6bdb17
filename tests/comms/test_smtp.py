"""E-mail through a real SMTP server (aiosmtpd) on 127.0.0.1, with TLS verified against a CA
made in the test: refused without the CA, delivered with it; the password never leaks."""

from __future__ import annotations

import email
import logging
from email import policy
from pathlib import Path

from mimdesk import config, secrets
from mimdesk.domain.events import EventType
from mimdesk.usecases import comms, incidents
from tests.comms.conftest import SMTP_PASSWORD, SMTP_USER, free_port
from tests.support.recorded import as_json

RECIPIENTS = ["Ελένη Παπαδοπούλου <eleni@example.org>", "ops@example.org"]


def configure(
    app, tmp_path, port, *, ca=None, security="starttls", user=SMTP_USER, verify=None
) -> None:
    lines = [
        "[comms]",
        'from_name = "Service Desk – Ops"',
        'from_address = "desk@example.org"',
        "[comms.smtp]",
        'host = "127.0.0.1"',
        f"port = {port}",
        f'security = "{security}"',
        f'username = "{user}"',
        "timeout_seconds = 5",
    ]
    if ca is not None:
        lines.append(f'ca_file = "{Path(ca).as_posix()}"')
    if verify is not None:
        lines.append(f"verify = {'true' if verify else 'false'}")
    (tmp_path / "no-site.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app.settings = config.load_settings(app.paths)
    assert not app.settings.warnings, app.settings.warnings


def draft_and_send(app, ref, recipients=RECIPIENTS):
    rendered = comms.draft(
        app.ctx, reference=ref, settings=app.settings, kind="update", audience="business"
    )
    draft_id, _ = comms.save_draft(
        app.ctx,
        reference=ref,
        settings=app.settings,
        kind="update",
        audience="business",
        subject=rendered.subject,
        body=rendered.body,
        recipients=recipients,
        channel="smtp",
    )
    result, _ = comms.send(
        app.ctx, reference=ref, settings=app.settings, draft_id=draft_id, channel="smtp"
    )
    return draft_id, result


def test_starttls_fails_without_the_ca_then_delivers_with_it(
    app, ctx, incident, smtp_server, certs, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    configure(app, tmp_path, smtp_server.port)
    draft_id, result = draft_and_send(app, incident.reference)
    assert result.outcome == "failed"
    assert "could not be verified" in result.reason and "ca_file" in result.reason
    assert smtp_server.messages == [] and smtp_server.logins == []

    configure(app, tmp_path, smtp_server.port, ca=certs.ca)
    result, _ = comms.send(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id, channel="smtp"
    )
    assert result.outcome == "sent", result.reason
    assert smtp_server.logins == [SMTP_USER]
    (received,) = smtp_server.messages
    assert received.mail_from == "desk@example.org"
    assert received.rcpt_tos == ["eleni@example.org", "ops@example.org"]
    assert received.content.isascii()
    assert b"=?utf-8?" in received.content.lower()  # RFC 2047 encoded display names
    assert b"X-Unsent" not in received.content
    msg = email.message_from_bytes(received.content, policy=policy.default)
    (eleni, ops) = msg["To"].addresses
    assert (eleni.display_name, eleni.addr_spec) == ("Ελένη Παπαδοπούλου", "eleni@example.org")
    assert ops.addr_spec == "ops@example.org"
    assert msg["From"].addresses[0].display_name == "Service Desk – Ops"
    state = incidents.get(ctx, incident.reference).state
    draft = state.drafts[draft_id]
    assert msg["Subject"] == draft.subject
    assert msg["X-MIMDesk-Reference"] == incident.reference
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == draft.body
    assert msg.get_body(("html",)) is not None
    (message,) = state.messages
    assert message.channel == "smtp" and message.recipients == tuple(RECIPIENTS)
    assert SMTP_PASSWORD not in caplog.text


def test_a_site_that_turns_verification_off_still_sends_over_tls(
    app, ctx, incident, smtp_server, certs, tmp_path
):
    """verify = false: a self-signed relay is accepted, and the session is still encrypted
    (STARTTLS ran: the server logged the login, which it only allows over TLS)."""
    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    configure(app, tmp_path, smtp_server.port, verify=True)
    draft_id, result = draft_and_send(app, incident.reference)
    assert result.outcome == "failed" and "could not be verified" in result.reason
    configure(app, tmp_path, smtp_server.port, verify=False)
    assert app.settings.comms.smtp.verify is False
    result, _ = comms.send(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id, channel="smtp"
    )
    assert result.outcome == "sent", result.reason
    assert smtp_server.logins == [SMTP_USER]
    assert len(smtp_server.messages) == 1


def test_implicit_tls(app, ctx, incident, smtps_server, certs, tmp_path):
    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    configure(app, tmp_path, smtps_server.port, ca=certs.ca, security="tls")
    _, result = draft_and_send(app, incident.reference, ["ops@example.org"])
    assert result.outcome == "sent", result.reason
    assert len(smtps_server.messages) == 1


def test_wrong_password_fails_without_saying_it(
    app, ctx, incident, smtp_server, certs, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-pa55word-xyz"
    secrets.set_secret("smtp:127.0.0.1", wrong)
    configure(app, tmp_path, smtp_server.port, ca=certs.ca)
    draft_id, result = draft_and_send(app, incident.reference)
    assert result.outcome == "failed"
    assert "refused the user name or password" in result.reason
    assert wrong not in result.reason and wrong not in caplog.text
    state = incidents.get(ctx, incident.reference).state
    assert state.drafts[draft_id].state == "failed" and state.messages == []
    for event in incidents.get(ctx, incident.reference).events:
        assert wrong not in repr(event.payload)
    folder = Path(app.database).parent
    stored = b"".join(p.read_bytes() for p in folder.glob(Path(app.database).name + "*"))
    assert wrong.encode() not in stored and SMTP_PASSWORD.encode() not in stored


def test_missing_password_and_unreachable_server(app, ctx, incident, certs, tmp_path):
    port = free_port()  # nothing listens there
    configure(app, tmp_path, port, ca=certs.ca)
    _, result = draft_and_send(app, incident.reference)
    assert result.outcome == "failed"
    assert "mimdesk secret set smtp:127.0.0.1" in result.reason

    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    draft_id, result = draft_and_send(app, incident.reference)
    assert result.outcome == "queued"
    assert f"could not connect to the SMTP server 127.0.0.1:{port}" in result.reason
    events = incidents.get(ctx, incident.reference).events
    (queued,) = [e for e in events if e.type == EventType.QUEUED]
    assert as_json(queued.payload)["draft_id"] == draft_id
    assert as_json(queued.payload)["recipients"] == RECIPIENTS
