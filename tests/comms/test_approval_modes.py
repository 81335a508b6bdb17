"""[comms] approval: none, mim, approver, verbal; true read as mim; the account check; what
may go out without approval (only a person's record of it, flagged); drafts signed by a
former Major Incident Manager."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from mimdesk import config, configcheck, policy
from mimdesk.comms.settings import CommsSettings
from mimdesk.domain.events import Author, EventType
from mimdesk.domain.payloads import ApprovedVerbally, MessageSent
from mimdesk.errors import InvalidInput, NotEntitled, Refused
from mimdesk.usecases import comms, directory, incidents, postmortem, roles


def site(app, tmp_path, text: str) -> None:
    (tmp_path / "no-site.toml").write_text(text, encoding="utf-8")
    app.settings = config.load_settings(app.paths)
    assert not app.settings.warnings, app.settings.warnings


def save(app, ref, audience="business") -> str:
    rendered = comms.draft(
        app.ctx, reference=ref, settings=app.settings, kind="update", audience=audience
    )
    draft_id, _ = comms.save_draft(
        app.ctx, reference=ref, settings=app.settings, kind="update", audience=audience,
        subject=rendered.subject, body=rendered.body, channel="eml",
    )  # fmt: skip
    return draft_id


@pytest.mark.parametrize(
    ("table", "mode"),
    [
        ({}, "none"),
        ({"require_approval": True}, "mim"),
        ({"require_approval": False}, "none"),
        ({"approval": True}, "mim"),
        ({"approval": False}, "none"),
        ({"approval": "approver"}, "approver"),
        ({"approval": "Verbal"}, "verbal"),
        ({"approval": "none", "require_approval": True}, "none"),
    ],
)
def test_the_approval_setting_reads_true_as_mim(table, mode):
    assert CommsSettings.from_table(table).approval == mode


def test_config_check_knows_the_modes_and_an_earlier_site_file_still_locks_approval(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[comms]\napproval = "boss"\napprovers = "Chris"\n', encoding="utf-8")
    errors = "\n".join(configcheck.check_file(bad).errors)
    assert "comms.approval: must be one of 'none', 'mim', 'approver', 'verbal'" in errors
    assert "comms.approvers: must be a list of names" in errors
    good = tmp_path / "good.toml"
    good.write_text('[comms]\napproval = "verbal"\napprovers = ["Chris Lee"]\n', encoding="utf-8")
    assert configcheck.check_file(good).ok
    # A policy written for the earlier release locks today's key.
    assert policy.upgrade({"comms": {"require_approval": True}}) == {"comms": {"approval": "mim"}}


def test_an_earlier_windows_policy_value_still_locks_approval():
    class FakeRegistry:
        HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, REG_DWORD, REG_SZ = 1, 2, 4, 1

        def OpenKey(self, hive, key):
            if hive != 2:
                raise OSError
            return "key"

        def EnumValue(self, key, index):
            values = [("comms.require_approval", 1, 4), ("files.folder", r"D:\MIM", 1)]
            if index >= len(values):
                raise OSError
            return values[index]

        def CloseKey(self, key):
            pass

    [(_where, data)] = [
        (w, policy.upgrade(d)) for w, d in policy.read_windows_registry(FakeRegistry())
    ]
    assert data == {"comms": {"approval": "mim"}, "files": {"folder": r"D:\MIM"}}


def test_mim_mode_a_site_saying_require_approval_true_holds_send_copy_and_mail_client(
    app, ctx, incident, tmp_path
):
    site(app, tmp_path, "[comms]\nrequire_approval = true\n")
    assert app.settings.comms.approval == "mim"
    draft_id = save(app, incident.reference)
    view = incidents.get(ctx, incident.reference)
    assert comms.approval_gap(view, app.settings, view.state.drafts[draft_id]) == (
        "Needs approval by Ana Costa first."
    )
    for attempt in (
        lambda: comms.send(ctx, reference=incident.reference, settings=app.settings,
                           draft_id=draft_id, channel="eml", out=tmp_path / "a.eml"),
        lambda: comms.clipboard_texts(ctx, reference=incident.reference, settings=app.settings,
                                      draft_id=draft_id),
        lambda: comms.export_eml(ctx, reference=incident.reference, settings=app.settings,
                                 draft_id=draft_id, out=tmp_path / "b.eml"),
        lambda: comms.mailto(ctx, reference=incident.reference, settings=app.settings,
                             draft_id=draft_id),
    ):  # fmt: skip
        with pytest.raises(Refused, match="approval"):
            attempt()
    assert not (tmp_path / "a.eml").exists() and not (tmp_path / "b.eml").exists()

    # Marking it sent records what happened, and says it was not approved.
    comms.mark_sent_by_other_means(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
        channel="phone",
    )  # fmt: skip
    view = incidents.get(ctx, incident.reference)
    sent = [e.payload for e in view.events if isinstance(e.payload, MessageSent)]
    assert [p.without_approval for p in sent] == [True]
    assert view.timeline[-1].text.endswith("(sent without approval)")
    # The printed postmortem's timeline says it too.
    out = tmp_path / "pm.pdf"
    postmortem.export_pdf(ctx, reference=incident.reference, settings=app.settings, out=out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "sent without approval" in " ".join(text.split())


def test_approver_mode_a_named_approver_approves_and_the_account_is_checked(
    app, ctx, incident, tmp_path
):
    site(app, tmp_path, '[comms]\napproval = "approver"\napprovers = ["Chris Lee"]\n')
    draft_id = save(app, incident.reference)
    view = incidents.get(ctx, incident.reference)
    assert comms.approvers(view, app.settings) == ["Ana Costa", "Chris Lee"]
    ctx.author = Author("Ben Okafor", "ben")
    with pytest.raises(Refused, match="Only Ana Costa or Chris Lee can approve"):
        comms.approve(ctx, reference=incident.reference, draft_id=draft_id, settings=app.settings)
    # Once the directory links accounts, Chris must approve from Chris's own account.
    directory.save_person(ctx, name="Chris Lee", accounts=["chris"])
    directory.save_person(ctx, name="Ben Okafor", accounts=["ben"])
    ctx.author = Author("Chris Lee", "ben")
    with pytest.raises(NotEntitled, match="This account is Ben Okafor's"):
        comms.approve(ctx, reference=incident.reference, draft_id=draft_id, settings=app.settings)
    ctx.author = Author("Chris Lee", "chris")
    comms.approve(ctx, reference=incident.reference, draft_id=draft_id, settings=app.settings)
    view = incidents.get(ctx, incident.reference)
    assert view.state.drafts[draft_id].approved_by == "Chris Lee"
    assert comms.approval_gap(view, app.settings, view.state.drafts[draft_id]) == ""


def test_verbal_mode_records_who_approved_and_who_recorded_it(app, ctx, incident, tmp_path):
    site(app, tmp_path, '[comms]\napproval = "verbal"\napprovers = ["Chris Lee"]\n')
    draft_id = save(app, incident.reference)
    ctx.author = Author("Ben Okafor", "ben")  # at the desk, on the phone to Chris
    with pytest.raises(InvalidInput, match="Dana is not an approver"):
        comms.record_verbal_approval(
            ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
            approver="Dana",
        )  # fmt: skip
    comms.record_verbal_approval(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
        approver="chris lee", note="by phone at 10:42",
    )  # fmt: skip
    view = incidents.get(ctx, incident.reference)
    event = view.events[-1]
    assert event.type == EventType.APPROVED_VERBALLY
    assert event.payload == ApprovedVerbally(
        draft_id=draft_id, approver="Chris Lee", note="by phone at 10:42"
    )
    assert event.author.name == "Ben Okafor"
    draft = view.state.drafts[draft_id]
    assert (draft.state, draft.approved_by, draft.approval_recorded_by) == (
        "approved",
        "Chris Lee",
        "Ben Okafor",
    )
    assert "approved for sending by Chris Lee, by voice" in view.timeline[-1].text
    result, _ = comms.send(
        ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
        channel="eml", out=tmp_path / "ok.eml",
    )  # fmt: skip
    assert result.outcome == "handed"


def test_a_verbal_approval_is_refused_where_the_site_does_not_take_them(
    app, ctx, incident, tmp_path
):
    site(app, tmp_path, '[comms]\napproval = "mim"\n')
    draft_id = save(app, incident.reference)
    with pytest.raises(Refused, match="does not take approvals by voice"):
        comms.record_verbal_approval(
            ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
            approver="Ana Costa",
        )  # fmt: skip


def test_a_draft_signed_by_the_former_mim_is_flagged_until_refreshed(app, ctx, incident, tmp_path):
    site(app, tmp_path, '[comms]\napproval = "mim"\n')
    draft_id = save(app, incident.reference)
    view = incidents.get(ctx, incident.reference)
    assert "Ana Costa" in view.state.drafts[draft_id].body
    assert comms.former_signer(view, view.state.drafts[draft_id]) == ""
    roles.handover(ctx, reference=incident.reference, role="mim", to="Ben Okafor")
    view = incidents.get(ctx, incident.reference)
    draft = view.state.drafts[draft_id]
    assert comms.former_signer(view, draft) == "Ana Costa"
    ctx.author = Author("Ben Okafor", "ben")
    with pytest.raises(Refused, match="signed by Ana Costa"):
        comms.approve(ctx, reference=incident.reference, draft_id=draft_id, settings=app.settings)
    # Refreshed from the template and saved again: signed by the MIM in office.
    fresh = comms.draft(
        ctx, reference=incident.reference, settings=app.settings, kind="update",
        audience="business",
    )  # fmt: skip
    assert "Ben Okafor" in fresh.body and "Ana Costa" not in fresh.body
    comms.save_draft(
        ctx, reference=incident.reference, settings=app.settings, kind="update",
        audience="business", subject=fresh.subject, body=fresh.body, draft_id=draft_id,
    )  # fmt: skip
    view = incidents.get(ctx, incident.reference)
    assert comms.former_signer(view, view.state.drafts[draft_id]) == ""
    comms.approve(ctx, reference=incident.reference, draft_id=draft_id, settings=app.settings)


def test_a_saved_draft_whose_promise_has_passed_is_not_sent(app, ctx, incident, tmp_path, clock):
    draft_id = save(app, incident.reference, audience="executives")
    view = incidents.get(ctx, incident.reference)
    draft = view.state.drafts[draft_id]
    assert comms.past_promise(view, app.settings, draft, clock.now) == ""
    clock.advance(minutes=31)  # executives every 30 min at SEV1: the promised time is gone
    promised = comms.past_promise(view, app.settings, draft, clock.now)
    assert promised and f"Next update: by {promised}." in draft.body
    with pytest.raises(Refused, match=f"promises the next update by {promised}, which has"):
        comms.send(
            ctx, reference=incident.reference, settings=app.settings, draft_id=draft_id,
            channel="eml", out=tmp_path / "late.eml",
        )  # fmt: skip
    assert not (tmp_path / "late.eml").exists()
