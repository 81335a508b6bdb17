"""How large a value a template operation makes, found before the operation runs.

Where a small input makes a large result (a width, a repetition, a separator repeated between
many items) the size is computed from the arguments, so that the value is refused before it is
built. :func:`measure` tells how long a value is as text, counting every reference: a list that
holds one long text 100,000 times is small in memory and enormous when printed.
"""

from __future__ import annotations

import re
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    Set,
    ValuesView,
)
from itertools import chain
from typing import Any

from jinja2.utils import Namespace

from mimdesk.comms.template_budget import MAX_VALUE, current


def utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _children(value: Any) -> Iterable[Any] | None:
    if isinstance(value, str | bytes | bytearray | range):
        return None  # printed whole (a range as "range(0, 10)")
    if isinstance(value, Mapping):
        return chain.from_iterable(value.items())
    if isinstance(value, Sequence | Set | KeysView | ValuesView | ItemsView):
        return value
    if isinstance(value, Namespace):
        return chain.from_iterable(object.__getattribute__(value, "_Namespace__attrs").items())
    return None


def _atom(value: Any) -> int:
    if isinstance(value, str | bytes | bytearray):
        return len(value) + 2  # the quotes of its repr, inside a list
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() * 3 // 10 + 2  # decimal digits
    return 24  # a float, a range, a date, a macro: a short text


def measure(value: Any, limit: int = MAX_VALUE, *, indent: int = 0) -> int:
    """About how many characters ``str(value)`` has (at least that many), counted up to just
    past ``limit``; with ``indent``, as pretty-printed JSON (each item on a line, indented).

    A list holding one long text 100,000 times is short in memory and enormous as text, so
    every reference counts. No recursion, and the walk stops past ``limit``."""
    if isinstance(value, str | bytes | bytearray):
        return len(value)
    budget = current()
    total = 0
    steps = 0
    stack: list[tuple[Iterator[Any], int]] = [(iter((value,)), 0)]
    end = object()
    while stack and total <= limit:
        items, depth = stack[-1]
        item = next(items, end)
        if item is end:
            stack.pop()
            continue
        steps += 1
        if not steps % 1024:
            budget.tick()
        total += indent * depth + 1 if indent else 0
        children = _children(item)
        if children is None:
            total += _atom(item)
        else:
            total += 2
            stack.append((iter(children), depth + 1))
    return total


