"""Closed vocabularies: the values a person picks from, each defined once, and one check.

A :class:`Vocabulary` is a short list of :class:`Term` (an id that is recorded, a label that
is shown, and optional aliases). :meth:`Vocabulary.resolve` turns what a person typed into an
id, forgiving case, surrounding space and the space/hyphen/underscore spelling (``MIM``,
``Major Incident Manager``, ``tech-lead``), and refuses anything else, naming the choices.
Every dialog and every command checks through it, so they all accept and refuse the same.

The vocabularies that do not vary by site are defined here. Roles, severities and audiences
are the site's (its settings may add or rename them): :class:`Vocabularies` carries one set
of each, built by the settings (:meth:`mimdesk.config.Settings.vocabularies`).

A check is for what a person types, never for what was recorded: an imported file, a
back-fill or another desk may hold a value this site's lists lack. It is kept as recorded,
shown as it is, and flagged by :func:`out_of_vocabulary`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from mimdesk.domain.lifecycle import Status

if TYPE_CHECKING:
    from mimdesk.domain.incident import IncidentState

_SEPARATORS = re.compile(r"[\s_\-]+")


def spelling_key(text: str) -> str:
    """What two spellings of one term have in common: the same letters in any case, with
    runs of spaces, hyphens and underscores read as one separator."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub(" ", folded).strip()


