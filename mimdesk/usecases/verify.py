"""``mimdesk verify``: whether this desk's file is whole and its record is what was written.

Three checks, each read-only: SQLite's full integrity check; every event's signature against
the key pinned for the desk that wrote it (mimdesk.store.record_trust); and that the incident
summaries equal what folding the log gives now. Alarms the sync raised about the shared
record are listed beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mimdesk.domain.wording import counted
from mimdesk.store.record_trust import WHAT, Alarm, AlarmKind, Verdict
from mimdesk.usecases.context import Context

# How many failing events the report names; the count says how many more.
SHOWN = 20


@dataclass(frozen=True)
class Verification:
    database: Path
    integrity: str
    verdicts: dict[Verdict, int]
    failing: list[tuple[str, str, Verdict]]
    projection: list[str]
    alarms: list[Alarm] = field(default_factory=list)

    @property
    def events(self) -> int:
        return sum(self.verdicts.values())

    @property
    def ok(self) -> bool:
        """The file is whole, every signature that can be checked holds, and the summaries
        are the log's."""
        return self.integrity == "ok" and not self.failing and not self.projection

    def lines(self) -> list[str]:
        """The report, one finding a line."""
        v = self.verdicts
        out = [
            f"Database: {self.database}",
            f"Integrity: {self.integrity}",
            f"Signatures: {v[Verdict.GOOD]} of {self.events} events verify",
        ]
        if v[Verdict.UNSIGNED]:
            out.append(
                f"  {v[Verdict.UNSIGNED]} carry no signature (written before desks signed, "
                "or imported from a desk that did not): they cannot be checked"
            )
        for event_id, desk_id, verdict in self.failing[:SHOWN]:
            what = WHAT[AlarmKind(verdict.value)]
            out.append(f"  FAILED event {event_id} (desk {desk_id}): {what}")
        if len(self.failing) > SHOWN:
            out.append(f"  ... and {len(self.failing) - SHOWN} more")
        if self.projection:
            out.append(f"Summaries: {len(self.projection)} differ from the log")
            out += [f"  FAILED {line}" for line in self.projection[:SHOWN]]
        else:
            out.append("Summaries: equal to a rebuild from the log")
        if self.alarms:
            out.append(
                f"Shared record: {counted(len(self.alarms), 'alarm')} raised by the sync "
                "('mimdesk doctor' names them)"
            )
        out.append("OK" if self.ok else "FAILED: the record cannot be trusted as it is")
        return out


def verify(
    ctx: Context, database: Path, progress: Callable[[str], None] | None = None
) -> Verification:
    say = progress or (lambda _what: None)
    say("integrity")
    integrity = ctx.log.integrity()
    say("signatures")
    verdicts, failing = ctx.log.check_signatures()
    say("summaries")
    projection = ctx.log.projection.differences()
    return Verification(database, integrity, verdicts, failing, projection, ctx.log.alarms())
