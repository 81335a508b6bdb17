"""Closed vocabularies on the command line (issue 13, point 2), each in a real process: what
is typed is checked once, forgiving case and spelling; what was recorded is never refused,
and is flagged where it is shown."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.release_2026_12 import cli_view

pytestmark = pytest.mark.slow

REFS: dict[str, str] = json.loads(cli_view.EXPECTED_VIEW.read_text("utf-8"))["references"]


@pytest.fixture
def mimdesk(run_cli, tmp_path: Path):
    """``mimdesk --db DB ARGS`` as its own process; fails the test on an unexpected code."""
    db = tmp_path / "vocab.sqlite3"

    def _run(*args: str | Path, code: int = 0, database: Path = db):
        result = run_cli("--db", database, *args)
        assert result.code == code, result
        return result

    return _run


def shown(mimdesk, ref: str, **kw: Any) -> dict[str, Any]:
    return json.loads(mimdesk("show", ref, "--json", **kw).out)


def test_assign_mim_assigns_the_mim_role_not_a_new_one(mimdesk) -> None:
    ref = mimdesk("new", "Mail is down").out.strip()
    mimdesk("assign", ref, "MIM", "Mia")
    mimdesk("assign", ref, "Tech Lead", "Tom")
    mimdesk("handover", ref, "tech-lead", "Tess")
    assert shown(mimdesk, ref)["roles"] == {"mim": "Mia", "tech_lead": "Tess"}
    # The summary the list shows reads the MIM from the same role.
    listed = json.loads(mimdesk("list", "--json").out)
    assert [row["mim"] for row in listed] == ["Mia"]

    refused = mimdesk("assign", ref, "Mim Deputy", "Max", code=2)
    assert refused.err == (
        "mimdesk: There is no role 'Mim Deputy'. Choose one of: Major Incident Manager (mim), "
        "Technical Lead (tech_lead), Communications Lead (comms_lead), scribe, "
        "Business Liaison (business_liaison), Service Owner (service_owner).\n"
    )


def test_a_severity_the_site_does_not_have_is_refused_with_the_choices(mimdesk) -> None:
    refused = mimdesk("new", "x", "--severity", "SEV7", code=2)
    assert refused.err == (
        "mimdesk: There is no severity 'SEV7'. "
        "Choose one of: Critical (SEV1), Major (SEV2), Minor (SEV3).\n"
    )
    assert mimdesk("list").out == "No incidents.\n", "nothing was written"
    ref = mimdesk("new", "x", "--severity", "sev2").out.strip()
    assert shown(mimdesk, ref)["severity"] == "SEV2"
    mimdesk("set", ref, "severity", "critical")
    assert shown(mimdesk, ref)["severity"] == "SEV1"


def test_note_kind_and_status_forgive_case(mimdesk) -> None:
    ref = mimdesk("new", "VPN drops").out.strip()
    mimdesk("note", ref, "Fail over to the second gateway", "--kind", "Decision")
    mimdesk("declare", ref, "--severity", "sev2", "--mim", "Ana Costa", "--rationale", "Test")
    mimdesk("status", ref, "Investigating")
    refused = mimdesk("note", ref, "x", "--kind", "gossip", code=2)
    assert "There is no note kind 'gossip'. Choose one of: observation, decision," in refused.err
    view = shown(mimdesk, ref)
    assert view["status"] == "investigating"
    assert view["not_in_vocabulary"] == []


def test_the_release_fixture_shows_and_flags_what_the_site_lists_lack(
    mimdesk, tmp_path: Path
) -> None:
    copy = tmp_path / "release.db"
    shutil.copyfile(cli_view.DATABASE, copy)
    printers, mail = REFS["printers"], REFS["mail"]

    text = mimdesk("show", printers, database=copy).out
    assert "not in this site's vocabulary: severity 'P3'" in text
    assert "Severity:      P3" in text, "shown as recorded"
    text = mimdesk("show", mail, database=copy).out
    assert "not in this site's vocabulary: role 'network_oncall'" in text
    assert "network_oncall           Lee Chen" in text

    assert shown(mimdesk, printers, database=copy)["not_in_vocabulary"] == [
        {"what": "severity", "value": "P3"}
    ]
    flagged = shown(mimdesk, mail, database=copy)
    assert {"what": "role", "value": "network_oncall"} in flagged["not_in_vocabulary"]
    assert flagged["roles"]["network_oncall"] == "Lee Chen"
    # A role held as recorded can still be handed over and released by its id.
    mimdesk("handover", mail, "network_oncall", "Ann Lee", database=copy)
    assert shown(mimdesk, mail, database=copy)["roles"]["network_oncall"] == "Ann Lee"
    mimdesk("release", mail, "network_oncall", database=copy)
    assert "network_oncall" not in shown(mimdesk, mail, database=copy)["roles"]


def test_import_and_backfill_keep_out_of_vocabulary_values(mimdesk, tmp_path: Path) -> None:
    copy = tmp_path / "release.db"
    shutil.copyfile(cli_view.DATABASE, copy)
    mail = REFS["mail"]
    exported = tmp_path / "mail.json"
    mimdesk("export", mail, "--json", exported, database=copy)
    fresh = tmp_path / "fresh.db"
    mimdesk("import", exported, database=fresh)
    view = shown(mimdesk, mail, database=fresh)
    assert view["roles"]["network_oncall"] == "Lee Chen"
    assert {"what": "role", "value": "network_oncall"} in view["not_in_vocabulary"]

    backfill: dict[str, Any] = json.loads(cli_view.BACKFILL_V1.read_text("utf-8"))
    backfill["severity"] = "P3"
    backfill["roles"].append({"role": "network_oncall", "person": "Lee Chen"})
    backfill["entries"][0]["kind"] = "rumour"
    backfill["follow_ups"][0]["priority"] = "urgent"
    path = tmp_path / "backfill.json"
    path.write_text(json.dumps(backfill), "utf-8")
    said = mimdesk("import", path, database=fresh).out
    ref = re.findall(r"MI-[0-9A-Z]{5}", said)[0]
    view = shown(mimdesk, ref, database=fresh)
    assert view["severity"] == "P3"
    assert view["roles"]["network_oncall"] == "Lee Chen"
    assert view["not_in_vocabulary"] == [
        {"what": "severity", "value": "P3"},
        {"what": "role", "value": "network_oncall"},
        {"what": "note kind", "value": "rumour"},
        {"what": "follow-up priority", "value": "urgent"},
    ]
