"""Drafts from the templates: every kind for every audience, site overrides, the sandbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mimdesk import config
from mimdesk.comms import KINDS
from mimdesk.comms.checklist import internal_names
from mimdesk.comms.templates import TemplateProblem, Templates
from mimdesk.usecases import comms, incidents

AUDIENCES = ("executives", "business", "it_staff", "service_desk", "customers")


def _draft(app, ref, kind, audience, **kwargs):
    return comms.draft(
        app.ctx, reference=ref, settings=app.settings, kind=kind, audience=audience, **kwargs
    )


def use_site(app, tmp_path, text: str) -> None:
    """Write the site settings file (the home fixture points MIMDESK_SITE_CONFIG at it)."""
    (tmp_path / "no-site.toml").write_text(text, encoding="utf-8")
    app.settings = config.load_settings(app.paths)
    assert not app.settings.warnings, app.settings.warnings


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_kind_renders_for_every_audience(app, incident, kind, audience):
    rendered = _draft(app, incident.reference, kind, audience, data_lost=False)
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.body.strip()
    assert "None" not in rendered.body and "Macro" not in rendered.body
    # No template leaves more than one blank line or a dangling placeholder behind.
    assert "\n\n\n" not in rendered.body
    if audience == "customers":
        # Plain language for customers: no internal names, no reference, no severity codes.
        assert internal_names(rendered.subject + rendered.body) == []
        assert incident.reference not in rendered.subject
        assert "SEV1" not in rendered.body
    else:
        assert rendered.subject.startswith(f"[{incident.reference}] SEV1 ")


def test_internal_audiences_get_the_actions_and_customers_do_not(app, incident):
    it = _draft(app, incident.reference, "initial", "it_staff")
    customers = _draft(app, incident.reference, "initial", "customers")
    assert "mx01.corp.example.org" in it.body
    assert "mx01" not in customers.body
    assert "Email and Order portal" in customers.body


def test_executives_read_business_impact_first_and_briefly(app, incident):
    execs = _draft(app, incident.reference, "update", "executives")
    it = _draft(app, incident.reference, "update", "it_staff")
    first = execs.body.split("\n\n")[0]
    assert first.startswith("Business impact: Staff cannot send or receive email")
    assert "about 1,200 people" in first
    assert len(execs.body) < len(it.body)


def test_next_update_is_local_time_with_zone_per_audience_cadence(app, incident, clock):
    # Sent now at 09:05 UTC: SEV1 cadence executives 30, it_staff 20, service desk 15 minutes.
    execs = _draft(app, incident.reference, "update", "executives")
    it = _draft(app, incident.reference, "update", "it_staff")
    desk = _draft(app, incident.reference, "update", "service_desk")
    assert "Next update: by 09:35 UTC." in execs.body
    assert "Next update: by 09:25 UTC." in it.body
    assert "Next update: by 09:20 UTC." in desk.body


def test_timezone_setting_shows_the_zone_name(app, incident, tmp_path):
    use_site(app, tmp_path, '[comms]\ntimezone = "Europe/Paris"\n')
    execs = _draft(app, incident.reference, "update", "executives")
    assert "Next update: by 10:35 CET." in execs.body


def test_resolved_states_whether_data_was_lost(app, incident, ctx, clock):
    incidents.change_status(ctx, reference=incident.reference, to="resolved")
    kept = _draft(app, incident.reference, "resolved", "business", data_lost=False)
    lost = _draft(
        app,
        incident.reference,
        "resolved",
        "customers",
        data_lost=True,
        data_loss_detail="orders placed between 09:00 and 09:10 must be re-entered",
    )
    unknown = _draft(app, incident.reference, "resolved", "it_staff")
    assert "No data was lost." in kept.body
    assert "Some data was lost: orders placed between 09:00 and 09:10" in lost.body
    assert "still checking whether any data was lost" in unknown.body
    assert "Next update" not in kept.body


def test_mitigated_names_the_workaround(app, incident, ctx):
    incidents.change_field(
        ctx,
        reference=incident.reference,
        field="workaround",
        value="Use webmail at mail.example.org",
    )
    incidents.change_status(ctx, reference=incident.reference, to="mitigated")
    desk = _draft(app, incident.reference, "mitigated", "service_desk")
    assert "Workaround: Use webmail at mail.example.org" in desk.body


def test_downgraded_gives_the_reason(app, incident, ctx):
    from mimdesk.usecases import declaration

    declaration.change_severity(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        severity="SEV3",
        rationale="Only the shared mailbox is affected",
    )
    text = _draft(app, incident.reference, "downgraded", "business").body
    assert "downgraded to SEV3 Minor" in text
    assert "normal incident" in text
    assert "Why: Only the shared mailbox is affected" in text


def test_site_template_overrides_one_audience(app, incident, tmp_path):
    site = tmp_path / "site-templates"
    site.mkdir()
    (site / "update.customers.txt.j2").write_text(
        "Subject: {{ public_status }}: {{ services|and_list }}\n\n"
        "Hello from the site. Next: {{ next_update }}\n",
        encoding="utf-8",
    )
    use_site(app, tmp_path, '[comms]\ntemplates_dir = "site-templates"\n')
    assert app.settings.comms.templates_dir == str(site)  # relative to the site file
    customers = _draft(app, incident.reference, "update", "customers")
    assert customers.subject == "Investigating: Email and Order portal"
    assert customers.body == "Hello from the site. Next: 09:35 UTC"
    assert customers.template.endswith("update.customers.txt.j2")
    # Other audiences still use the built-in template.
    assert "Hello from the site" not in _draft(app, incident.reference, "update", "business").body


def test_broken_site_template_names_file_and_line(app, incident, tmp_path):
    site = tmp_path / "tpl"
    site.mkdir()
    (site / "update.txt.j2").write_text(
        "Subject: {{ title }}\n\nLine three\n{% iff impact %}\nyes\n{% endif %}\n", encoding="utf-8"
    )
    use_site(app, tmp_path, f'[comms]\ntemplates_dir = "{site.as_posix()}"\n')
    with pytest.raises(TemplateProblem) as caught:
        _draft(app, incident.reference, "update", "business")
    problem = caught.value
    assert problem.path == str(site / "update.txt.j2")
    assert problem.line == 4
    assert f"{site / 'update.txt.j2'}, line 4, has a syntax error" in str(problem)
    assert "unknown tag 'iff'" in str(problem)


def test_undefined_variable_names_file_line_and_variable(app, incident, tmp_path):
    site = tmp_path / "tpl"
    site.mkdir()
    (site / "initial.txt.j2").write_text(
        "Subject: {{ title }}\n\nFine\n{{ severty }}\n", encoding="utf-8"
    )
    use_site(app, tmp_path, f'[comms]\ntemplates_dir = "{site.as_posix()}"\n')
    with pytest.raises(TemplateProblem, match=r"initial\.txt\.j2, line 4: 'severty' is undefined"):
        _draft(app, incident.reference, "initial", "business")


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('echo pwned') }}",
        "{{ services.append('x') }}",
        "{{ 'x' * 100000000 }}",
    ],
)
def test_sandbox_refuses_reaching_python_internals(app, incident, tmp_path, attack):
    site = tmp_path / "tpl"
    site.mkdir()
    (site / "update.txt.j2").write_text(f"Subject: x\n\nHello\n{attack}\n", encoding="utf-8")
    use_site(app, tmp_path, f'[comms]\ntemplates_dir = "{site.as_posix()}"\n')
    with pytest.raises(TemplateProblem, match=r"update\.txt\.j2, line 4, was refused") as caught:
        _draft(app, incident.reference, "update", "business")
    assert "not Python internals" in caught.value.hint
    assert not (tmp_path / "pwned").exists()


def test_template_without_subject_line_is_explained(tmp_path):
    (tmp_path / "update.txt.j2").write_text("Hello\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="does not begin with a 'Subject:' line"):
        Templates(tmp_path).render_message("update", "business", {})


def test_missing_site_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TemplateProblem, match="does not exist"):
        Templates(tmp_path / "nope")


def test_builtin_templates_all_compile():
    assert Templates().check_all() == []


def test_html_rendering_escapes_the_text():
    from mimdesk.comms.channels.base import OutgoingMessage
    from mimdesk.comms.channels.clipboard import html, plain_text

    message = OutgoingMessage(
        reference="MI-1",
        title="t",
        severity="SEV1",
        severity_label="SEV1 Critical",
        status="Investigating",
        public_status="Investigating",
        kind="update",
        audience="business",
        audience_label="Business",
        subject="Orders <script>alert(1)</script> & more",
        body='Line one\nLine <b>two</b> & "three"\n\n<script>alert("x")</script>',
        recipients=(),
        sent_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        sender="Ana",
    )
    page = html(message, Templates())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "Line <b>" not in page and "Line &lt;b&gt;two&lt;/b&gt; &amp; &#34;three&#34;" in page
    assert len(re.findall(r"<p>", page)) == 2  # two paragraphs, lines joined by <br>
    assert plain_text(message).startswith("Orders <script>alert(1)</script> & more\n\nLine one")


def test_times_name_their_zone_and_the_day_when_not_today():
    from zoneinfo import ZoneInfo

    from mimdesk.comms.context import when

    paris = ZoneInfo("Europe/Paris")
    now = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)  # 23:00 in Paris
    assert when(datetime(2026, 11, 28, 22, 30, tzinfo=UTC), paris, now) == "23:30 CET"
    assert (
        when(datetime(2026, 11, 28, 23, 30, tzinfo=UTC), paris, now)
        == "00:30 CET on Sun 29 Nov 2026"
    )
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert when(summer, paris, now) == "14:00 CEST on Wed 01 Jul 2026"
