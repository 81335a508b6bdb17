"""The payload codec: every type reads and writes its JSON, nothing recorded is lost, and an
older payload version is upgraded when read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.payloads import (
    PAYLOAD_CLASSES,
    Assessed,
    FieldChanged,
    FollowUpAdded,
    FollowUpUpdated,
    IncidentReported,
    MalformedPayload,
    NoteAdded,
    Payload,
    RecommendationRecord,
    RoleAssigned,
    Snoozed,
    UnknownPayload,
)


def test_every_event_type_has_exactly_one_payload_class() -> None:
    assert sorted(cls.TYPE for cls in PAYLOAD_CLASSES) == sorted(t.value for t in EventType)
    assert set(schema.CLASSES) == {t.value for t in EventType}


def test_payload_classes_are_frozen() -> None:
    note = NoteAdded(text="Mail is down")
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("event_type", "data", "expected"),
    [
        (EventType.NOTE_ADDED, {"text": "x"}, NoteAdded(text="x", kind="observation")),
        (
            EventType.ROLE_ASSIGNED,
            {"role": "mim", "person": "Mia", "from": "Bo"},
            RoleAssigned(role="mim", person="Mia", handed_over_from="Bo"),
        ),
        # null where the type has no "none" means the default, as earlier releases read it
        (
            EventType.FOLLOWUP_ADDED,
            {"id": "f1", "title": "Fix it", "owner": None},
            FollowUpAdded(id="f1", title="Fix it"),
        ),
        # a field change may set a value to null: that is its value, not "absent"
        (
            EventType.FIELD_CHANGED,
            {"field": "users_affected", "value": None},
            FieldChanged(field="users_affected", value=None),
        ),
        (
            EventType.ASSESSED,
            {
                "answers": {"down": True},
                "recommendation": {"outcome": "declare", "score": 5, "reasons": ["r"]},
            },
            Assessed(
                answers={"down": True},
                recommendation=RecommendationRecord(outcome="declare", score=5, reasons=("r",)),
            ),
        ),
    ],
)
def test_decode_reads_the_recorded_json_into_its_class(
    event_type: str, data: dict[str, Any], expected: Payload
) -> None:
    assert schema.decode(event_type, 1, data) == expected


def test_a_new_payload_is_written_whole_but_for_keys_whose_absence_means_something() -> None:
    assert schema.encode(NoteAdded(text="x"))[1] == {"text": "x", "kind": "observation"}
    # "prev" absent and "prev" empty mean different things to the fold
    assert schema.encode(FieldChanged(field="title", value="T"))[1] == {
        "field": "title",
        "value": "T",
    }
    # a handover names whom the role came from; a first assignment has no "from" at all
    assert schema.encode(RoleAssigned(role="mim", person="Mia"))[1] == {
        "role": "mim",
        "person": "Mia",
    }
    assert (
        schema.encode(RoleAssigned(role="mim", person="Mia", handed_over_from="Bo"))[1]["from"]
        == "Bo"
    )
    assert schema.encode(FieldChanged(field="title", value="T", prev=""))[1]["prev"] == ""
    assert schema.encode(FollowUpUpdated(id="f", status="done"))[1] == {
        "id": "f",
        "status": "done",
    }


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        (EventType.NOTE_ADDED, {"kind": "observation", "text": "x"}),
        (EventType.ROLE_ASSIGNED, {"person": "Mia", "role": "mim"}),
        (EventType.FOLLOWUP_UPDATED, {"id": "f", "status": "done", "owner": "Sam"}),
        (EventType.INCIDENT_REPORTED, {"title": "t", "users_affected": None, "services": []}),
    ],
)
def test_a_payload_that_was_read_is_written_with_the_keys_it_was_recorded_with(
    event_type: str, data: dict[str, Any]
) -> None:
    _, text = schema.dumps(schema.decode(event_type, 1, data))
    assert text == json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    updated = schema.decode(EventType.FOLLOWUP_UPDATED, 1, {"id": "f", "status": "x", "owner": "y"})
    assert isinstance(updated, FollowUpUpdated)
    assert list(updated.changes()) == ["status", "owner"]  # as recorded, for the timeline


def test_keys_a_newer_desk_added_are_kept_when_written_again() -> None:
    data = {"text": "x", "kind": "decision", "mood": {"calm": True}}
    payload = schema.decode(EventType.NOTE_ADDED, 1, data)
    assert isinstance(payload, NoteAdded)
    assert payload.extras == {"mood": {"calm": True}}
    assert schema.encode(payload) == (1, data)


def test_an_unknown_type_is_kept_and_written_back_as_it_came() -> None:
    data: Any = {"widget": 3, "ü": "✓"}
    payload = schema.decode("future.widget_set", 2, data)
    assert payload == UnknownPayload(type_name="future.widget_set", version=2, data=data)
    assert schema.encode(payload) == (2, data)
    assert schema.payload_type(payload) == "future.widget_set"
    assert schema.decode("future.list", 1, [1, 2]) == UnknownPayload(
        type_name="future.list", version=1, data=[1, 2]
    )


@pytest.mark.parametrize(
    ("event_type", "data", "problem"),
    [
        (EventType.CADENCE_SET, {"audience": "a", "minutes": "ten"}, "minutes must be a whole"),
        (EventType.CADENCE_SET, {"audience": "a", "minutes": True}, "minutes must be a whole"),
        (EventType.NOTE_ADDED, {"kind": "decision"}, "text is missing (required)"),
        (EventType.NOTE_ADDED, {"text": 5}, "text must be text, not a number"),
        (EventType.SNOOZED, {"audience": "a", "until": "tomorrow"}, "is not a time"),
        (EventType.SNOOZED, {"audience": "a", "until": "2026-12-07T10:00"}, "is not a time"),
        (EventType.DRAFTED, {"draft_id": "d", "recipients": "a@b"}, "must be a list of texts"),
        (EventType.ASSESSED, {"answers": [], "recommendation": {}}, "must be an object"),
        (EventType.NOTE_ADDED, ["text"], "is a list, not an object"),
    ],
)
def test_a_payload_without_its_shape_is_kept_as_malformed_with_the_problem(
    event_type: str, data: Any, problem: str
) -> None:
    payload = schema.decode(event_type, 1, data)
    assert isinstance(payload, MalformedPayload)
    assert problem in payload.problem
    assert payload.data == data
    assert schema.encode(payload) == (1, data)  # written back exactly as recorded


def test_times_are_kept_as_recorded_and_read_as_datetimes() -> None:
    payload = schema.decode(
        EventType.SNOOZED, 1, {"audience": "a", "until": "2026-12-07T10:00:00+01:00"}
    )
    assert isinstance(payload, Snoozed)
    assert payload.until == "2026-12-07T10:00:00+01:00"
    assert payload.until_time.isoformat() == "2026-12-07T09:00:00+00:00"
    bad = schema.decode(EventType.INCIDENT_REPORTED, 1, {"title": "t", "detected_at": "soon"})
    assert isinstance(bad, MalformedPayload)
    assert "detected_at" in bad.problem


def test_text_that_is_not_json_is_kept_as_malformed() -> None:
    payload = schema.loads(EventType.NOTE_ADDED, 1, "{not json")
    assert isinstance(payload, MalformedPayload)
    assert payload.problem == "is not JSON"


def test_dumps_and_loads_round_trip_every_class_with_its_defaults() -> None:
    for cls in PAYLOAD_CLASSES:
        required = {
            f.name: _sample(f.type)
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
            and f.name not in ("extras", "recorded_keys")
        }
        payload = cls(**required)
        version, text = schema.dumps(payload)
        assert schema.loads(cls.TYPE, version, text) == payload, cls.__name__


def _sample(annotation: object) -> Any:
    text = str(annotation)
    if "RecommendationRecord" in text:
        return RecommendationRecord(outcome="declare")
    if "Mapping" in text:
        return {"q": 1}
    if text == "int":
        return 5
    if "JsonValue" in text:
        return ["a", 1]
    return "2026-12-07T09:00:00+00:00"  # text; also a valid time where one is needed


# --- upgrades ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Greeting(Payload):
    """A test-only type at version 3: v1 had "name", v2 split it, v3 renamed "hello"."""

    TYPE: ClassVar[str] = "test.greeting"
    VERSION: ClassVar[int] = 3
    first: str
    last: str = ""
    greeting: str = "hello"


@pytest.fixture
def greeting_registered() -> Any:
    def v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
        first, _, last = d.pop("name").partition(" ")
        return {**d, "first": first, "last": last}

    def v2_to_v3(d: dict[str, Any]) -> dict[str, Any]:
        d = dict(d)
        if "hello" in d:
            d["greeting"] = d.pop("hello")
        return d

    schema.CLASSES[_Greeting.TYPE] = _Greeting
    schema.UPGRADES[(_Greeting.TYPE, 1)] = v1_to_v2
    schema.UPGRADES[(_Greeting.TYPE, 2)] = v2_to_v3
    yield
    del schema.CLASSES[_Greeting.TYPE]
    del schema.UPGRADES[(_Greeting.TYPE, 1)]
    del schema.UPGRADES[(_Greeting.TYPE, 2)]


def test_a_newer_version_of_a_known_type_is_kept_as_it_came() -> None:
    data = {"text": "x", "kind": "decision", "mood": "calm"}
    payload = schema.decode(EventType.NOTE_ADDED, 2, data)
    assert payload == UnknownPayload(type_name=EventType.NOTE_ADDED, version=2, data=data)
    assert schema.encode(payload) == (2, data)


def test_an_older_version_is_upgraded_step_by_step_when_read(greeting_registered: Any) -> None:
    assert schema.decode("test.greeting", 1, {"name": "Ana Costa", "hello": "hi"}) == _Greeting(
        first="Ana", last="Costa", greeting="hi"
    )
    assert schema.decode("test.greeting", 2, {"first": "Bo", "hello": "hey"}) == _Greeting(
        first="Bo", greeting="hey"
    )
    # written back at the current version
    version, data = schema.encode(_Greeting(first="Bo"))
    assert (version, data) == (3, {"first": "Bo", "last": "", "greeting": "hello"})


def test_a_payload_an_upgrade_cannot_read_is_kept_as_recorded(greeting_registered: Any) -> None:
    payload = schema.decode("test.greeting", 1, {"nom": "Ana"})
    assert isinstance(payload, MalformedPayload)
    assert "cannot be upgraded from version 1" in payload.problem
    assert schema.encode(payload) == (1, {"nom": "Ana"})


def test_the_codec_output_is_plain_json() -> None:
    payload = IncidentReported(title="Mail", services=("Exchange",), users_affected=3)
    _, text = schema.dumps(payload)
    assert json.loads(text) == {
        "title": "Mail",
        "reference": "",
        "impact": "",
        "severity": "",
        "users_affected": 3,
        "services": ["Exchange"],
    }


# --- every version-1 payload a release wrote ---------------------------------------------

RELEASE_PAYLOADS = Path(__file__).parents[1] / "fixtures" / "release_2026_12" / "payloads_v1.json"


def release_payloads() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(RELEASE_PAYLOADS.read_text(encoding="utf-8"))[
        "payloads"
    ]
    return found


# Event types added after that release: it never wrote one (tests/comms/test_new_payloads.py
# holds them to the codec).
ADDED_SINCE_RELEASE = {EventType.HANDED_TO_MAIL_CLIENT, EventType.APPROVED_VERBALLY}


def test_the_fixture_holds_a_version_1_payload_of_every_type() -> None:
    kinds = {(p["type"], p["payload_v"]) for p in release_payloads()}
    assert kinds == {(t.value, 1) for t in EventType if t not in ADDED_SINCE_RELEASE}


@pytest.mark.parametrize("recorded", release_payloads(), ids=lambda p: p["type"])
def test_every_release_payload_reads_into_its_class_and_writes_back_as_stored(
    recorded: dict[str, Any],
) -> None:
    payload = schema.loads(recorded["type"], recorded["payload_v"], recorded["stored"])
    assert type(payload) is schema.CLASSES[recorded["type"]], getattr(payload, "problem", "")
    assert schema.dumps(payload) == (1, recorded["stored"])
