"""The OS account check on the command line: `mimdesk` as a separate process, run under this
machine's account, on a site that links accounts to people."""

from __future__ import annotations

import pytest

from mimdesk import exitcodes
from mimdesk.app import open_app
from mimdesk.usecases import incidents
from mimdesk.usecases.context import os_login


def sign_in_as(db, name: str) -> None:
    """The display name the next command signs with (the window's Settings save it)."""
    app = open_app(db=db)
    try:
        app.set_display_name(name)
    finally:
        app.close()


@pytest.mark.slow
def test_taking_the_mim_role_over_needs_a_reason_and_a_signer_who_is_the_account(run_cli, tmp_path):
    db = tmp_path / "cli.sqlite3"
    login = os_login()
    assert login, "the test runs under an OS account"
    sign_in_as(db, "Cy Tan")

    def mim(*args: str, code: int = exitcodes.OK):
        result = run_cli("--db", db, *args)
        assert result.code == code, result
        if code == exitcodes.USER_ERROR:
            assert len(result.err_lines) == 1 and result.err.startswith("mimdesk: "), result
        return result

    ref = mim("new", "Mail is down", "--severity", "SEV2").out.strip()
    mim("assign", ref, "mim", "Ana Costa")  # no account linked yet: not checked
    mim("person", "Cy Tan", "--account", login)

    refused = mim("handover", ref, "mim", "Ben Okafor", code=exitcodes.USER_ERROR)
    assert refused.err == (
        "mimdesk: Cy Tan may not hand over the Major Incident Manager role: only Ana Costa or "
        "Ben Okafor may. Ask them, or give your reason for taking it over with --override "
        "REASON: the handover note records it.\n"
    )
    mim("handover", ref, "mim", "Ben Okafor", "--override", "Ana unreachable since 09:10")

    sign_in_as(db, "Someone Else")
    second = mim("new", "VPN down", "--severity", "SEV2").out.strip()
    declare = ("declare", second, "--severity", "SEV1", "--mim", "Ana Costa")
    refused = mim(*declare, "--rationale", "Payroll day", code=exitcodes.USER_ERROR)
    assert refused.err.startswith(
        "mimdesk: This account is Cy Tan's, but you are signed in as Someone Else."
    )

    app = open_app(db=db)
    try:
        first = incidents.get(app.ctx, ref).state
        assert first.holder("mim") == "Ben Okafor"
        assert (
            first.roles["mim"].note == "Taken over without Ana Costa: Ana unreachable since 09:10"
        )
        assert incidents.get(app.ctx, second).state.status.value == "candidate"
    finally:
        app.close()
