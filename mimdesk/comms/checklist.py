"""Does a draft say what every update must say? Heuristics over its text and the incident.

Every update needs what happened, the impact, what is being done and when the next update
comes (DOMAIN.md). A resolution says whether data was lost; a workaround message says what
the workaround is. Customers get no internal host names and no promise of when it will be
fixed. These are checks a person can overrule: they return what looks missing, named, with
a hint, and never block sending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mimdesk.comms import FINAL_KINDS
from mimdesk.domain.incident import IncidentState


@dataclass(frozen=True, slots=True)
class Missing:
    id: str
    label: str
    hint: str


ITEMS = {
    "what_happened": "What happened",
    "impact": "The impact",
    "actions": "What is being done",
    "next_update": "When the next update comes",
    "data_loss": "Whether any data was lost",
    "workaround": "The workaround",
    "internal_names": "No internal host names",
    "time_estimate": "No estimate of when it will be fixed",
}

_PROBLEM_WORDS = (
    "outage", "incident", "problem", "issue", "disruption", "unavailable", "down", "failure",
    "failing", "error", "slow", "degraded", "fault", "not working", "broken", "false alarm",
)  # fmt: skip
_IMPACT_WORDS = (
    "affect", "impact", "unable", "cannot", "can't", "can not", "users", "people", "customers",
    "staff", "slow", "unavailable", "disruption", "degraded", "delayed", "no access", "lost",
    "could not", "couldn't", "callers", "not working",
)  # fmt: skip
_DOING_WORDS = (
    "working", "investigat", "restor", "fix", "engineer", "team", "roll back", "rolled back",
    "rollback", "restart", "failover", "fail over", "vendor", "replac", "mitigat", "workaround",
    "we are", "we have", "monitoring", "resolved", "handled", "cause", "follow-up", "prevent",
    "diagnos", "escalat",
)  # fmt: skip
# What the built-in template writes when the incident has no workaround recorded.
WORKAROUND_PLACEHOLDER = "[describe the workaround]"
_STOP = {"with", "from", "that", "this", "have", "down", "will", "been", "into", "over"}

_TIME = re.compile(r"\b([01]?\d|2[0-3])[:.h][0-5]\d\b")
_NEXT = re.compile(r"\b(next|update|again|further)\b", re.IGNORECASE)
_DATA = re.compile(r"\b(data|lost|loss|corrupt\w*)\b", re.IGNORECASE)
# A sentence that only says it is being looked into does not state whether data was lost.
_UNSURE = re.compile(r"\b(whether|checking|if any|not yet known|unknown|investigating)\b", re.I)

# Internal names a customer must not see: hosts under an internal domain, IPv4 addresses,
# and the usual server naming (srv-db01, mx02, dc1).
_INTERNAL = re.compile(
    r"""(
        \b[\w-]+(?:\.[\w-]+)*\.(?:corp|internal|intra|intranet|lan|local|localdomain|ad)
            (?:\.[\w-]+)*\b
      | \b(?:\d{1,3}\.){3}\d{1,3}\b
      | \b(?:srv|svr|server|db|sql|app|web|mx|dc|vm|host|node|esx|prd|prod|uat|fs|exch)
            [-_]?[a-z]*\d{1,4}[a-z]?\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_ESTIMATE = re.compile(
    r"""\b(
        eta
      | estimated\ (?:time|fix|resolution)
      | (?:expect(?:ed)?\ to\ be|should\ be|will\ be)\ (?:fixed|resolved|restored|back)
      | (?:fixed|resolved|restored|back(?:\ up)?)\ (?:by|within|in)\ (?:\d|the\ next|an?\ )
      | within\ the\ next\ \d+
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def internal_names(text: str) -> list[str]:
    """Host names, addresses and server names in ``text``, as written."""
    return [m.group(0) for m in _INTERNAL.finditer(text)]


def _states_data_loss(text: str) -> bool:
    for sentence in re.split(r"[.!?\n]+", text):
        found = {m.group(1).casefold()[:7] for m in _DATA.finditer(sentence)}
        if "data" in found and len(found) > 1 and not _UNSURE.search(sentence):
            return True
    return False


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def check(
    state: IncidentState,
    *,
    kind: str,
    style: str,
    subject: str,
    body: str,
) -> list[Missing]:
    """What the draft seems to lack, in the order a reader needs it."""
    full = f"{subject}\n{body}"
    text = full.casefold()
    missing: list[Missing] = []

    def flag(item: str, hint: str) -> None:
        missing.append(Missing(item, ITEMS[item], hint))

    named = [s.casefold() for s in state.services] + [
        w for w in re.findall(r"\w{4,}", state.title.casefold()) if w not in _STOP
    ]
    if not state.title:
        flag("what_happened", "Give the incident a title that says what is broken.")
    elif not (_has(text, tuple(named)) or _has(text, _PROBLEM_WORDS)):
        flag("what_happened", "Say which service is affected and what is wrong with it.")

    if not state.impact and state.users_affected is None and not state.services:
        flag("impact", "Fill in the impact, users affected or services on the Overview tab.")
    elif not _has(text, _IMPACT_WORDS) and not (
        state.users_affected and f"{state.users_affected:,}" in full
    ):
        flag("impact", "Say who is affected and what they cannot do, in business terms.")

    if not _has(text, _DOING_WORDS):
        flag("actions", "Say what the team is doing now (or, when resolved, what fixed it).")

    if kind not in FINAL_KINDS and not (_TIME.search(full) and _NEXT.search(full)):
        flag("next_update", "Give the time of the next update, with its time zone.")

    if kind == "resolved" and not _states_data_loss(full):
        flag("data_loss", "State whether any data was lost or corrupted, or that none was.")

    if (
        kind == "mitigated"
        and style != "external"
        and ("workaround" not in text or WORKAROUND_PLACEHOLDER in text)
        and not (state.workaround and state.workaround.casefold() in text)
    ):
        flag("workaround", "Describe the workaround and who should use it.")

    if style == "external":
        names = internal_names(full)
        if names:
            shown = ", ".join(dict.fromkeys(names))
            flag("internal_names", f"Remove internal names customers should not see: {shown}.")
        if _ESTIMATE.search(full):
            flag(
                "time_estimate", "Do not promise when it will be fixed; give the next update time."
            )
    return missing
