"""The checklist's words (issue 15): plain questions, answers that do not overlap, and answers
shown in words, never as stored values."""

from __future__ import annotations

from pathlib import Path

from mimdesk.config import load_settings
from mimdesk.domain.declaration import Checklist, Criterion, answer_label, evaluate
from mimdesk.domain.wording import audience_title, channel_name
from mimdesk.paths import default_paths


def builtin_checklist(home: Path) -> Checklist:
    return load_settings(default_paths()).checklist


def test_no_question_is_a_double_negative(home):
    for criterion in builtin_checklist(home).criteria:
        words = criterion.question.lower().split()
        assert not ({"no", "not"} & set(words)), criterion.question
    workaround = builtin_checklist(home).criterion("workaround")
    assert workaround is not None and workaround.question == "Is there a workaround?"


def test_a_plain_question_can_be_met_by_no(home):
    checklist = builtin_checklist(home)
    without = evaluate(checklist, {"workaround": False})
    assert [f.reason for f in without.findings] == ["no workaround is available"]
    assert without.score == 1
    assert evaluate(checklist, {"workaround": True}).findings == ()


def test_duration_answers_do_not_overlap_and_not_known_is_its_own(home):
    duration = builtin_checklist(home).criterion("expected_duration")
    assert duration is not None
    labels = [c.label for c in duration.choices]
    assert labels == ["Under an hour", "One to four hours", "More than four hours", "Not known yet"]
    assert not any("unknown" in label.lower() or " or " in label for label in labels[:-1])
    unknown = evaluate(builtin_checklist(home), {"expected_duration": "unknown"})
    assert [f.reason for f in unknown.findings] == ["expected duration: Not known yet"]
    assert unknown.score == 2  # weighs as the longest


def test_answers_in_words_never_raw_values(home):
    duration = builtin_checklist(home).criterion("expected_duration")
    assert answer_label(duration, "1h_4h") == "One to four hours"
    assert answer_label(duration, "over_4h") == "More than four hours"
    assert answer_label(None, "over_4h") == "over 4h"  # a choice the site dropped: readable
    assert answer_label(None, True) == "yes" and answer_label(None, False) == "no"
    assert answer_label(None, 1200) == "1,200"
    assert Criterion("x", "?", "yesno").answer_label(None) == "not answered"


def test_audiences_and_channels_in_one_spelling():
    assert audience_title("it_staff") == "IT staff"
    assert audience_title("service_desk") == "Service desk"
    assert audience_title("night_shift") == "Night shift"
    assert channel_name("sms") == "SMS"
    assert channel_name("eml") == "a mail-client draft"
    assert channel_name("") == ""