def _whole(value: Any) -> int:
    """An int argument as given, 0 for anything else (the call then fails on its own)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def digits(run: str | None) -> int:
    if not run:
        return 0
    return int(run) if len(run) <= 9 else 10**9  # int() of a long run is itself slow


_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def percent_size(fmt: Any, values: Any) -> int | None:
    """An upper bound of ``fmt % values``: every width and precision in full, and all the
    values at every conversion (``'%(a)s' * 1000`` prints one value a thousand times)."""
    if isinstance(fmt, bytes):
        fmt = fmt.decode("latin-1")
    if not isinstance(fmt, str):
        return None
    given = values if isinstance(values, tuple) else (values,)
    star = max((abs(v) for v in given if isinstance(v, int)), default=0)
    each = measure(values)
    total = len(fmt)
    for match in _CONVERSION.finditer(fmt):
        for part in match.group(1, 2):
            total += star if part == "*" else digits(part)
        total += each
        if total > MAX_VALUE:
            break
    return total


def replace_size(text: Any, old: Any, new: Any, count: Any = -1) -> int | None:
    if not (isinstance(text, str | bytes) and type(old) is type(new) and type(new) is type(text)):
        return None
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], i: int, key: str, default: Any) -> Any:
    return args[i] if len(args) > i else kwargs.get(key, default)


def method_size(owner: Any, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    """An upper bound of what a method of a text (or of an int) builds; 0 when its result is no
    larger than its inputs (a constant factor: ``upper``, ``split``, ``encode``)."""
    if isinstance(owner, int) and name == "to_bytes":
        return _whole(_arg(args, kwargs, 0, "length", 1))
    if not isinstance(owner, str | bytes):
        return 0
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(owner), _whole(_arg(args, kwargs, 0, "width", 0)))
    if name == "expandtabs":
        tab = "\t" if isinstance(owner, str) else b"\t"
        size = _whole(_arg(args, kwargs, 0, "tabsize", 8))
        return len(owner) + owner.count(tab) * max(size, 0)  # type: ignore[arg-type]
    if name == "replace":
        old, new = _arg(args, kwargs, 0, "old", None), _arg(args, kwargs, 1, "new", None)
        return replace_size(owner, old, new, _arg(args, kwargs, 2, "count", -1)) or 0
    if name == "join":
        items = _arg(args, kwargs, 0, "iterable", ())
        count = len(items) if isinstance(items, list) else 0
        return measure(items) + len(owner) * max(count - 1, 0)
    if name == "translate":
        table = _arg(args, kwargs, 0, "table", None)
        values = table.values() if isinstance(table, Mapping) else table
        longest = max((measure(v) for v in values or ()), default=1)
        return len(owner) * max(longest, 1)
    return 0


def _indent_size(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> int:
    text = str(s)
    prefix = len(width) if isinstance(width, str) else _whole(width)
    return len(text) + (text.count("\n") + 1) * prefix


def _join_size(value: Any, d: Any = "", attribute: Any = None) -> int:
    count = len(value) if isinstance(value, list | tuple | str | Mapping | range) else 0
    return measure(value) + measure(d) * max(count - 1, 0)


def _wordwrap_size(
    s: Any, width: Any = 79, break_long_words: bool = True, wrapstring: Any = None, *_: Any
) -> int:
    text = str(s)
    lines = len(text) // max(_whole(width), 1) + text.count("\n") + 1
    return len(text) + lines * (measure(wrapstring) if wrapstring else 1)


def _urlize_size(
    value: Any, trim_url_limit: Any = None, nofollow: bool = False, target: Any = None,
    rel: Any = None, *_: Any,
) -> int:  # fmt: skip
    text = str(value)
    per_link = measure(target or "") + measure(rel or "") + 60
    return 2 * len(text) + len(text.split()) * per_link


def _batch_size(value: Any, linecount: Any, fill_with: Any = None) -> int:
    fill = _whole(linecount) * (measure(fill_with) + 2) if fill_with is not None else 0
    return measure(value) + fill


def _slice_size(value: Any, slices: Any, fill_with: Any = None) -> int:
    return measure(value) + _whole(slices) * (4 + (measure(fill_with) + 2 if fill_with else 0))


# Filters that build more than their inputs: an upper bound of the result, from the arguments
# the filter gets (after the environment or context Jinja passes some filters).
FILTER_SIZES: dict[str, Callable[..., int | None]] = {
    "center": lambda value, width=80, *_: max(measure(value), _whole(width)),
    "indent": _indent_size,
    "format": lambda value, *args, **kwargs: percent_size(str(value), kwargs or args),
    "join": _join_size,
    "replace": lambda s, old, new, count=None: replace_size(
        str(s), str(old), str(new), -1 if count is None else count
    ),
    "wordwrap": _wordwrap_size,
    "urlize": _urlize_size,
    "batch": _batch_size,
    "slice": _slice_size,
    "tojson": lambda value, indent=None: measure(value, indent=_whole(indent)),
}


def binop_size(op: str, left: Any, right: Any) -> int:
    """An upper bound of what ``left op right`` builds, in characters (digits for numbers)."""
    sequences = str | bytes | list | tuple
    if op == "*":
        if isinstance(left, int) and isinstance(right, sequences):
            left, right = right, left
        if isinstance(left, sequences) and isinstance(right, int):
            times = max(right, 0)
            return measure(left, MAX_VALUE // max(times, 1) + 1) * times
        if isinstance(left, int) and isinstance(right, int):
            return (abs(left).bit_length() + abs(right).bit_length()) * 3 // 10
        return 0
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            return abs(left).bit_length() * right * 3 // 10
        return 0
    if op == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            return measure(left) + measure(right)
        return 0
    if op == "%":
        return percent_size(left, right) or 0
    return 0