@dataclass(frozen=True, slots=True)
class Term:
    """One choice: ``id`` is what the log records, ``label`` what a person reads."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.id, self.label, *self.aliases)

    def choice(self) -> str:
        """The term in a list of choices: its label, and its id where that is not the label
        in other letter case."""
        if self.label.casefold() == self.id.casefold():
            return self.id
        return f"{self.label} ({self.id})"


class UnknownTerm(ValueError):
    """What a person typed names no term of a vocabulary, or more than one.

    ``message`` says what is wrong, ``hint`` lists the valid choices; the use cases pass both
    on to the person unchanged.
    """

    def __init__(self, message: str, hint: str, *, noun: str, typed: str) -> None:
        super().__init__(f"{message} {hint}".strip())
        self.message = message
        self.hint = hint
        self.noun = noun
        self.typed = typed


class Vocabulary(Sequence[str]):
    """The terms of one closed list, in the order they are offered.

    As a sequence it holds the term ids, so ``value in vocabulary`` asks whether a recorded
    value is one of them exactly, and ``for id in vocabulary`` goes through them in order.
    """

    __slots__ = ("_by_id", "_index", "noun", "terms")

    def __init__(self, noun: str, terms: Iterable[Term]) -> None:
        # noun: what one term is called in a sentence ("role", "note kind").
        self.noun = noun
        kept: dict[str, Term] = {}
        for term in terms:
            # A repeated id keeps its first definition; the settings check reports repeats.
            kept.setdefault(term.id, term)
        self.terms: tuple[Term, ...] = tuple(kept.values())
        self._by_id = kept
        index: dict[str, list[str]] = {}
        for term in self.terms:
            for spelling in term.spellings():
                ids = index.setdefault(spelling_key(spelling), [])
                if term.id not in ids:
                    ids.append(term.id)
        self._index: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in index.items()}

    # ---- Sequence of ids ------------------------------------------------------------------

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return tuple(t.id for t in self.terms[index])
        return self.terms[index].id

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[str]:
        return (t.id for t in self.terms)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self._by_id

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (self.noun, self.terms) == (other.noun, other.terms)

    def __hash__(self) -> int:
        return hash((self.noun, self.terms))

    def __repr__(self) -> str:
        return f"Vocabulary({self.noun!r}, {list(self)!r})"

    # ---- reading --------------------------------------------------------------------------

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def term(self, term_id: str) -> Term | None:
        return self._by_id.get(term_id)

    def label(self, value: str) -> str:
        """The label of a term id; a value not in the list is shown as it was recorded."""
        term = self._by_id.get(value)
        return term.label if term is not None else value

    def labels(self) -> dict[str, str]:
        """id -> label, in order."""
        return {t.id: t.label for t in self.terms}

    def choices(self) -> str:
        return ", ".join(t.choice() for t in self.terms)

    def clashes(self) -> list[str]:
        """Spellings that name more than one term: typing one of them is refused as
        ambiguous (an exact id still works). The settings warn about them."""
        return sorted(
            f"{key!r} names {', '.join(ids)}" for key, ids in self._index.items() if len(ids) > 1
        )

    # ---- the check ------------------------------------------------------------------------

    def resolve(self, typed: str) -> str:
        """The id of the term ``typed`` names; raises :class:`UnknownTerm` naming the choices
        when it names none, or more than one."""
        text = " ".join(str(typed).split())
        # An id typed exactly is never a guess, whatever another term's label looks like.
        if text in self._by_id:
            return text
        hint = f"Choose one of: {self.choices()}." if self.terms else ""
        if not text:
            raise UnknownTerm(f"No {self.noun} given.", hint, noun=self.noun, typed=typed)
        found = self._index.get(spelling_key(text), ())
        if len(found) == 1:
            return found[0]
        if found:
            named = " or ".join(self._by_id[i].choice() for i in found)
            raise UnknownTerm(
                f"{text!r} could be the {self.noun} {named}.", hint, noun=self.noun, typed=typed
            )
        if not self.terms:
            raise UnknownTerm(
                f"There is no {self.noun} {text!r}: this site defines none.",
                "Ask IT to add them to the site settings.",
                noun=self.noun,
                typed=typed,
            )
        raise UnknownTerm(f"There is no {self.noun} {text!r}.", hint, noun=self.noun, typed=typed)


def _terms(*pairs: tuple[str, str] | tuple[str, str, tuple[str, ...]]) -> list[Term]:
    return [Term(*pair) for pair in pairs]


# ---- the vocabularies every site shares --------------------------------------------------

STATUSES = Vocabulary("status", (Term(s.value, s.label) for s in Status))

NOTE_KINDS = Vocabulary(
    "note kind",
    _terms(
        ("observation", "Observation"),
        ("decision", "Decision"),
        ("action", "Action"),
        ("workaround", "Workaround"),
        ("update", "Update"),
        # The kinds published postmortems use (a back-fill brings them).
        ("detection", "Detection"),
        ("escalation", "Escalation"),
        ("communication", "Communication"),
        ("status", "Status"),
        ("other", "Other"),
    ),
)

# The kinds of update, in the order an incident usually needs them (DOMAIN.md).
MESSAGE_KINDS = Vocabulary(
    "kind of update",
    _terms(
        ("initial", "Initial notification"),
        ("scoping", "Scope and impact", ("scope",)),
        ("update", "Update"),
        ("long_running", "Long-running incident update", ("long running",)),
        ("mitigated", "Workaround in place", ("workaround",)),
        ("resolved", "Resolved"),
        ("downgraded", "Downgraded or cancelled", ("cancelled",)),
        ("post_incident", "Post-incident summary"),
    ),
)

# How MIM Desk sends a message itself.
SEND_CHANNELS = Vocabulary(
    "channel",
    _terms(
        ("eml", "E-mail draft for your mail client (.eml)"),
        ("smtp", "E-mail sent by MIM Desk (SMTP)"),
        ("teams", "Microsoft Teams (Workflows webhook)", ("microsoft teams",)),
        ("slack", "Slack (incoming webhook)"),
        ("webhook", "Generic JSON webhook"),
        ("statuspage", "Status page (static files)", ("status page",)),
    ),
)

# How a message went out when a person sent it (recorded afterwards).
HAND_CHANNELS = Vocabulary(
    "way of sending by hand",
    _terms(
        ("phone", "Phone", ("telephone", "call")),
        ("sms", "SMS", ("text message",)),
        ("bridge", "Bridge"),
        ("email", "E-mail"),
        ("chat", "Chat"),
        ("in person", "In person"),
        ("other", "Other"),
    ),
)

FOLLOWUP_PRIORITIES = Vocabulary(
    "follow-up priority",
    _terms(("low", "Low"), ("medium", "Medium"), ("high", "High")),
)

# Google's prevent / mitigate / detect, plus process.
FOLLOWUP_KINDS = Vocabulary(
    "follow-up kind",
    _terms(
        ("prevent", "Prevent"),
        ("mitigate", "Mitigate"),
        ("detect", "Detect"),
        ("process", "Process"),
        ("other", "Other"),
    ),
)

FOLLOWUP_STATUSES = Vocabulary(
    "follow-up status",
    _terms(
        ("open", "Open"),
        ("in progress", "In progress"),
        ("done", "Done"),
        ("cancelled", "Cancelled", ("canceled",)),
    ),
)
# Statuses that need no more work: a follow-up in one of them is never overdue.
FOLLOWUP_CLOSED = frozenset({"done", "cancelled"})

POSTMORTEM_STATUSES = Vocabulary(
    "postmortem status", _terms(("draft", "Draft"), ("final", "Final"))
)

ROOT_CAUSE_STATES = Vocabulary(
    "root cause status",
    _terms(("known", "Known"), ("under investigation", "Under investigation")),
)


@dataclass(frozen=True, slots=True)
class Vocabularies:
    """Every closed vocabulary in force on a desk: the site's roles, severities and
    audiences, and the lists every site shares."""

    roles: Vocabulary
    severities: Vocabulary
    audiences: Vocabulary
    statuses: Vocabulary = STATUSES
    note_kinds: Vocabulary = NOTE_KINDS
    message_kinds: Vocabulary = MESSAGE_KINDS
    send_channels: Vocabulary = SEND_CHANNELS
    hand_channels: Vocabulary = HAND_CHANNELS
    followup_priorities: Vocabulary = FOLLOWUP_PRIORITIES
    followup_kinds: Vocabulary = FOLLOWUP_KINDS
    followup_statuses: Vocabulary = FOLLOWUP_STATUSES
    postmortem_statuses: Vocabulary = POSTMORTEM_STATUSES
    root_cause_states: Vocabulary = ROOT_CAUSE_STATES

    def site_terms(self) -> tuple[Vocabulary, ...]:
        return (self.roles, self.severities, self.audiences)


@dataclass(frozen=True, slots=True)
class Unlisted:
    """A recorded value that is not in this site's vocabulary (kept, shown and flagged)."""

    noun: str
    value: str

    def __str__(self) -> str:
        return f"{self.noun} {self.value!r}"


