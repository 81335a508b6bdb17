"""A wrong SMTP password is an authentication failure, recorded once and never retried; a
server that cannot check passwords right now (454) is retried. Against aiosmtpd requiring
AUTH over STARTTLS, with the test's own CA.

Before the fix smtplib tried every mechanism the server offered, so one wrong password cost
the account a failed login per mechanism, and a server that hangs up after refusing a login
turned "wrong password" into "connection closed": queued, and retried by the outbox for as
long as the message lived. A 454 was recorded as a wrong password and never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from mimdesk import config, secrets
from mimdesk.domain.events import EventType
from mimdesk.usecases import comms, incidents, outbox
from tests.comms.conftest import SMTP_PASSWORD, SMTP_USER, Certs, free_port
from tests.support.recorded import as_json

WRONG = "Wr0ng-pa55-Kq7"


@dataclass
class AuthServer:
    """An SMTP server that requires a login; ``mode`` says how it answers a bad one."""

    port: int
    mode: str = "refuse"  # refuse | hang_up (535, then close) | busy (454 to every login)
    attempts: list[str] = field(default_factory=list)  # the mechanisms tried, in order
    delivered: int = 0
    controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered += 1
        return "250 Message accepted"

    def authenticate(
        self, smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        self.attempts.append(mechanism)
        if self.mode == "busy":
            return AuthResult(
                success=False, handled=False, message="454 4.7.0 Temporary authentication failure"
            )
        login = data.login.decode() if isinstance(data, LoginPassword) else ""
        password = data.password.decode() if isinstance(data, LoginPassword) else ""
        if login == SMTP_USER and password == SMTP_PASSWORD:
            return AuthResult(success=True)
        if self.mode == "hang_up":
            # After the refusal below is written, as servers that cut off guessers do.
            smtp.loop.call_soon(smtp.transport.close)
        # Echoes what it was given, as some servers do: none of it may reach the record.
        # (handled=False: aiosmtpd writes the message; True would leave the client waiting.)
        return AuthResult(
            success=False,
            handled=False,
            message=f"535 5.7.8 Bad credentials for {login}:{password}",
        )

    def start(self, certs: Certs) -> None:
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.authenticate,
            tls_context=certs.server_context(),
            require_starttls=True,
            auth_require_tls=True,
            auth_required=True,
        )
        self.controller.start()


@pytest.fixture
def smtp_auth(certs: Certs) -> Iterator[Callable[..., AuthServer]]:
    started: list[AuthServer] = []

    def start(mode: str = "refuse", port: int | None = None) -> AuthServer:
        server = AuthServer(port or free_port(), mode)
        server.start(certs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.controller.stop()


def configure(app: Any, tmp_path: Path, port: int, ca: Path) -> None:
    (tmp_path / "no-site.toml").write_text(
        "[comms]\n"
        'from_address = "desk@example.org"\n'
        "[comms.smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        'security = "starttls"\n'
        f'username = "{SMTP_USER}"\n'
        "timeout_seconds = 5\n"
        f'ca_file = "{ca.as_posix()}"\n',
        encoding="utf-8",
    )
    app.settings = config.load_settings(app.paths)
    assert not app.settings.warnings, app.settings.warnings


def send(app: Any, reference: str) -> tuple[str, Any]:
    draft_id, _ = comms.save_draft(
        app.ctx,
        reference=reference,
        settings=app.settings,
        kind="update",
        audience="business",
        subject="Email is back for most staff",
        body="We are restoring the last mailboxes.",
        recipients=["ops@example.org"],
        channel="smtp",
    )
    result, _ = comms.send(
        app.ctx, reference=reference, settings=app.settings, draft_id=draft_id, channel="smtp"
    )
    return draft_id, result


def events_of(app: Any, reference: str, kind: EventType) -> list[Any]:
    return [e for e in incidents.get(app.ctx, reference).events if e.type == kind]


def refused(port: int) -> str:
    return f"the SMTP server 127.0.0.1:{port} refused the user name or password (code 535)"


@pytest.mark.parametrize("mode", ["refuse", "hang_up"])
def test_a_wrong_password_fails_once_and_is_not_retried(
    app, ctx, incident, certs, tmp_path, clock, smtp_auth, mode
):
    server = smtp_auth(mode)
    secrets.set_secret("smtp:127.0.0.1", WRONG)
    configure(app, tmp_path, server.port, certs.ca)
    draft_id, result = send(app, incident.reference)

    assert (result.outcome, result.reason) == ("failed", refused(server.port))
    # One refused login, not one per mechanism the server offers (account lock-outs count).
    assert server.attempts == ["PLAIN"] and server.delivered == 0
    assert events_of(app, incident.reference, EventType.QUEUED) == []
    (failed,) = events_of(app, incident.reference, EventType.SEND_FAILED)
    assert as_json(failed.payload)["reason"] == refused(server.port)
    assert incidents.get(ctx, incident.reference).state.drafts[draft_id].state == "failed"

    clock.advance(minutes=15)
    run = outbox.deliver(ctx, app.settings)
    assert run.sent == run.failed == run.waiting == []
    assert server.attempts == ["PLAIN"]  # the outbox did not try again
    # The server's reply quoted the password: it is not in the record.
    stored = b"".join(p.read_bytes() for p in tmp_path.glob(Path(app.database).name + "*"))
    assert WRONG.encode() not in stored and b"Bad credentials" not in stored


def test_a_message_queued_while_the_server_was_down_fails_on_a_wrong_password(
    app, ctx, incident, certs, tmp_path, clock, smtp_auth
):
    port = free_port()  # nothing listens yet
    secrets.set_secret("smtp:127.0.0.1", WRONG)
    configure(app, tmp_path, port, certs.ca)
    draft_id, result = send(app, incident.reference)
    assert result.outcome == "queued", result.reason

    server = smtp_auth("hang_up", port)
    clock.advance(minutes=2)
    run = outbox.deliver(ctx, app.settings)
    assert run.waiting == [] and run.sent == []
    (failure,) = run.failed
    assert (failure.draft_id, failure.reason) == (draft_id, refused(port))
    (failed,) = events_of(app, incident.reference, EventType.SEND_FAILED)
    assert as_json(failed.payload)["reason"] == refused(port)

    clock.advance(minutes=5)
    assert outbox.deliver(ctx, app.settings).failed == []
    assert server.attempts == ["PLAIN"] and server.delivered == 0


def test_a_server_that_cannot_check_passwords_now_is_retried(
    app, ctx, incident, certs, tmp_path, clock, smtp_auth
):
    server = smtp_auth("busy")
    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    configure(app, tmp_path, server.port, certs.ca)
    draft_id, result = send(app, incident.reference)

    reason = (
        f"the SMTP server 127.0.0.1:{server.port} could not check the user name and password "
        "now (code 454); will retry"
    )
    assert (result.outcome, result.reason) == ("queued", reason)
    (queued,) = events_of(app, incident.reference, EventType.QUEUED)
    assert as_json(queued.payload)["reason"] == reason
    tried = len(server.attempts)

    clock.advance(minutes=2)
    run = outbox.deliver(ctx, app.settings)
    assert [p.draft_id for p in run.waiting] == [draft_id] and run.failed == []
    assert len(server.attempts) > tried  # tried again

    server.mode = "refuse"  # the password server is back: the right password goes through
    clock.advance(minutes=2)
    run = outbox.deliver(ctx, app.settings)
    assert [r.draft_id for r in run.sent] == [draft_id], run
    assert server.delivered == 1
