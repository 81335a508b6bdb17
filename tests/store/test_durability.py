"""A desk killed mid-incident loses nothing it said it had saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from mimdesk.app import open_app
from tests.support.recorded import as_json

CHILD = textwrap.dedent(
    """
    import sys
    from mimdesk.app import open_app
    from mimdesk.usecases import incidents, timeline

    app = open_app(db=sys.argv[1])
    summary, _ = incidents.report(app.ctx, title="Killed mid-incident")
    print(summary.reference, flush=True)
    n = 0
    while True:
        event_id, _ = timeline.add_note(app.ctx, reference=summary.reference, text=f"note {n}")
        print(event_id, flush=True)  # printed only once the append has returned
        n += 1
    """
)


@pytest.mark.slow
def test_every_acknowledged_note_survives_sigkill(tmp_path, home):
    db = tmp_path / "killed.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        reference = child.stdout.readline().strip()
        assert reference.startswith("MI-"), child.stderr.read()
        acknowledged = [child.stdout.readline().strip() for _ in range(40)]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert all(len(i) == 36 for i in acknowledged)
    # The crash left a write-ahead log behind; opening recovers from it.
    assert (tmp_path / "killed.sqlite3-wal").exists()

    app = open_app(db=db)
    try:
        (summary,) = app.log.summaries()
        assert summary.reference == reference
        stream = app.log.stream(summary.stream_id)
        stored = {e.event_id for e in stream}
        assert set(acknowledged) <= stored
        # Some appends may have committed after the last id we read: never fewer.
        assert summary.event_count == len(stream) >= len(acknowledged) + 1
        texts = [as_json(e.payload)["text"] for e in stream[1:]]
        assert texts == [f"note {n}" for n in range(len(texts))]
        before = app.log.summaries()
        app.log.rebuild_projections()
        assert app.log.summaries() == before
    finally:
        app.close()
