"""Write the Group Policy template MIMDesk.admx and en-US/MIMDesk.adml from one table.

    uv run python packaging/windows/policy/make_admx.py          # regenerate
    uv run python packaging/windows/policy/make_admx.py --check  # exit 1 if stale

Every key of ``mimdesk.policy.POLICY_KEYS`` is one policy, in machine and user scope ("Both"),
writing the value named by the dotted key under ``SOFTWARE\\Policies\\MIMDesk``, which is what
:func:`mimdesk.policy.read_windows_registry` reads: true/false settings as REG_DWORD 0/1,
numbers as REG_DWORD, texts and choices as REG_SZ. tests/packaging/test_admx.py holds the
table to POLICY_KEYS and to the configuration schema.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ADMX = HERE / "MIMDesk.admx"
ADML = HERE / "en-US" / "MIMDesk.adml"
REGISTRY_KEY = r"SOFTWARE\Policies\MIMDesk"
REVISION = "1.0"


@dataclass(frozen=True)
class Policy:
    key: str  # the dotted settings key, also the registry value name
    kind: str  # "flag", "number", "text" or "choice"
    title: str
    explain: str
    label: str = ""  # the field's label (number, text, choice)
    choices: tuple[tuple[str, str], ...] = ()  # (value, shown as)
    maximum: int = 1440
    # A value to type into the field, shown in the help as it would be typed; a test loads
    # every one through the policy layer (tests/packaging/test_admx_examples.py).
    example: str = ""

    @property
    def name(self) -> str:
        return self.key.replace(".", "_")

    @property
    def category(self) -> str:
        return self.key.split(".")[0]


CATEGORIES = {
    "app": "Application",
    "timers": "Update timers",
    "declaration": "Declaration checklist",
    "comms": "Communications",
    "shared": "Shared database",
    "report": "Printed reports",
    "files": "Files",
}

SHOWN_LOCKED = 'users cannot change it, and MIM Desk shows it as "set by your organisation"'
NOT_CONFIGURED = "the site file (site.toml) or the user decides, as without this policy"

# What enabling, disabling and not configuring does. A true/false policy writes 1 or 0, so
# both lock the setting. A policy with a field writes its value only when enabled: disabling
# it deletes the value (Group Policy's rule for a policy's elements), as not configuring does.
EFFECTS = {
    "flag": f" Enabled or disabled: {SHOWN_LOCKED}. Not configured: {NOT_CONFIGURED}.",
    "field": (
        f" Enabled: the value given here is in force; {SHOWN_LOCKED}. "
        f"Disabled or not configured: {NOT_CONFIGURED}."
    ),
}
VARIABLES = (
    " Environment variables (%LOCALAPPDATA%, %USERPROFILE%, %ProgramData%) are expanded on each "
    "computer; one a computer does not set is reported there, never used as a folder name."
)


def help_text(p: Policy) -> str:
    """The policy's help in the ADML: what it sets, an example, what each state does."""
    example = f" Example: {p.example}" if p.example and p.kind in ("text", "number") else ""
    if example and not example.endswith("."):
        example += "."
    effects = EFFECTS["flag" if p.kind == "flag" else "field"]
    return f"{p.explain}{example}{effects}\n\nRegistry value: {p.key}"


