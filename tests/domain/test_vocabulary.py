"""Closed vocabularies: one check that forgives case and spelling, refuses the rest naming
the choices, and never guesses between two terms."""

from __future__ import annotations

import pytest

from mimdesk.domain.vocabulary import (
    FOLLOWUP_STATUSES,
    HAND_CHANNELS,
    NOTE_KINDS,
    Term,
    UnknownTerm,
    Vocabulary,
)

ROLES = Vocabulary(
    "role",
    [
        Term("mim", "Major Incident Manager"),
        Term("tech_lead", "Technical Lead", ("tech lead",)),
        Term("comms_lead", "Communications Lead"),
        Term("scribe", "Scribe"),
    ],
)


@pytest.mark.parametrize(
    "typed",
    ["mim", "MIM", "Mim", "  mim  ", "Major Incident Manager", "major  incident-manager"],
)
def test_the_mim_however_it_is_typed(typed: str) -> None:
    assert ROLES.resolve(typed) == "mim"


@pytest.mark.parametrize(
    "typed", ["tech_lead", "Tech Lead", "tech-lead", "TECH_LEAD", "technical lead", "Tech - Lead"]
)
def test_space_hyphen_and_underscore_are_one_spelling(typed: str) -> None:
    assert ROLES.resolve(typed) == "tech_lead"


def test_an_alias_names_its_term() -> None:
    assert HAND_CHANNELS.resolve("Telephone") == "phone"
    assert HAND_CHANNELS.resolve("e-mail") == "email"
    assert FOLLOWUP_STATUSES.resolve("in_progress") == "in progress"
    assert FOLLOWUP_STATUSES.resolve("Canceled") == "cancelled"


def test_anything_else_is_refused_naming_the_choices() -> None:
    with pytest.raises(UnknownTerm) as caught:
        ROLES.resolve("foo")
    assert caught.value.message == "There is no role 'foo'."
    assert caught.value.hint == (
        "Choose one of: Major Incident Manager (mim), Technical Lead (tech_lead), "
        "Communications Lead (comms_lead), scribe."
    )
    assert str(caught.value) == f"{caught.value.message} {caught.value.hint}"


@pytest.mark.parametrize("typed", ["mi", "techlead", "lead", "major", "m i m", "mim!"])
def test_no_prefix_or_near_miss_is_taken(typed: str) -> None:
    with pytest.raises(UnknownTerm, match="There is no role"):
        ROLES.resolve(typed)


def test_nothing_typed_is_refused_with_the_choices() -> None:
    with pytest.raises(UnknownTerm) as caught:
        NOTE_KINDS.resolve("   ")
    assert caught.value.message == "No note kind given."
    assert caught.value.hint == (
        "Choose one of: observation, decision, action, workaround, update, detection, "
        "escalation, communication, status, other."
    )


def test_a_spelling_two_terms_share_is_refused_not_guessed() -> None:
    # A site's list where one label is another's id, once spaces are forgiven.
    severities = Vocabulary(
        "severity",
        [Term("P1", "Critical"), Term("critical", "Critical outage"), Term("P 2", "Major")],
    )
    with pytest.raises(UnknownTerm) as caught:
        severities.resolve("CRITICAL")
    assert caught.value.message == (
        "'CRITICAL' could be the severity Critical (P1) or Critical outage (critical)."
    )
    assert "Choose one of:" in caught.value.hint
    assert severities.clashes() == ["'critical' names P1, critical"]
    # An id typed exactly is never a guess.
    assert severities.resolve("critical") == "critical"
    assert severities.resolve("P1") == "P1"
    assert severities.resolve("p-2") == "P 2"


def test_a_recorded_value_is_in_the_list_only_exactly() -> None:
    assert "mim" in ROLES
    assert "MIM" not in ROLES  # membership is of what is recorded, not of what is typed
    assert list(ROLES) == ["mim", "tech_lead", "comms_lead", "scribe"]
    assert ROLES.label("tech_lead") == "Technical Lead"
    assert ROLES.label("network_oncall") == "network_oncall"  # shown as recorded


def test_an_empty_site_list_says_so() -> None:
    with pytest.raises(UnknownTerm, match="this site defines none"):
        Vocabulary("audience", ()).resolve("executives")