def out_of_vocabulary(state: IncidentState, vocab: Vocabularies) -> list[Unlisted]:
    """The values ``state`` holds that this site's lists lack, each once, in the order the
    incident shows them: its severity, roles, notes, messages, postmortem and follow-ups."""
    found: list[Unlisted] = []
    channels: Collection[str] = {*vocab.send_channels, *vocab.hand_channels}
    drafts = state.drafts.values()
    followups = state.followups.values()
    # Each value once, before the check: the window asks on every change of a long incident.
    for noun, known, values in (
        (
            vocab.severities.noun,
            vocab.severities,
            [state.severity, *(d.severity for d in state.decisions)],
        ),
        (vocab.roles.noun, vocab.roles, [*state.roles, *(c.role for c in state.role_history)]),
        (vocab.note_kinds.noun, vocab.note_kinds, [n.kind for n in state.notes]),
        (
            vocab.audiences.noun,
            vocab.audiences,
            [*state.cadence, *state.last_sent, *state.snoozed]
            + [m.audience for m in state.messages]
            + [d.audience for d in drafts],
        ),
        ("channel", channels, [m.channel for m in state.messages]),
        (vocab.message_kinds.noun, vocab.message_kinds, [d.kind for d in drafts]),
        (vocab.send_channels.noun, vocab.send_channels, [d.channel for d in drafts]),
        (
            vocab.postmortem_statuses.noun,
            vocab.postmortem_statuses,
            [state.postmortem.get("status", "")],
        ),
        (
            vocab.root_cause_states.noun,
            vocab.root_cause_states,
            [state.postmortem.get("root_cause_status", "")],
        ),
        (vocab.followup_kinds.noun, vocab.followup_kinds, [f.kind for f in followups]),
        (
            vocab.followup_priorities.noun,
            vocab.followup_priorities,
            [f.priority for f in followups],
        ),
        (vocab.followup_statuses.noun, vocab.followup_statuses, [f.status for f in followups]),
    ):
        found.extend(Unlisted(noun, v) for v in dict.fromkeys(values) if v and v not in known)
    return list(dict.fromkeys(found))


def describe_unlisted(values: Sequence[Unlisted]) -> str:
    """One line for a person: ``not in this site's vocabulary: severity 'P3', role 'x'``."""
    return "not in this site's vocabulary: " + ", ".join(str(v) for v in values)
