"""No secret reaches the log folder IT collects (mimdesk.logs).

A session through the real CLI, each command its own process: a webhook address (a secret,
token in its path and its query) and an SMTP password are kept with ``mimdesk secret set``,
a message goes to a local webhook receiver (which answers 500, so it is queued and retried)
and one to a local SMTP server that logs the desk in. The last command also fails in a
background thread with both secrets in the error (``MIMDESK_TEST_FAIL_IN_THREAD``), as a
library's exception might. Then every file of the log folder is read: neither the address,
nor its tokens, nor the password is in any.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mimdesk import logs
from tests.comms.conftest import SMTP_PASSWORD, SMTP_USER, Certs, MailServer
from tests.comms.test_no_secret_in_record import (
    PATH_TOKEN,
    QUERY_TOKEN,
    Desk,
    EchoReceiver,
    attack,
)


@pytest.fixture
def receiver() -> Iterator[EchoReceiver]:
    server = EchoReceiver()
    yield server
    server.stop()


@dataclass
class LoggedDesk(Desk):
    site: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = super().env()
        site = self.folder / "site.toml"
        site.write_text(self.site, encoding="utf-8")
        env["MIMDESK_SITE_CONFIG"] = str(site)
        env.update(self.extra)
        return env

    @property
    def log_folder(self) -> Path:
        return self.folder / "home" / "data" / "logs"


def test_no_secret_reaches_any_log_file(
    tmp_path: Path, receiver: EchoReceiver, smtp_server: MailServer, certs: Certs
) -> None:
    site = (
        "[comms]\n"
        'from_address = "desk@example.org"\n'
        "[comms.smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {smtp_server.port}\n"
        'security = "starttls"\n'
        f'username = "{SMTP_USER}"\n'
        f"ca_file = {str(certs.ca)!r}\n"
    )
    desk = LoggedDesk(tmp_path, site=site)
    url = receiver.url(500)
    reference = attack(desk, url, 500)
    assert receiver.paths, "the webhook was called"

    code, out = desk.run("secret", "set", "smtp:127.0.0.1", stdin=SMTP_PASSWORD + "\n", db=False)
    assert code == 0, out
    desk.extra[logs.FAIL_IN_THREAD] = f"lost {url} after logging in with password={SMTP_PASSWORD}"
    code, out = desk.run(
        "send", reference, "--kind", "update", "--audience", "it_staff",
        "--channel", "smtp", "--to", "ops@example.org",
    )  # fmt: skip
    assert code == 0, out
    assert smtp_server.logins == [SMTP_USER] and smtp_server.messages, "the mail was sent"

    files = [p for p in desk.log_folder.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {logs.LOG_FILE, logs.CRASH_FILE}
    text = (desk.log_folder / logs.LOG_FILE).read_text("utf-8")
    # The log did record the session, and the failure carrying both secrets, taken out.
    assert "started (command secret)" in text and "started (command send)" in text
    assert "RuntimeError: lost http://127.0.0.1:" in text and "password=[secret]" in text
    for path in files:
        blob = path.read_bytes()
        for needle in (url, PATH_TOKEN, QUERY_TOKEN, SMTP_PASSWORD):
            assert needle.encode() not in blob, (path.name, needle)