POLICIES = (
    Policy(
        "app.theme",
        "choice",
        "Colour theme",
        "The colour theme of MIM Desk: follow Windows' light or dark mode, or force one.",
        "Theme:",
        (("system", "Follow Windows"), ("light", "Light"), ("dark", "Dark")),
    ),
    Policy(
        "app.database",
        "text",
        "Local database file",
        "The database file every user opens: a full path, which may start with an "
        "environment variable. Its folder is made when missing, if the folder above it exists "
        "(%LOCALAPPDATA% always does). Empty: the file in the user's data folder." + VARIABLES,
        "Database file:",
        example="%LOCALAPPDATA%\\MIMDesk\\mimdesk.sqlite3",
    ),
    Policy(
        "timers.run_after_mitigation",
        "flag",
        "Keep update timers running after a workaround",
        "Enabled: update timers keep running once a workaround is in place. Disabled: they "
        "stop at mitigation.",
    ),
    Policy(
        "timers.amber_minutes",
        "number",
        "Minutes before an update is due to warn",
        "How many minutes before an update falls due its timer turns amber.",
        "Minutes:",
        example="5",
    ),
    Policy(
        "timers.remind_every_minutes",
        "number",
        "Repeat an overdue reminder every (minutes)",
        "How often the reminder for an overdue update repeats.",
        "Minutes:",
        example="5",
    ),
    Policy(
        "timers.mim_reminder_minutes",
        "number",
        "Remind to name a Major Incident Manager after (minutes)",
        "Minutes after a declaration without a named Major Incident Manager before MIM Desk "
        "reminds the desk.",
        "Minutes:",
        example="3",
    ),
    Policy(
        "timers.first_notification_minutes",
        "number",
        "Initial notification due within (minutes of declaring)",
        "Minutes after a major incident is declared by which the initial notification is due: "
        "its own countdown in the header and the next step the desk is shown.",
        "Minutes:",
        example="15",
    ),
    Policy(
        "timers.sound",
        "flag",
        "Play a sound for reminders",
        "Enabled: reminders play a sound. Disabled: they are silent.",
    ),
    Policy(
        "declaration.rule",
        "choice",
        "Declaration rule",
        "How the checklist recommends declaring a major incident: any decisive answer or "
        "enough score, the score only, or decisive answers only.",
        "Rule:",
        (
            ("decisive-or-score", "A decisive answer or the score threshold"),
            ("score", "The score threshold only"),
            ("decisive", "A decisive answer only"),
        ),
    ),
    Policy(
        "declaration.score_threshold",
        "number",
        "Declaration score threshold",
        "The score at which the checklist recommends declaring a major incident.",
        "Score:",
        maximum=1000,
        example="3",
    ),
    Policy(
        "declaration.default_severity",
        "text",
        "Default severity of a declared major incident",
        "The severity id suggested when declaring (e.g. SEV2); it must be one of the "
        "severities of the site file.",
        "Severity id:",
        example="SEV2",
    ),
    Policy(
        "comms.approval",
        "choice",
        "Approval before a message is sent",
        "Who approves a message before MIM Desk sends it, copies it or hands it to the mail "
        "client. The incident's Major Incident Manager; or, besides the MIM, the approvers the "
        "site file names ([comms] approvers), at their own desk or by voice, recorded by the "
        "person at the desk with both names. Recording a message sent by other means stays "
        "possible; the record then says it went out without approval. This replaces the "
        "earlier yes/no policy comms.require_approval, which is still read (1: the MIM).",
        "Approval:",
        (
            ("none", "No approval"),
            ("mim", "The Major Incident Manager approves"),
            ("approver", "A named approver approves"),
            ("verbal", "A named approver approves, also by voice recorded at the desk"),
        ),
    ),
    Policy(
        "comms.smtp.verify",
        "flag",
        "Verify the mail server's certificate",
        "Enabled: MIM Desk checks the SMTP server's certificate (the default; give an internal "
        "CA in the site file's [comms.smtp] ca_file). Disabled: the mail is still encrypted, "
        "but a machine on the path could pose as the server.",
    ),
    Policy(
        "comms.templates_dir",
        "text",
        "Site message templates folder",
        "A folder of message templates that replace or add to the built-in ones. Give a full "
        "path (a policy has no file for a relative path to start from)." + VARIABLES,
        "Folder:",
        example="%ProgramData%\\MIMDesk\\templates",
    ),
    Policy(
        "shared.url",
        "text",
        "Shared database address",
        "The shared database the desk works in, as a URL without a password, e.g. "
        "postgresql+psycopg://mimdesk@db.example.org/mimdesk. Passwords are never set by "
        "policy: each user's is kept in the Windows Credential Manager.",
        "URL:",
        example="postgresql+psycopg://mimdesk@db.example.org/mimdesk",
    ),
    Policy(
        "shared.tls",
        "choice",
        "Shared database TLS",
        "How the connection to the shared database is protected. Use verify-full on any "
        "network you do not control.",
        "TLS:",
        (
            ("verify-full", "Verify the certificate and the host name (verify-full)"),
            ("verify-ca", "Verify the certificate (verify-ca)"),
            ("require", "Encrypt without verifying (require)"),
            ("disable", "No TLS (disable)"),
        ),
    ),
    Policy(
        "shared.ca_file",
        "text",
        "Shared database CA file",
        "A PEM file with the certificate authority of the shared database server (a full "
        "path)." + VARIABLES,
        "CA file:",
        example="%ProgramData%\\MIMDesk\\shared-ca.pem",
    ),
    Policy(
        "files.folder",
        "text",
        "Folder for the files MIM Desk writes",
        "Where .eml drafts for the mail client, role cards, postmortem PDFs and exports go "
        'when the user names no file, and where save dialogs open. Set nowhere, it is "MIM '
        "Desk\" in the user's Documents folder; a relative path is taken from Documents too."
        + VARIABLES,
        "Folder:",
        example="%USERPROFILE%\\Documents\\MIM Desk",
    ),
    Policy(
        "report.organisation",
        "text",
        "Organisation printed on reports",
        "The organisation's name printed in the footer of every report page.",
        "Organisation:",
        example="Example Ltd",
    ),
    Policy(
        "report.classification",
        "text",
        "Classification marking of reports",
        "The marking printed at the top and bottom of every report page, e.g. INTERNAL or "
        "CONFIDENTIAL. Empty for none.",
        "Marking:",
        example="CONFIDENTIAL",
    ),
    Policy(
        "report.page_size",
        "choice",
        "Report paper size",
        "The paper size of printed reports.",
        "Paper:",
        (("A4", "A4"), ("Letter", "US Letter")),
    ),
)


