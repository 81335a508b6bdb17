"""The Group Policy template covers exactly mimdesk.policy.POLICY_KEYS, and what it writes is
what MIM Desk reads back and accepts."""

from __future__ import annotations

import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mimdesk import configcheck, policy

ROOT = Path(__file__).resolve().parents[2]
POLICY_DIR = ROOT / "packaging" / "windows" / "policy"
NS = {"p": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}

_spec = importlib.util.spec_from_file_location("make_admx", POLICY_DIR / "make_admx.py")
assert _spec is not None and _spec.loader is not None
make_admx = importlib.util.module_from_spec(_spec)
sys.modules["make_admx"] = make_admx  # dataclasses look their module up
_spec.loader.exec_module(make_admx)


def test_the_committed_template_is_fresh():
    assert make_admx.main(["--check"]) == 0, "run packaging/windows/policy/make_admx.py"


def test_every_policy_key_is_one_policy():
    assert sorted(p.key for p in make_admx.POLICIES) == sorted(policy.POLICY_KEYS)
    flags = {p.key for p in make_admx.POLICIES if p.kind == "flag"}
    assert flags == policy._BOOL_KEYS  # REG_DWORD 0/1 read back as true/false


def admx_policies() -> dict[str, ET.Element]:
    root = ET.parse(POLICY_DIR / "MIMDesk.admx").getroot()
    return {el.get("name", ""): el for el in root.iterfind("p:policies/p:policy", NS)}


def test_the_admx_writes_the_values_mimdesk_reads():
    written = set()
    for el in admx_policies().values():
        assert el.get("key") == policy.POLICY_KEY
        assert el.get("class") == "Both"  # HKLM and HKCU: policy.py reads both, HKLM wins
        names = [el.get("valueName")] + [e.get("valueName") for e in el.iter() if e is not el]
        written.update(n for n in names if n)
    assert written == set(policy.POLICY_KEYS)


def test_every_string_and_presentation_is_in_the_adml():
    adml = ET.parse(POLICY_DIR / "en-US" / "MIMDesk.adml").getroot()
    strings = {el.get("id") for el in adml.iterfind("p:resources/p:stringTable/p:string", NS)}
    presentations = {
        el.get("id"): {child.get("refId") for child in el}
        for el in adml.iterfind("p:resources/p:presentationTable/p:presentation", NS)
    }
    text = (POLICY_DIR / "MIMDesk.admx").read_text(encoding="utf-8")
    for ref in set(re.findall(r"\$\(string\.([A-Za-z0-9_]+)\)", text)):
        assert ref in strings, ref
    for name, el in admx_policies().items():
        ids = {e.get("id") for e in el.iterfind("p:elements/*", NS)}
        if ids:
            assert presentations[name] == ids, name


def registry_value(p) -> tuple[object, int]:
    """What Group Policy writes when the policy is enabled with its first (or a typical) value."""
    if p.kind == "flag":
        return 1, 4
    if p.kind == "number":
        return 7, 4
    if p.kind == "choice":
        return p.choices[0][0], 1
    return "C:\\MIMDesk\\value", 1


class FakeWinreg:
    HKEY_CURRENT_USER = "HKCU"
    HKEY_LOCAL_MACHINE = "HKLM"
    REG_SZ = 1
    REG_DWORD = 4

    def __init__(self, values: dict[str, tuple[object, int]]) -> None:
        self.values = list(values.items())

    def OpenKey(self, hive: str, key: str) -> str:
        if hive != "HKLM":
            raise FileNotFoundError
        return key

    def EnumValue(self, key: str, index: int) -> tuple[str, object, int]:
        if index >= len(self.values):
            raise OSError("no more values")
        name, (value, kind) = self.values[index]
        return name, value, kind

    def CloseKey(self, key: str) -> None:
        pass


def test_every_enabled_policy_is_read_back_and_passes_the_schema():
    values = {p.key: registry_value(p) for p in make_admx.POLICIES}
    [(where, data)] = policy.read_windows_registry(FakeWinreg(values))
    assert where == f"HKEY_LOCAL_MACHINE\\{policy.POLICY_KEY}"
    report = configcheck.Report(Path(where))
    configcheck.check_data(data, report)
    assert report.errors == []
    assert data["timers"]["sound"] is True and data["timers"]["amber_minutes"] == 7


@pytest.mark.parametrize(
    "p", [p for p in make_admx.POLICIES if p.kind == "choice"], ids=lambda p: p.key
)
def test_every_choice_is_valid_and_the_list_is_complete(p):
    section, key = p.key.split(".")
    for value, _ in p.choices:
        report = configcheck.Report(Path("policy"))
        configcheck.check_data({section: {key: value}}, report)
        assert report.errors == [], (p.key, value)
    report = configcheck.Report(Path("policy"))
    configcheck.check_data({section: {key: "not-a-choice"}}, report)
    assert report.errors and "must be one of" in report.errors[0]
    offered = report.errors[0].split("must be one of ")[1].split(", not")[0]
    assert {o.strip("'") for o in offered.split(", ")} == {v for v, _ in p.choices if v}
