"""The JSON codec of event payloads: the one place a payload is a dict.

:func:`decode` turns a stored payload (its event type, its payload version and the parsed
JSON) into its typed class from :mod:`mimdesk.domain.payloads`; :func:`encode` turns a typed
payload back into JSON-able data with its version. Reading never fails and never loses what
was recorded: an event type this release does not know becomes an
:class:`~mimdesk.domain.payloads.UnknownPayload`, a payload without the shape its type needs
a :class:`~mimdesk.domain.payloads.MalformedPayload` (with the problem in words), keys this
release does not know are kept in ``extras``, an older payload version is upgraded by the
steps in :data:`UPGRADES` before it is read, and a newer one is kept as it came (its meaning
may have changed). A payload that was read is written back with the keys it had.

What the codec checks is shape (a text is text, a time is a time with a zone, a required key
is there). Whether a value is one the site knows (a role, a status) is the fold's and the
vocabulary's business: a recorded value is never refused for it.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Union

from mimdesk.domain.events import parse_time
from mimdesk.domain.payloads import (
    KEY,
    PAYLOAD_CLASSES,
    SPARSE,
    TIME,
    MalformedPayload,
    Payload,
    UnknownPayload,
)

CLASSES: dict[str, type[Payload]] = {cls.TYPE: cls for cls in PAYLOAD_CLASSES}

# (event type, version) -> the step that turns a payload of that version into the next one.
# Every payload type is at version 1 today; a change of shape adds its step here, and the
# fixture test keeps every version-1 payload readable for good.
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
UPGRADES: dict[tuple[str, int], Upgrade] = {}


class _Shape(Exception):
    """A payload value that does not have the shape its type needs (the message says how)."""


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


Reader = Callable[[Any], Any]
Writer = Callable[[Any], Any]


def _reader(hint: Any, is_time: bool) -> Reader:
    """How to read one JSON value into the attribute's declared type."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType) and type(None) in args:
        inner = _reader(next(a for a in args if a is not type(None)), is_time)
        return lambda v: None if v is None else inner(v)
    if hint is str:
        if is_time:
            return _read_time
        return _read_text
    if hint is bool:
        return _read_bool
    if hint is int:
        return _read_int
    if origin is tuple:
        return _read_texts
    if origin is Mapping or hint is Mapping:
        return _read_object
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _nested_reader(hint)
    return lambda v: v  # JsonValue: any JSON


def _read_text(v: Any) -> str:
    if not isinstance(v, str):
        raise _Shape(f"must be text, not {_describe(v)}")
    return v


def _read_time(v: Any) -> str:
    text = _read_text(v)
    try:
        parse_time(text)
    except ValueError:
        raise _Shape(f"{text[:40]!r} is not a time with a zone (ISO 8601)") from None
    return text


def _read_bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _Shape(f"must be true or false, not {_describe(v)}")
    return v


def _read_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Shape(f"must be a whole number, not {_describe(v)}")
    return v


