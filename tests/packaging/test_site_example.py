"""The configuration examples IT copies are valid: the site file and the macOS profile."""

from __future__ import annotations

import plistlib
from pathlib import Path

from mimdesk import configcheck, policy

ROOT = Path(__file__).resolve().parents[2]


def test_site_example_passes_config_check_without_warnings():
    report = configcheck.check_file(ROOT / "packaging" / "site.example.toml")
    assert report.errors == []
    assert report.warnings == []
    # It shows every section IT sets for a site.
    for section in ("app", "timers", "severities", "roles", "audiences", "cadence", "targets",
                    "declaration", "criteria", "comms", "shared", "report"):  # fmt: skip
        assert section in report.data, section


def test_site_example_holds_no_secret():
    text = (ROOT / "packaging" / "site.example.toml").read_text(encoding="utf-8")
    settings = [line.split("=")[0].strip().lower() for line in text.splitlines()
                if "=" in line and not line.lstrip().startswith("#")]  # fmt: skip
    assert not [s for s in settings if any(w in s for w in ("password", "token", "secret"))]


def test_macos_profile_forces_valid_policy_keys_of_the_app_domain():
    profile = plistlib.loads(
        (ROOT / "packaging" / "macos" / "org.mimdesk.MIMDesk.mobileconfig").read_bytes()
    )
    assert profile["PayloadType"] == "Configuration"
    assert profile["PayloadScope"] == "System"
    [payload] = profile["PayloadContent"]
    assert payload["PayloadType"] == "com.apple.ManagedClient.preferences"
    domain = payload["PayloadContent"][policy.MAC_DOMAIN]
    [forced] = domain["Forced"]
    values = forced["mcx_preference_settings"]
    assert set(values) <= set(policy.POLICY_KEYS)
    # What policy.read_macos_forced would return for this profile passes the schema.
    [(where, data)] = policy.read_macos_forced(values.get, lambda key: key in values)
    report = configcheck.Report(Path(where))
    configcheck.check_data(data, report)
    assert report.errors == []
    uuids = {profile["PayloadUUID"], payload["PayloadUUID"]}
    assert len(uuids) == 2
