"""A large backlog (SYNC.md acceptance test 13): a desk pulling 50,000 events is killed with
SIGKILL at a random point, then runs again. At most one batch is read twice (no more than
50,500 rows fetched in all), progress only moves forward, and the desk ends with every event
exactly once and a projection equal to a rebuild."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, update

from mimdesk.app import open_app
from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.store.event_rows import to_row
from mimdesk.sync.digest import local_digest

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 50_000
INCIDENTS = 20


def fill_server(shared_db, app) -> None:
    """50,000 events in 20 incidents, written straight into the shared log (a bulk insert:
    the test is about pulling them)."""
    ctx = app.ctx
    streams = [new_id() for _ in range(INCIDENTS)]
    events = [
        ctx.event(sid, schema.decode(EventType.INCIDENT_REPORTED, 1, {"title": f"Outage {n}"}))
        for n, sid in enumerate(streams)
    ]
    for i in range(EVENTS - INCIDENTS):
        text = f"note {i}: the bridge heard from the network team again"
        events.append(
            ctx.event(
                streams[i % INCIDENTS],
                schema.decode(EventType.NOTE_ADDED, 1, {"text": text, "kind": "observation"}),
            )
        )
    now = datetime.now(UTC)
    with shared_db.engine.begin() as conn:
        for start in range(0, EVENTS, 5000):
            rows = []
            for seq, event in enumerate(events[start : start + 5000], start + 1):
                row = to_row(event)
                rows.append(
                    {
                        **{name: row[name] for name in shared.EVENT_COLUMNS},
                        "seq": seq,
                        "app_version": "test",
                        "received_at": now,
                    }
                )
            conn.execute(insert(shared.event), rows)
        conn.execute(update(shared.sync_head).values(last_seq=EVENTS))


def pull(db: Path, url: str, env: dict[str, str], kill_at: int | None = None) -> list[str]:
    """Run the backlog agent; with ``kill_at``, SIGKILL it once its progress passes that many
    events. Returns the lines it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.backlog_agent", "--db", str(db), "--shared", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line.strip())
        if kill_at is not None and line.startswith("progress ") and int(line.split()[1]) >= kill_at:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=120)
    stderr = proc.stderr.read() if proc.stderr else ""
    if kill_at is None:
        assert proc.returncode == 0, stderr
    else:
        assert proc.returncode == -signal.SIGKILL, stderr
    return lines


def numbers(lines: list[str], word: str) -> list[int]:
    return [int(line.split()[1]) for line in lines if line.startswith(word + " ")]


def test_a_killed_backlog_pull_resumes_reading_at_most_one_batch_again(shared_db, desks, home):
    fill_server(shared_db, desks["seed"])
    db = Path(desks["dara"].database)
    desks["dara"].close()
    env = {**os.environ, "MIMDESK_HOME": str(home)}
    url = shared_db.url_text()
    kill_at = random.Random().randrange(5_000, 45_000)

    first = pull(db, url, env, kill_at=kill_at)
    second = pull(db, url, env)

    fetched = max(numbers(first, "fetched")) + max(numbers(second, "fetched"))
    assert EVENTS <= fetched <= EVENTS + 500, (kill_at, fetched)
    for lines in (first, second):
        done = numbers(lines, "progress")
        assert done == sorted(done) and done, lines[-5:]
    assert second[-1] == "done"
    app = open_app(db=db)
    try:
        digest = local_digest(app.log)
        assert digest["events"] == EVENTS and digest["pending"] == 0
        assert app.log.sync_state()["pull_cursor"] == str(EVENTS)
        assert digest["incidents"] == INCIDENTS
        app.log.rebuild_projections()
        assert local_digest(app.log)["projection"] == digest["projection"]
    finally:
        app.close()
