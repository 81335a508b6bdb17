"""``mimdesk draft``, ``send``, ``outbox`` and ``secret`` from the command line."""

from __future__ import annotations

import email
import io
import os
import subprocess
import sys
from email import policy

from mimdesk import cli, secrets


def test_draft_prints_the_rendered_message_in_a_subprocess(app, incident):
    app.close()  # the subprocess opens the database itself
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mimdesk",
            "--db",
            str(app.database),
            "draft",
            incident.reference,
            "--kind",
            "update",
            "--audience",
            "executives",
            "--check",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "TZ": "UTC"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    subject, blank, *body = done.stdout.splitlines()
    assert subject == f"[{incident.reference}] SEV1 Update: Email down for all staff"
    assert blank == ""
    assert body[0].startswith("Business impact: Staff cannot send or receive email")
    assert any(line.startswith("Next update: by ") and "UTC" in line for line in body)
    assert done.stderr == ""  # --check found nothing missing


def test_draft_error_is_one_line(app, incident, capsys):
    assert cli.main(["--db", str(app.database), "draft", incident.reference, "--kind", "update",
                     "--audience", "press"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith("mimdesk: There is no audience 'press'.") and err.count("\n") == 1


def test_send_eml_and_outbox(app, incident, tmp_path, capsys):
    out = tmp_path / "update.eml"
    app.close()
    code = cli.main([
        "--db", str(app.database), "send", incident.reference, "--kind", "update",
        "--audience", "business", "--channel", "eml", "--to", "Ελένη <eleni@example.org>",
        "--out", str(out),
    ])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    # Written for the mail client, not sent: nothing left the building.
    assert f"Written for your mail client, not sent: {out}." in capsys.readouterr().out
    msg = email.message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg["X-Unsent"] == "1" and msg["To"].addresses[0].display_name == "Ελένη"
    assert cli.main(["--db", str(app.database), "outbox"]) == 0
    assert capsys.readouterr().out.strip() == "The outbox is empty."


def test_send_refuses_without_approval_when_required(app, incident, tmp_path, capsys):
    (tmp_path / "no-site.toml").write_text("[comms]\nrequire_approval = true\n")
    app.close()
    args = ["--db", str(app.database), "send", incident.reference, "--kind", "initial"]
    args += ["--audience", "business", "--channel", "eml", "--out", str(tmp_path / "a.eml")]
    assert cli.main(args) == 2
    assert "approval" in capsys.readouterr().err
    # The CLI signs as the desk's display name (Test Desk), not the MIM: --approve is refused.
    assert cli.main([*args, "--approve"]) == 2
    assert "Only the Major Incident Manager, Ana Costa, can approve" in capsys.readouterr().err


def test_secret_set_reads_stdin_and_never_echoes(monkeypatch, capsys, memory_keyring):
    value = "https://prod.example.org/workflows/abc?sig=VerySecretSig123"
    monkeypatch.setattr(sys, "stdin", io.StringIO(value + "\n"))
    assert cli.main(["secret", "set", "webhook:teams"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "Stored webhook:teams in the keyring.\n"
    assert "VerySecretSig123" not in captured.out + captured.err
    assert secrets.get_secret("webhook:teams") == value
    assert cli.main(["secret", "check", "webhook:teams"]) == 0
    assert capsys.readouterr().out == "webhook:teams is set.\n"
    assert cli.main(["secret", "delete", "webhook:teams"]) == 0
    assert cli.main(["secret", "check", "webhook:teams"]) == 1


def test_lists_shows_and_sets_distribution_lists(app, capsys):
    db = str(app.database)
    app.close()
    assert cli.main(["--db", db, "lists", "executives", "--to", "cio@example.org",
                     "--to", "Ελένη <eleni@example.org>"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Executives" in out and "cio@example.org, Ελένη <eleni@example.org>  (directory)" in out
    assert cli.main(["--db", db, "lists", "press", "--to", "x@example.org"]) == 2
    assert "There is no audience 'press'." in capsys.readouterr().err
    assert cli.main(["--db", db, "lists", "business", "--to", "not an address"]) == 2
    assert "not an e-mail address" in capsys.readouterr().err
    assert cli.main(["--db", db, "lists", "executives", "--clear"]) == 0
    assert "(directory)" not in capsys.readouterr().out


def test_draft_save_drafts_approve_and_send_by_number(app, incident, tmp_path, capsys):
    """A comms lead saves a draft, the MIM approves it by its number, then it goes out."""
    from mimdesk.app import open_app

    (tmp_path / "no-site.toml").write_text("[comms]\nrequire_approval = true\n")
    db, ref = str(app.database), incident.reference
    app.close()
    base = ["--db", db]
    draft = [*base, "draft", ref, "--kind", "update", "--audience", "executives", "--save"]
    assert cli.main(draft) == 0
    assert "Saved as draft D1." in capsys.readouterr().err
    assert cli.main([*base, "drafts", ref]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("D1   drafted   update to executives: [") and "id " in listed

    # Signed in as the desk (Test Desk): both refusals name the draft and whom to ask.
    assert cli.main([*base, "approve", ref, "d1"]) == 2
    assert 'Ask Ana Costa to approve draft D1 ("[' in capsys.readouterr().err
    send = [*base, "send", ref, "--draft", "D1", "--channel", "eml", "--out"]
    assert cli.main([*send, str(tmp_path / "a.eml")]) == 2
    assert "Ask Ana Costa to approve draft D1" in capsys.readouterr().err
    assert cli.main([*base, "approve", ref, "D7"]) == 2
    assert "No draft 'D7'" in capsys.readouterr().err

    mim = open_app(db=app.database, env=os.environ)
    mim.set_display_name("Ana Costa")
    mim.close()
    assert cli.main([*base, "approve", ref, "D1"]) == 0
    assert capsys.readouterr().out == "Draft D1 approved by Ana Costa.\n"
    assert cli.main([*base, "drafts", ref]) == 0
    assert "approved by Ana Costa" in capsys.readouterr().out
    assert cli.main([*send, str(tmp_path / "b.eml")]) == 0
    assert "Written for your mail client, not sent" in capsys.readouterr().out
    # Handed to the mail client is not sent; the person says when it went, and the record follows.
    assert cli.main([*base, "drafts", ref]) == 0
    assert capsys.readouterr().out.startswith("D1   handed")
    assert cli.main([*base, "mark-sent", ref, "D1", "--channel", "email"]) == 0
    assert capsys.readouterr().out == "Draft D1 recorded as sent by email.\n"
    assert cli.main([*base, "drafts", ref]) == 0
    assert capsys.readouterr().out.startswith("D1   sent")
    assert cli.main([*base, "mark-sent", ref, "D1"]) == 2
    assert "recorded as sent already" in capsys.readouterr().err
    # A draft nobody approved can still be recorded as gone out: the record says so.
    assert cli.main(draft) == 0
    capsys.readouterr()
    assert cli.main([*base, "mark-sent", ref, "D2", "--channel", "phone"]) == 0
    said = capsys.readouterr().out
    assert said == "Draft D2 recorded as sent by phone (without the approval this site requires).\n"
    assert cli.main([*base, "show", ref, "--timeline"]) == 0
    assert "(sent without approval)" in capsys.readouterr().out
