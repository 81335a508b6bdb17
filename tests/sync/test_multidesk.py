"""Three desks as separate processes edit the same incidents, each through its own fault
proxy, while faults strike: proxy faults at random moments (refuse, reset, black hole,
latency, a cut after N bytes), server-side connection kills, a PostgreSQL restart, desks
dying at named points and by SIGKILL. Afterwards every desk and the server hold exactly the
same events, each once, and identical projections."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from mimdesk.store import shared
from mimdesk.sync.digest import server_digest
from tests.support.faultproxy import FaultProxy
from tests.sync.conftest import restart_pg

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("ana", "ben", "cleo")
RUN_SECONDS = 22
# Each desk dies once at a named point (its first run); restarts run clean.
ARMED = {
    "ana": "push.after_server_commit:3",
    "ben": "pull.mid_apply:4",
    "cleo": "push.before_server_commit:5",
}


class Desk:
    def __init__(self, name: str, url: str, workdir: Path, env: dict[str, str], seed: int):
        self.name = name
        self.url = url
        self.workdir = workdir
        self.env = env
        self.seed = seed
        self.proc: subprocess.Popen[bytes] | None = None
        self.deaths: list[int] = []
        self.log = (workdir / f"{name}.log").open("ab")

    def start(self, fault: str = "") -> None:
        env = {**self.env}
        if fault:
            env["MIMDESK_FAULT"] = fault
        self.seed += 1
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.sync.desk_agent",
                "--db",
                str(self.workdir / f"{self.name}.sqlite3"),
                "--shared",
                self.url,
                "--workdir",
                str(self.workdir),
                "--name",
                self.name,
                "--seed",
                str(self.seed),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )

    def check(self, restart: bool = True) -> None:
        """Restart it (clean) if it died."""
        if self.proc is not None and self.proc.poll() is not None:
            code = self.proc.returncode
            if code != 0:
                self.deaths.append(code)
                if restart:
                    self.start()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def test_three_desks_converge_through_faults(server, tmp_path, home):
    server.reset()
    rng = random.Random(int(time.time()))
    proxies = {n: FaultProxy(server.host, server.port).start() for n in NAMES}
    env = {
        **os.environ,
        "MIMDESK_HOME": str(home),
        "MIMDESK_SYNC_TIMEOUTS": "2,5,3,10,5",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("MIMDESK_FAULT", None)
    desks = {
        n: Desk(n, server.url_text(proxies[n].port), tmp_path, env, i * 100)
        for i, n in enumerate(NAMES)
    }
    injected: list[str] = []
    stop_faults = threading.Event()

    def inject() -> None:
        kinds = ("refuse", "reset", "blackhole", "latency", "cut", "reset_once")
        while not stop_faults.is_set():
            name = rng.choice(NAMES)
            proxy = proxies[name]
            kind = rng.choice(kinds)
            if kind == "latency":
                proxy.latency(rng.uniform(0.05, 0.3))
            elif kind == "cut":
                proxy.cut_after(rng.randrange(200, 80_000))
            else:
                getattr(proxy, kind)()
            injected.append(f"{name}:{kind}")
            stop_faults.wait(rng.uniform(0.1, 0.4))
            proxy.pass_()
            stop_faults.wait(rng.uniform(0.02, 0.2))

    try:
        for n, desk in desks.items():
            desk.start(ARMED[n])
        injector = threading.Thread(target=inject, daemon=True)
        injector.start()
        started = time.monotonic()
        events = {
            5: "kill-connections",
            9: "restart-pg" if server.kind == "pg" else "kill-connections",
            13: "sigkill",
            17: "kill-connections",
        }
        while (elapsed := time.monotonic() - started) < RUN_SECONDS or len(injected) < 60:
            for second in [s for s in events if s <= elapsed]:
                what = events.pop(second)
                if what == "kill-connections":
                    injected.append(f"server:kill x{server.kill_sync_connections()}")
                elif what == "restart-pg":
                    restart_pg()
                    injected.append("server:restart")
                else:
                    victim = desks[rng.choice(NAMES)]
                    victim.kill()
                    injected.append(f"{victim.name}:SIGKILL")
            for desk in desks.values():
                desk.check()
            time.sleep(0.2)
        stop_faults.set()
        injector.join(5)
        for proxy in proxies.values():
            proxy.pass_()
        for desk in desks.values():
            desk.check()
        (tmp_path / "stop").touch()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not all(
            (tmp_path / f"{n}.quiet").exists() for n in NAMES
        ):
            for desk in desks.values():
                desk.check()
            time.sleep(0.3)
        (tmp_path / "final").touch()
        while time.monotonic() < deadline and not all(
            (tmp_path / f"{n}.json").exists() for n in NAMES
        ):
            for desk in desks.values():
                desk.check()
            time.sleep(0.3)
    finally:
        stop_faults.set()
        for desk in desks.values():
            desk.kill()
            desk.log.close()
        for proxy in proxies.values():
            proxy.stop()

    proxy_faults = [f for f in injected if not f.startswith("server") and "SIGKILL" not in f]
    assert len(proxy_faults) >= 50, injected
    logs = {n: (tmp_path / f"{n}.log").read_text(errors="replace")[-3000:] for n in NAMES}
    missing = [n for n in NAMES if not (tmp_path / f"{n}.json").exists()]
    assert not missing, f"desks {missing} never settled: {logs}"
    digests = {n: json.loads((tmp_path / f"{n}.json").read_text()) for n in NAMES}
    with server.engine.connect() as conn:
        srv = server_digest(conn)
        dup = conn.execute(select(shared.event.c.event_id)).scalars().all()
    assert len(dup) == len(set(dup))
    assert srv["contiguous"], srv
    for n, d in digests.items():
        assert d["pending"] == 0, (n, d, logs[n])
        assert (d["events"], d["ids"], d["seqs"]) == (srv["events"], srv["ids"], srv["seqs"]), (
            n,
            d,
            srv,
        )
        assert d["projection"] == d["rebuilt"], n
    assert len({d["projection"] for d in digests.values()}) == 1, digests
    assert sum(d["edits"] for d in digests.values()) > 0
    # Every desk died at least once: at its armed fault point, or by SIGKILL.
    deaths = {n: desks[n].deaths for n in NAMES}
    assert sum(len(v) for v in deaths.values()) >= 3, (deaths, logs)
    if os.environ.get("MIMDESK_TEST_VERBOSE"):
        print(json.dumps({"faults": len(injected), "deaths": deaths, "server": srv}))


@pytest.fixture(autouse=True)
def _pg_is_up_afterwards():
    yield
    from tests.sync.conftest import ensure_pg_up, pg_is_up

    if not pg_is_up():
        ensure_pg_up()
