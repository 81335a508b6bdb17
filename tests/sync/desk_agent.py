"""One desk in its own process, for the multi-desk tests:

    python -m tests.sync.desk_agent --db PATH --shared URL --workdir DIR --name NAME --seed N

Makes random edits while its sync worker runs (MIMDESK_FAULT may kill it at a named point),
until DIR/stop exists; then syncs until quiet and writes DIR/NAME.json with its digest.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from mimdesk.app import open_app
from mimdesk.sync import State
from mimdesk.sync.digest import local_digest
from mimdesk.sync.target import Timeouts
from tests.sync.helpers import random_edit


def settle(service, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        service.sync_now()
        time.sleep(0.5)
        s = service.status()
        quiet = quiet + 1 if s.state is State.ONLINE and not s.pending and not s.missed else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--shared", required=True)
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pause", type=float, default=0.05)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    app = open_app(db=args.db, shared=args.shared)
    if not app.settings.display_name:
        app.set_display_name(args.name)
    service = app.sync_service(
        timeouts=Timeouts.from_env(), poll_interval=0.3, backoff_base=0.2, backoff_cap=2.0
    )
    service.start()
    stop = args.workdir / "stop"
    edits = 0
    while not stop.exists():
        random_edit(app, rng)
        edits += 1
        time.sleep(rng.uniform(0, args.pause * 2))
    # Quiet: sync until nothing is left either way, three checks in a row; say so, wait until
    # every desk is quiet (all events are on the server), then fetch the last ones.
    settle(service)
    (args.workdir / f"{args.name}.quiet").touch()
    final = args.workdir / "final"
    deadline = time.monotonic() + 120
    while not final.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    settle(service)
    status = service.status()
    service.stop()
    digest = local_digest(app.log)
    app.log.rebuild_projections()
    digest["rebuilt"] = local_digest(app.log)["projection"]
    digest["edits"] = edits
    digest["state"] = status.state.value
    digest["message"] = status.message
    out = args.workdir / f"{args.name}.json"
    out.with_suffix(".tmp").write_text(json.dumps(digest))
    out.with_suffix(".tmp").replace(out)
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
