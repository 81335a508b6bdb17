"""A Hypothesis state machine over three in-process desks and a real shared database: offline
edits, partitions, syncs and crashes mid-sync, in any order, always converge once the network
heals. Example counts are modest so the suite stays quick; raise them with
``MIMDESK_SYNC_EXAMPLES``."""

from __future__ import annotations

import itertools
import os
import random
import shutil

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from mimdesk.app import open_app
from mimdesk.store import shared
from mimdesk.store.models import event_table
from mimdesk.store.sqlite import open_database
from mimdesk.sync import faults
from tests.sync.helpers import assert_converged, converge, random_edit, sync

EXAMPLES = int(os.environ.get("MIMDESK_SYNC_EXAMPLES", "8"))
STEPS = 25
DESKS = 3


class Crash(Exception):
    pass


def test_offline_edits_partitions_and_syncs_converge(server, tmp_path, home):
    template = tmp_path / "template.sqlite3"
    engine, _ = open_database(template)
    engine.dispose()
    counter = itertools.count()

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            server.reset()
            n = next(counter)
            self.apps = []
            for i in range(DESKS):
                path = tmp_path / f"ex{n}-desk{i}.sqlite3"
                shutil.copy(template, path)
                self.apps.append(open_app(db=path))
            self.partitioned = [False] * DESKS
            self.target = server.target()

        @rule(desk=st.integers(0, DESKS - 1), seed=st.integers(0, 2**16), n=st.integers(1, 5))
        def edit(self, desk, seed, n):
            rng = random.Random(seed)
            for _ in range(n):
                random_edit(self.apps[desk], rng, new_incident_chance=0.25)

        @rule(desk=st.integers(0, DESKS - 1))
        def partition(self, desk):
            self.partitioned[desk] = True

        @rule(desk=st.integers(0, DESKS - 1))
        def heal(self, desk):
            self.partitioned[desk] = False

        @rule(desk=st.integers(0, DESKS - 1))
        def sync(self, desk):
            if not self.partitioned[desk]:
                sync(self.apps[desk], self.target)

        @precondition(lambda self: not all(self.partitioned))
        @rule(desk=st.integers(0, DESKS - 1), point=st.sampled_from(faults.POINTS))
        def crash_mid_sync(self, desk, point):
            if self.partitioned[desk]:
                return

            def hook(name: str) -> None:
                if name == point:
                    raise Crash(point)

            faults.set_hook(hook)
            try:
                sync(self.apps[desk], self.target)
            except Crash:
                pass
            finally:
                faults.set_hook(None)

        @invariant()
        def server_seqs_are_contiguous(self):
            with server.engine.connect() as conn:
                head = conn.execute(select(shared.sync_head.c.last_seq)).scalar()
                count, top = conn.execute(select(func.count(), func.max(shared.event.c.seq))).one()
            assert head == count == (top or 0)

        @invariant()
        def local_ids_are_unique(self):
            for app in self.apps:
                with app.log.engine.connect() as conn:
                    total, distinct = conn.execute(
                        select(func.count(), func.count(event_table.c.event_id.distinct()))
                    ).one()
                assert total == distinct

        def teardown(self) -> None:
            try:
                self.partitioned = [False] * DESKS
                converge(self.apps, self.target)
                assert_converged(self.apps, server.engine)
            finally:
                for app in self.apps:
                    app.close()

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=os.environ.get("CI") == "true",
        ),
    )
