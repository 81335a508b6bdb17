"""The built-in audiences: "All staff" (end users) with a cadence at every severity and its
own wording; customers with a cadence at SEV2 too."""

from __future__ import annotations

from mimdesk.usecases import comms


def test_all_staff_is_a_built_in_audience_with_a_cadence_at_every_severity(app):
    timers = app.settings.timers
    assert timers.audience_label("all_staff") == "All staff"
    for severity in ("SEV1", "SEV2", "SEV3"):
        assert timers.cadence[severity]["all_staff"] > 0, severity
    assert timers.cadence["SEV2"]["customers"] > 0
    assert app.settings.comms.style("all_staff") == "staff"


def test_all_staff_get_their_own_plain_wording(app, ctx, incident):
    for kind in ("initial", "update"):
        staff = comms.draft(
            ctx, reference=incident.reference, settings=app.settings, kind=kind,
            audience="all_staff",
        )  # fmt: skip
        business = comms.draft(
            ctx, reference=incident.reference, settings=app.settings, kind=kind,
            audience="business",
        )  # fmt: skip
        assert staff.body != business.body
        assert staff.subject.startswith("IT ") and incident.reference in staff.subject
        assert "Email and Order portal" in staff.body
        assert "no need to call the service desk" in staff.body
        # Plain words for end users: no internal host names, no MIM signature.
        assert "mx01.corp.example.org" not in staff.body
        assert "Major Incident Manager" not in staff.body
        assert "Next update: by " in staff.body
