"""Fixtures for the Communications GUI tests: the comms test servers and keyring, a site
configured for them, and the window opened on a declared incident with an MIM."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mimdesk import config, secrets
from mimdesk.gui.comms_tab import CommsTab
from mimdesk.gui.main import Workspace
from mimdesk.gui.outbox_worker import OutboxWorker
from tests.comms.conftest import (  # noqa: F401  (fixtures used by the GUI tests)
    SMTP_PASSWORD,
    SMTP_USER,
    Certs,
    MailServer,
    WebhookServer,
    certs,
    incident,
    memory_keyring,
    smtp_server,
    webhooks,
    webhooks_down,
)


def configure_site(app, tmp_path: Path, extra: str = "") -> None:
    """Write the site file, and read the settings again in place (as the dialog does)."""
    (tmp_path / "no-site.toml").write_text(extra, encoding="utf-8")
    fresh = config.load_settings(app.paths)
    assert not fresh.warnings, fresh.warnings
    for f in fields(fresh):
        setattr(app.settings, f.name, getattr(fresh, f.name))


def smtp_site(port: int, certs: Certs, *, approval: bool = False) -> str:
    return "\n".join(
        [
            "[comms]",
            f"require_approval = {'true' if approval else 'false'}",
            'from_address = "desk@example.org"',
            "[comms.recipients]",
            'executives = ["leadership@example.org", "eleni@example.org"]',
            "[comms.smtp]",
            'host = "127.0.0.1"',
            f"port = {port}",
            'security = "starttls"',
            f'username = "{SMTP_USER}"',
            "timeout_seconds = 5",
            f'ca_file = "{certs.ca.as_posix()}"',
        ]
    )


@pytest.fixture
def comms_site(app, tmp_path, certs, smtp_server) -> MailServer:
    configure_site(app, tmp_path, smtp_site(smtp_server.port, certs))
    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    return smtp_server


@pytest.fixture
def comms_ws(comms_site, incident, workspace: Workspace) -> Workspace:
    assert workspace.window.current.reference == incident.reference
    return workspace


def comms_tab(ws: Workspace) -> CommsTab:
    tabs = ws.window.tabs
    tab = next(tabs.widget(i) for i in range(tabs.count()) if tabs.tabText(i) == "Communications")
    tabs.setCurrentWidget(tab)
    assert isinstance(tab, CommsTab)
    return tab


def started_worker(ws: Workspace) -> tuple[OutboxWorker, list[Any]]:
    """An outbox worker on the window's clock trying every second (the tab's tries every
    30 s), started, and the list its delivery reports arrive in."""
    worker = OutboxWorker(
        ws.app.ctx,
        ws.app.settings,
        ws.runner,
        ws.hub,
        clock=ws.clock,
        interval=timedelta(seconds=1),
    )
    reports: list[Any] = []
    worker.delivered.connect(reports.append)
    worker.start()
    return worker, reports
