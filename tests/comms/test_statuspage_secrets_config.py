"""The status page (escaped, atomic), the keyring wrapper, and the [comms] settings checks."""

from __future__ import annotations

import json
import logging

import keyring
import pytest
from keyring.backends import fail, null

from mimdesk import config, configcheck, secrets
from mimdesk.errors import InvalidInput
from mimdesk.usecases import comms, incidents


def test_status_page_is_escaped_json_and_atomic(app, ctx, incident, tmp_path, clock):
    folder = tmp_path / "status"
    folder.mkdir()
    (tmp_path / "no-site.toml").write_text(
        f'[comms]\nstatus_page_dir = "{folder.as_posix()}"\nstatus_page_title = "Acme <status>"\n'
    )
    app.settings = config.load_settings(app.paths)
    draft_id, _ = comms.save_draft(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        kind="update",
        audience="customers",
        subject="Investigating: <script>alert('subject')</script>",
        body="Orders may be slow.\n<script>alert('body')</script> & more",
    )
    result, _ = comms.send(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
        channel="statuspage",
    )  # fmt: skip
    assert result.outcome == "sent"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt; &amp; more" in page
    assert "<title>Acme &lt;status&gt;</title>" in page
    assert "Email down for all staff" not in page  # the internal title stays internal
    data = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    (entry,) = data["incidents"]
    assert entry["reference"] == incident.reference
    assert entry["status"] == "Investigating" and entry["resolved"] is False
    assert (
        entry["updates"][0]["body"] == "Orders may be slow.\n<script>alert('body')</script> & more"
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        "status.json",
    ]  # no temp files

    # Resolved: the entry says so, newest update first.
    incidents.change_status(ctx, reference=incident.reference, to="resolved")
    clock.advance(minutes=30)
    second, _ = comms.save_draft(
        ctx, reference=incident.reference, settings=app.settings, kind="resolved",
        audience="customers", subject="Resolved: Email", body="All fixed. No data was lost.",
    )  # fmt: skip
    comms.send(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=second,
        channel="statuspage",
    )
    (entry,) = json.loads((folder / "status.json").read_text(encoding="utf-8"))["incidents"]
    assert entry["resolved"] is True and entry["status"] == "Resolved"
    assert [u["subject"] for u in entry["updates"]] == [
        "Resolved: Email",
        entry["updates"][1]["subject"],
    ]
    assert "All services are operating normally." in (folder / "index.html").read_text()


def test_status_page_folder_missing_is_queued(app, ctx, incident, tmp_path):
    (tmp_path / "no-site.toml").write_text(
        f'[comms]\nstatus_page_dir = "{(tmp_path / "share").as_posix()}"\n'
    )
    app.settings = config.load_settings(app.paths)
    draft_id, _ = comms.save_draft(
        ctx, reference=incident.reference, settings=app.settings, kind="update",
        audience="customers", subject="s", body="b",
    )  # fmt: skip
    result, _ = comms.send(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="statuspage",
    )
    assert result.outcome == "queued" and "cannot be reached" in result.reason


def test_secrets_round_trip_in_the_keyring(memory_keyring):
    secrets.set_secret("webhook:teams", "https://example.org/hook?sig=abc")
    assert memory_keyring.store[("MIMDesk", "webhook:teams")] == "https://example.org/hook?sig=abc"
    assert secrets.get_secret("webhook:teams") == "https://example.org/hook?sig=abc"
    assert secrets.delete_secret("webhook:teams") is True
    assert secrets.delete_secret("webhook:teams") is False
    assert secrets.get_secret("webhook:teams") is None
    with pytest.raises(InvalidInput, match="not a secret name"):
        secrets.set_secret("teams webhook", "x")
    with pytest.raises(InvalidInput) as caught:
        secrets.set_secret("smtp:mail", " p@ss with spaces ")
    assert "p@ss" not in str(caught.value)


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_no_keyring_is_a_clear_error(backend):
    keyring.set_keyring(backend())
    with pytest.raises(secrets.SecretStoreUnavailable, match="No keyring is available") as caught:
        secrets.set_secret("webhook:slack", "https://hooks.slack.com/services/T/B/XYZ")
    assert "Secret Service" in caught.value.hint
    with pytest.raises(secrets.SecretStoreUnavailable):
        secrets.get_secret("webhook:slack")


def test_send_without_a_keyring_fails_with_the_reason(app, ctx, incident):
    keyring.set_keyring(fail.Keyring())
    draft_id, _ = comms.save_draft(
        ctx, reference=incident.reference, settings=app.settings, kind="update",
        audience="it_staff", subject="s", body="b",
    )  # fmt: skip
    result, _ = comms.send(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id, channel="teams"
    )
    assert result.outcome == "failed" and "No keyring is available" in result.reason


def test_comms_settings_are_validated_with_key_paths(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        "[comms]\n"
        'require_approval = "yes"\n'
        'timezone = "Mars/Olympus"\n'
        "outbox_expire_minutes = 0\n"
        "colour = 1\n"
        "[comms.smtp]\n"
        'security = "ssl"\n'
        "port = 70000\n"
        'password = "hunter2-secret"\n'
        "[comms.recipients]\n"
        'executives = ["ceo@example.org", "not-an-address"]\n'
        "[comms.audience_style]\n"
        'customers = "shouty"\n',
        encoding="utf-8",
    )
    report = configcheck.check_file(path)
    errors = "\n".join(report.errors)
    for expected in (
        "comms.require_approval: must be true or false",
        "comms.timezone: 'Mars/Olympus' is not a time zone name",
        "comms.outbox_expire_minutes: must be from 1",
        "comms.smtp.security: must be one of 'starttls', 'tls', 'none'",
        "comms.smtp.port: must be from 1 to 65535",
        "comms.smtp.password: passwords are never kept in a settings file",
        "comms.recipients.executives[2]: 'not-an-address' is not an e-mail address",
        "comms.audience_style.customers: must be one of",
    ):
        assert expected in errors
    assert "hunter2-secret" not in errors
    assert "comms.colour: unknown setting, ignored" in report.warnings


def test_builtin_comms_defaults_load(app, caplog):
    caplog.set_level(logging.DEBUG)
    comms_settings = app.settings.comms
    assert comms_settings.require_approval is False
    assert comms_settings.smtp.security == "starttls" and comms_settings.smtp.port == 587
    assert comms_settings.style("customers") == "external"
    assert comms_settings.style("a-new-audience") == "business"
    assert comms_settings.approval == "none"
    assert app.settings.sources["comms.approval"] == "built-in"


def test_config_check_finds_templates_beside_the_file(tmp_path):
    site = tmp_path / "it"
    (site / "templates").mkdir(parents=True)
    path = site / "site.toml"
    path.write_text('[comms]\ntemplates_dir = "templates"\n', encoding="utf-8")
    assert configcheck.check_file(path).warnings == []
    path.write_text('[comms]\ntemplates_dir = "missing"\n', encoding="utf-8")
    (warning,) = configcheck.check_file(path).warnings
    assert warning == f"comms.templates_dir: the folder {site / 'missing'} does not exist here"