def _read_texts(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _Shape(f"must be a list of texts, not {_describe(v)}")
    return tuple(v)


def _read_object(v: Any) -> dict[str, Any]:
    if not isinstance(v, Mapping):
        raise _Shape(f"must be an object, not {_describe(v)}")
    return dict(v)


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    name: str  # the attribute
    key: str  # the JSON key
    required: bool
    default: Any
    nullable: bool  # null is a value of its type (an optional or a free JSON value)
    read: Reader
    # The one Python type taken as it is, without calling ``read`` (most fields, most reads).
    plain: type | None = None
    sparse: bool = False  # written only when set


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields(cls: type) -> tuple[_Field, ...]:
    """The fields of a payload class as the codec reads them (worked out once per class)."""
    known = _FIELDS.get(cls)
    if known is None:
        known = _FIELDS[cls] = _read_fields(cls)
    return known


def _read_fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.name in ("extras", "recorded_keys"):
            continue
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        hint = hints[f.name]
        reader = _reader(hint, bool(f.metadata.get(TIME)))
        required = default is dataclasses.MISSING
        nullable = hint is Any or type(None) in typing.get_args(hint)
        key = f.metadata.get(KEY, f.name)
        is_time = bool(f.metadata.get(TIME))
        plain = hint if hint in (str, bool, int) and not is_time else None
        sparse = bool(f.metadata.get(SPARSE))
        out.append(_Field(f.name, key, required, default, nullable, reader, plain, sparse))
    return tuple(out)


_KNOWN_KEYS: dict[type, frozenset[str]] = {}


def _known_keys(cls: type) -> frozenset[str]:
    known = _KNOWN_KEYS.get(cls)
    if known is None:
        known = _KNOWN_KEYS[cls] = frozenset(f.key for f in _fields(cls))
    return known


def _build(cls: type, data: Mapping[str, Any], *, keep_extras: bool) -> Any:
    values: dict[str, Any] = {}
    for f in _fields(cls):
        raw = data.get(f.key, _ABSENT)
        if f.plain is not None and type(raw) is f.plain:
            values[f.name] = raw  # the common case, checked by its exact type
            continue
        # An absent key, or null where the type has no "none", means the default: what every
        # earlier release read it as.
        if raw is _ABSENT or (raw is None and not f.nullable):
            if f.required:
                raise _Shape(f"{f.key} is missing (required)")
            values[f.name] = f.default
            continue
        try:
            values[f.name] = f.read(raw)
        except _Shape as exc:
            raise _Shape(f"{f.key} {exc}") from None
    if keep_extras:
        known = _known_keys(cls)
        if not known.issuperset(data):
            values["extras"] = {k: v for k, v in data.items() if k not in known}
        values["recorded_keys"] = tuple(data)
    return cls(**values)


_ABSENT: Any = object()


def _nested_reader(cls: type) -> Reader:
    def read(v: Any) -> Any:
        return _build(cls, _read_object(v), keep_extras=False)

    return read


def decode(event_type: str, version: int, data: object) -> Payload:
    """The typed payload of a stored event. Never raises for what is stored: see the module
    docstring for what an unreadable payload becomes."""
    cls = CLASSES.get(event_type)
    if cls is None or version > cls.VERSION:
        # A newer desk's type, or a newer shape of a known one, whose meaning this release
        # cannot know: kept and relayed as it came, never read as something it is not.
        return UnknownPayload(type_name=event_type, version=version, data=data)
    if type(data) is not dict and not isinstance(data, Mapping):
        problem = f"is {_describe(data)}, not an object"
        return MalformedPayload(type_name=event_type, version=version, data=data, problem=problem)
    current = dict(data)
    start = version
    try:
        while version < cls.VERSION:
            current = UPGRADES[(event_type, version)](current)
            version += 1
        result: Payload = _build(cls, current, keep_extras=True)
        return result
    except _Shape as exc:
        return MalformedPayload(
            type_name=event_type, version=version, data=dict(data), problem=str(exc)
        )
    except (KeyError, ValueError, TypeError) as exc:
        # An upgrade step that cannot read what it was given: keep it as recorded.
        problem = f"cannot be upgraded from version {version}: {type(exc).__name__}"
        return MalformedPayload(
            type_name=event_type, version=start, data=dict(data), problem=problem
        )


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.key: _plain(getattr(value, f.name)) for f in _fields(type(value))}
    return value


def encode(payload: Payload) -> tuple[int, Any]:
    """The payload as JSON-able data, with the version to store beside it.

    A payload that was read is written with the keys it was recorded with, in their order
    (and any field since set to other than its default): what was recorded is what is
    written again. A new payload is written whole, except the keys whose absence means
    something (a default of None) and those written only when set, as every release did
    (a reason, a note), which are left out while they hold their default.
    """
    if isinstance(payload, UnknownPayload | MalformedPayload):
        return payload.version, payload.data  # kept as it came
    fields = _fields(type(payload))
    by_key = {f.key: f for f in fields}
    out: dict[str, Any] = {}
    for key in payload.recorded_keys:
        f = by_key.get(key)
        if f is not None:
            out[key] = _plain(getattr(payload, f.name))
        elif key in payload.extras:
            out[key] = payload.extras[key]
    for f in fields:
        value = getattr(payload, f.name)
        if f.key in out:
            continue
        if payload.recorded_keys and not f.required and value == f.default:
            continue
        if (f.default is None or f.sparse) and value == f.default:
            continue
        out[f.key] = _plain(value)
    for key, value in payload.extras.items():
        out.setdefault(key, value)
    return type(payload).VERSION, out


def dumps(payload: Payload) -> tuple[int, str]:
    """The payload as the JSON text the store keeps."""
    version, data = encode(payload)
    return version, json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads(event_type: str, version: int, text: str) -> Payload:
    """The typed payload of a stored JSON text. Text that is not JSON is kept as recorded."""
    try:
        data = json.loads(text)
    except ValueError:
        return MalformedPayload(
            type_name=event_type, version=version, data=text, problem="is not JSON"
        )
    return decode(event_type, version, data)


def payload_type(payload: Payload) -> str:
    """The event type a payload belongs to."""
    if isinstance(payload, UnknownPayload | MalformedPayload):
        return payload.type_name
    return type(payload).TYPE