def admx() -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!-- Generated by packaging/windows/policy/make_admx.py from mimdesk.policy.POLICY_KEYS;",
        "     do not edit. Copy to C:\\Windows\\PolicyDefinitions (or the domain's Central Store)",
        "     with en-US\\MIMDesk.adml, or import both into Intune as an imported ADMX. -->",
        '<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
        '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        f'    revision="{REVISION}" schemaVersion="1.0"',
        '    xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">',
        "  <policyNamespaces>",
        '    <target prefix="mimdesk" namespace="MIMDesk.Policies.MIMDesk" />',
        '    <using prefix="windows" namespace="Microsoft.Policies.Windows" />',
        "  </policyNamespaces>",
        f'  <resources minRequiredRevision="{REVISION}" />',
        "  <supportedOn>",
        "    <definitions>",
        '      <definition name="SUPPORTED_MIMDESK" displayName="$(string.SUPPORTED_MIMDESK)" />',
        "    </definitions>",
        "  </supportedOn>",
        "  <categories>",
        '    <category name="MIMDesk" displayName="$(string.MIMDesk)" />',
    ]
    for cat in CATEGORIES:
        lines += [
            f'    <category name="{cat}" displayName="$(string.cat_{cat})">',
            '      <parentCategory ref="MIMDesk" />',
            "    </category>",
        ]
    lines += ["  </categories>", "  <policies>"]
    for p in POLICIES:
        head = (
            f'    <policy name="{p.name}" class="Both" displayName="$(string.{p.name})"'
            f' explainText="$(string.{p.name}_help)"'
        )
        if p.kind != "flag":
            head += f' presentation="$(presentation.{p.name})"'
        head += f' key="{REGISTRY_KEY}"'
        if p.kind == "flag":
            head += f' valueName="{p.key}"'
        lines += [
            head + ">",
            f'      <parentCategory ref="{p.category}" />',
            '      <supportedOn ref="SUPPORTED_MIMDESK" />',
        ]
        if p.kind == "flag":
            lines += [
                '      <enabledValue><decimal value="1" /></enabledValue>',
                '      <disabledValue><decimal value="0" /></disabledValue>',
            ]
        elif p.kind == "number":
            lines += [
                "      <elements>",
                f'        <decimal id="{p.name}" valueName="{p.key}" required="true"'
                f' minValue="0" maxValue="{p.maximum}" />',
                "      </elements>",
            ]
        elif p.kind == "text":
            lines += [
                "      <elements>",
                f'        <text id="{p.name}" valueName="{p.key}" maxLength="1024" />',
                "      </elements>",
            ]
        else:
            lines += [
                "      <elements>",
                f'        <enum id="{p.name}" valueName="{p.key}" required="true">',
            ]
            for n, (value, _) in enumerate(p.choices):
                lines += [
                    f'          <item displayName="$(string.{p.name}_{n})">',
                    f"            <value><string>{escape(value)}</string></value>",
                    "          </item>",
                ]
            lines += ["        </enum>", "      </elements>"]
        lines.append("    </policy>")
    lines += ["  </policies>", "</policyDefinitions>", ""]
    return "\n".join(lines)


def adml() -> str:
    strings = [
        ("MIMDesk", "MIM Desk"),
        ("SUPPORTED_MIMDESK", "MIM Desk 0.1 and later"),
    ]
    strings += [(f"cat_{cat}", title) for cat, title in CATEGORIES.items()]
    for p in POLICIES:
        strings.append((p.name, p.title))
        strings.append((f"{p.name}_help", help_text(p)))
        strings += [(f"{p.name}_{n}", shown) for n, (_, shown) in enumerate(p.choices)]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!-- Generated by packaging/windows/policy/make_admx.py; do not edit. -->",
        '<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
        '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        f'    revision="{REVISION}" schemaVersion="1.0"',
        '    xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">',
        "  <displayName>MIM Desk</displayName>",
        "  <description>Settings of MIM Desk that IT locks for every user.</description>",
        "  <resources>",
        "    <stringTable>",
    ]
    lines += [f'      <string id="{sid}">{escape(text)}</string>' for sid, text in strings]
    lines += ["    </stringTable>", "    <presentationTable>"]
    for p in POLICIES:
        if p.kind == "flag":
            continue
        lines.append(f'      <presentation id="{p.name}">')
        label = escape(p.label)
        if p.kind == "number":
            lines.append(f'        <decimalTextBox refId="{p.name}">{label}</decimalTextBox>')
        elif p.kind == "text":
            lines += [
                f'        <textBox refId="{p.name}">',
                f"          <label>{label}</label>",
                "        </textBox>",
            ]
        else:
            lines.append(
                f'        <dropdownList refId="{p.name}" noSort="true" defaultItem="0">'
                f"{label}</dropdownList>"
            )
        lines.append("      </presentation>")
    lines += ["    </presentationTable>", "  </resources>", "</policyDefinitionResources>", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in ((ADMX, admx()), (ADML, adml())):
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    for path in stale:
        print(f"{path} is stale: run {Path(__file__).name}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
