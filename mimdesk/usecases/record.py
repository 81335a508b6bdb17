"""What this desk knows about the shared record's authenticity, for the window and
``mimdesk doctor``: its signing key, the desks whose keys it pinned, and its findings (an
entry that does not verify, a shared copy that differs, a desk presenting a changed key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mimdesk.store import signatures
from mimdesk.store.record_trust import Alarm
from mimdesk.usecases.context import Context

# Characters of one version of a field a finding shows.
SHOWN_CHARS = 300
# Fields worth showing of an entry that reached this desk altered (no copy of its own).
_RECEIVED = ("author_name", "payload", "public_key")


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    event_id: str
    desk_id: str
    reference: str  # the incident the entry belongs to, when this desk holds it
    what: str  # one line: which entry or desk, and what is wrong
    found_at: datetime
    here: dict[str, Any] = field(default_factory=dict)  # this desk's copy
    shown: dict[str, Any] = field(default_factory=dict)  # what it was shown

    def lines(self, width: int = SHOWN_CHARS) -> list[str]:
        """The finding and, field by field, both versions where they differ."""
        out = [f"{self.what} (found {self.found_at:%Y-%m-%d %H:%M:%S} UTC)"]
        if not self.here:
            out += [
                f"  {name}: {_short(self.shown[name], width)}"
                for name in _RECEIVED
                if name in self.shown
            ]
            return out
        for name in sorted(set(self.here) | set(self.shown)):
            if self.here.get(name) != self.shown.get(name):
                out.append(f"  {name}, this desk's copy: {_short(self.here.get(name), width)}")
                out.append(f"  {name}, the shared copy: {_short(self.shown.get(name), width)}")
        return out


def _short(value: object, width: int) -> str:
    if value is None:
        return "(nothing)"
    text = " ".join(str(value).split())
    return repr(text if len(text) <= width else text[:width] + "…")


def findings(ctx: Context) -> list[Finding]:
    alarms = ctx.log.alarms()
    streams = ctx.log.streams_of(a.event_id for a in alarms if a.event_id)
    out = []
    for alarm in alarms:
        reference = _reference(ctx, streams.get(alarm.event_id, ""))
        out.append(_finding(alarm, reference))
    return out


def _reference(ctx: Context, stream_id: str) -> str:
    summary = ctx.log.summary(stream_id) if stream_id else None
    return summary.reference if summary is not None else ""


def _finding(alarm: Alarm, reference: str) -> Finding:
    what = alarm.describe()
    if reference:
        what = what.replace(f"event {alarm.event_id}", f"event {alarm.event_id} of {reference}")
    return Finding(
        alarm.kind.value,
        alarm.event_id,
        alarm.desk_id,
        reference,
        what,
        alarm.found_at,
        dict(alarm.detail.get("here", {})),
        dict(alarm.detail.get("shown", {})),
    )


def finding_count(ctx: Context) -> int:
    return ctx.log.alarm_count()


@dataclass(frozen=True, slots=True)
class KeyReport:
    place: str  # where the private half is kept, or ""
    problem: str  # why this desk cannot sign, or "" (also when no key was made yet)
    fingerprint: str  # of the public half, or ""
    desks_pinned: int


def key_report(ctx: Context) -> KeyReport:
    """This desk's signing key, as it is: looking never makes one."""
    signer = ctx.log.file.signer
    peek = getattr(signer, "peek", None)
    public = peek() if peek is not None else (signer.public_key if signer is not None else "")
    place = getattr(signer, "place", None)
    problem = getattr(signer, "problem", "") if signer is not None else "opened read-only"
    return KeyReport(
        place.describe() if place is not None else "",
        problem,
        signatures.fingerprint(public) if public else "",
        len(ctx.log.desk_keys()),
    )
