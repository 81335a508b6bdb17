"""A desk pulling a backlog in its own process, printing as it goes, for the backlog test:

    python -m tests.sync.backlog_agent --db PATH --shared URL

Prints ``fetched N`` after each read from the server (before it is applied) and
``progress DONE TOTAL`` after each batch is committed, flushing each line, so that the test
can kill it with SIGKILL at any point and know how much it had read.
"""

from __future__ import annotations

import argparse

from mimdesk.app import open_app
from mimdesk.sync import faults
from mimdesk.sync.protocol import Progress
from mimdesk.sync.target import Timeouts, make_engine, parse_url


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--shared", required=True)
    args = parser.parse_args()
    from mimdesk.sync.protocol import Replicator

    app = open_app(db=args.db)
    target = parse_url(args.shared, "test")
    timeouts = Timeouts(connect=2, statement=10, lock=3, idle_transaction=20, transaction=20)
    rep = Replicator(app.log, lambda: make_engine(target, timeouts=timeouts), timeouts=timeouts)

    def hook(name: str) -> None:
        if name == "pull.after_fetch":
            print(f"fetched {rep.fetched}", flush=True)

    def progress(p: Progress) -> None:
        if p.phase == "pull":
            print(f"progress {p.done} {p.total}", flush=True)

    faults.set_hook(hook)
    rep.connect()
    rep.pull(progress)
    rep.dispose()
    app.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
