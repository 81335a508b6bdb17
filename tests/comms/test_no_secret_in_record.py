"""A webhook's token never reaches the record: not the event log, the database file, the
export, the CLI's output, nor the shared server's event table.

The attack: the webhook URL (a secret in the keyring) holds a token in its path or in its
query; the receiver, a real HTTP server on 127.0.0.1, answers 500 (the message is queued and
retried) or 400 (it failed for good), with a body that echoes the request's path and query
and a token of its own. Everything runs through the real CLI in subprocesses. Before the fix
the start of that body went into the reason of the ``comms.queued`` / ``comms.failed`` event,
redacted only of the full URL, so the echoed path and query kept the token, and every desk
received it through the shared database. An SMTP server's reply text went into the reason
the same way; now only its code does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from mimdesk import config
from mimdesk.usecases import comms, incidents
from tests.comms.conftest import free_port
from tests.support import file_keyring
from tests.support.recorded import as_json
from tests.system_tools import server_missing

REPO = Path(__file__).resolve().parents[2]
PATH_TOKEN = "PathTok-8c1f5e2a9b7d4c30"
QUERY_TOKEN = "QueryTok-5d2b9e71a3c84f06"
BODY_TOKEN = "BodyTok-e94a0c6b1f2d7358"
TOKENS = (PATH_TOKEN, QUERY_TOKEN, BODY_TOKEN)
# The start of each token too: a reason cut to some length must not keep half of one either.
NEEDLES = TOKENS + tuple(t[:12] for t in TOKENS)


class EchoReceiver:
    """Answers every POST with the status named by the path's first segment, and a body that
    repeats the request's path and query, as some receivers' error pages do."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.paths.append(self.path)
                status = int(self.path.split("/")[1])
                answer = (
                    f"Error {status}: no workflow at {self.path} "
                    f"(request {self.path}, key {BODY_TOKEN})"
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, status: int) -> str:
        """A token in the path and another in the query, as Teams and Slack URLs have."""
        return (
            f"http://127.0.0.1:{self.port}/{status}/workflows/{PATH_TOKEN}/triggers/manual/"
            f"invoke?api-version=1&sig={QUERY_TOKEN}"
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[EchoReceiver]:
    server = EchoReceiver()
    yield server
    server.stop()


@dataclass
class Desk:
    """One desk driven through the CLI; every line it printed is kept for the scan."""

    folder: Path
    outputs: list[str] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.folder / "desk.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIMDESK_SHARED")}
        env.update(file_keyring.environment(self.folder / "keyring.json"))
        env.update(
            MIMDESK_HOME=str(self.folder / "home"),
            MIMDESK_SITE_CONFIG=str(self.folder / "no-site.toml"),
            PYTHONIOENCODING="utf-8",
            TZ="UTC",
        )
        return env

    def run(self, *args: str, stdin: str | None = None, db: bool = True) -> tuple[int, str]:
        argv = [sys.executable, "-m", "mimdesk", *(["--db", str(self.database)] if db else [])]
        done = subprocess.run(
            [*argv, *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            env=self.env(),
            timeout=120,
            check=False,
        )
        self.outputs += [done.stdout, done.stderr]
        return done.returncode, done.stdout + done.stderr


def attack(desk: Desk, url: str, status: int) -> str:
    """Declare an incident, keep ``url`` as the webhook's secret, send; the reference."""
    code, out = desk.run("new", "Payroll portal down")
    assert code == 0, out
    reference = out.split()[0]
    code, out = desk.run("declare", reference, "--severity", "SEV1", "--rationale", "All staff")
    assert code == 0, out
    code, out = desk.run("secret", "set", "webhook:generic", stdin=url + "\n", db=False)
    assert code == 0, out
    code, out = desk.run(
        "send", reference, "--kind", "update", "--audience", "it_staff", "--channel", "webhook"
    )
    if status == 500:
        assert code == 75, out  # queued
        assert "the webhook answered HTTP 500; will retry" in out
        # The outbox lists the message with its reason, then tries it again (500 again).
        code, out = desk.run("outbox")
        assert code == 0 and "[the webhook answered HTTP 500; will retry]" in out, out
        assert desk.run("outbox", "--deliver")[0] == 75  # still waiting
    else:
        assert code == 1, out  # failed for good
        assert "the webhook refused the message (HTTP 400)" in out
    code, out = desk.run("show", reference, "--timeline")
    assert code == 0, out
    return reference


def leaks(blob: str | bytes) -> list[str]:
    if isinstance(blob, bytes):
        return [n for n in NEEDLES if n.encode() in blob]
    return [n for n in NEEDLES if n in blob]


@pytest.mark.parametrize("status", [500, 400])
def test_no_token_in_the_log_the_database_the_export_or_the_output(
    tmp_path: Path, receiver: EchoReceiver, status: int
) -> None:
    desk = Desk(tmp_path)
    reference = attack(desk, receiver.url(status), status)
    # The receiver did get both tokens (and echoed them): the attack was real.
    assert receiver.paths and all(PATH_TOKEN in p and QUERY_TOKEN in p for p in receiver.paths)

    with sqlite3.connect(desk.database) as db:
        rows = db.execute("SELECT type, payload FROM event ORDER BY seq").fetchall()
    kind = "comms.queued" if status == 500 else "comms.failed"
    (reason,) = [json.loads(p)["reason"] for t, p in rows if t == kind]
    assert reason in (
        "the webhook answered HTTP 500; will retry",
        "the webhook refused the message (HTTP 400)",
    )
    for _, payload in rows:
        assert leaks(payload) == [], payload

    export = tmp_path / "export.json"
    code, out = desk.run("export", reference, "--json", str(export))
    assert code == 0, out
    assert kind in export.read_text(encoding="utf-8")
    assert leaks(export.read_bytes()) == []

    for output in desk.outputs:
        assert leaks(output) == [], output
    # The file and its write-ahead log as stored, free pages included.
    for path in tmp_path.glob(desk.database.name + "*"):
        assert leaks(path.read_bytes()) == [], path.name


# -- the shared database ---------------------------------------------------------------


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("MIMDESK_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{reason} (MIMDESK_REQUIRE_SERVERS=1)")
    pytest.skip(reason)


@pytest.fixture
def shared_pg() -> Iterator[tuple[str, Engine]]:
    """A new, empty database on the PostgreSQL named by MIMDESK_TEST_PG_URL: its plain URL
    (as a desk is given it) and an engine on it for the test to read."""
    raw = os.environ.get("MIMDESK_TEST_PG_URL")
    if not raw:
        _skip_or_fail(server_missing("pg"))
    admin_url = make_url(raw)
    name = f"mimdesk_n_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        _skip_or_fail(f"cannot create a test database on MIMDESK_TEST_PG_URL: {exc}")
    engine = create_engine(admin_url.set(database=name), poolclass=NullPool)
    host, port = admin_url.host or "127.0.0.1", admin_url.port or 5432
    try:
        yield f"postgresql://{admin_url.username}@{host}:{port}/{name}", engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("status", [500, 400])
def test_no_token_reaches_the_shared_event_table(
    tmp_path: Path, receiver: EchoReceiver, shared_pg: tuple[str, Engine], status: int
) -> None:
    url, engine = shared_pg
    desk = Desk(tmp_path)
    code, out = desk.run("--shared", url, "db", "init", db=False)
    assert code == 0, out
    attack(desk, receiver.url(status), status)
    code, out = desk.run("--shared", url, "sync", "--once", "--json")
    assert code == 0, out
    assert json.loads(out)["pending"] == 0

    kind = "comms.queued" if status == 500 else "comms.failed"
    with engine.connect() as conn:
        types = conn.execute(text("SELECT type FROM event")).scalars().all()
        assert kind in types  # the event did travel to the server
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                assert leaks(repr(tuple(row))) == [], (table, row)
    for output in desk.outputs:
        assert leaks(output) == [], output


# -- the SMTP server's words -------------------------------------------------------------


class EchoingMailServer:
    """Refuses every message with a reply that quotes a token, as a filter's reply may quote
    what it matched."""

    def __init__(self, code: int) -> None:
        self.code = code

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return f"{self.code} 5.7.1 Refused: matched key {BODY_TOKEN} in the message"


@pytest.mark.parametrize(("code", "outcome"), [(554, "failed"), (451, "queued")])
def test_the_smtp_servers_reply_text_stays_out_of_the_record(
    app: Any, incident: Any, tmp_path: Path, code: int, outcome: str
) -> None:
    port = free_port()
    controller = Controller(EchoingMailServer(code), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        (tmp_path / "no-site.toml").write_text(
            '[comms]\nfrom_address = "desk@example.org"\n[comms.smtp]\nhost = "127.0.0.1"\n'
            f'port = {port}\nsecurity = "none"\ntimeout_seconds = 5\n',
            encoding="utf-8",
        )
        app.settings = config.load_settings(app.paths)
        draft_id, _ = comms.save_draft(
            app.ctx, reference=incident.reference, settings=app.settings, kind="update",
            audience="business", subject="s", body="b", recipients=["ops@example.org"],
            channel="smtp",
        )  # fmt: skip
        result, _ = comms.send(
            app.ctx,
            reference=incident.reference,
            settings=app.settings,
            draft_id=draft_id,
            channel="smtp",
        )
    finally:
        controller.stop()
    said = "refused the message" if code == 554 else "asked to try later"
    assert (result.outcome, result.reason) == (
        outcome,
        f"the SMTP server 127.0.0.1:{port} {said} (code {code})",
    )
    events = incidents.get(app.ctx, incident.reference).events
    assert any(as_json(e.payload).get("reason") == result.reason for e in events)
    for event in events:
        assert leaks(json.dumps(as_json(event.payload))) == []
    for path in tmp_path.glob(Path(app.database).name + "*"):
        assert leaks(path.read_bytes()) == [], path.name
