"""The command line's shape is fixed by a snapshot, so reorganising how the parser is built
cannot silently drop, rename or change a command, an option, a default or a help text.

The snapshot (``parser_shape.json`` beside this file) was taken from the parser before
``build_parser`` was split into one builder per command family. After a deliberate change to
the command line, regenerate it with ``uv run python tests/cli/test_parser_shape.py`` and
review the diff like any other change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("parser_shape.json")


def _plain(value: Any) -> Any:
    """A JSON form of a default, a choice list or a type, stable between runs."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"
    return repr(value)


def _action(action: argparse.Action) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "kind": type(action).__name__,
        "option_strings": list(action.option_strings),
        "dest": action.dest,
        "nargs": _plain(action.nargs),
        "const": _plain(action.const),
        "default": _plain(action.default),
        "type": _plain(action.type),
        "choices": None,
        "required": action.required,
        "help": action.help,
        "metavar": _plain(action.metavar),
    }
    if isinstance(action, argparse._SubParsersAction):
        helps = {a.dest: a.help for a in action._choices_actions}
        # Listed in the order the commands were added: that is the order `--help` shows.
        shape["choices"] = [
            {"name": name, "help": helps.get(name), "parser": parser_shape(sub)}
            for name, sub in action.choices.items()
        ]
    elif action.choices is not None:
        shape["choices"] = _plain(list(action.choices))
    return shape


def parser_shape(parser: argparse.ArgumentParser) -> dict[str, Any]:
    """Every part of a parser that changes what it accepts or what its help says."""
    return {
        "prog": parser.prog,
        "description": parser.description,
        "epilog": parser.epilog,
        "actions": [_action(a) for a in parser._actions],
    }


def current_shape() -> dict[str, Any]:
    from mimdesk import cli

    return parser_shape(cli.build_parser())


def test_the_parser_is_the_one_in_the_snapshot() -> None:
    expected = json.loads(SNAPSHOT.read_text("utf-8"))
    actual = current_shape()
    # Command by command first, so a failure names the command that differs.
    for want, got in zip(_commands(expected), _commands(actual), strict=False):
        assert got == want, f"command {want['name']!r} differs from the snapshot"
    assert actual == expected


def _commands(shape: dict[str, Any]) -> list[dict[str, Any]]:
    subcommands = [a for a in shape["actions"] if a["kind"] == "_SubParsersAction"]
    return list(subcommands[0]["choices"])


def test_the_snapshot_covers_every_command() -> None:
    names = {c["name"] for c in _commands(json.loads(SNAPSHOT.read_text("utf-8")))}
    # The families build_parser is made of, and the feature modules' commands.
    assert {"list", "new", "assign", "cadence", "people", "declare", "config", "db"} <= names
    assert {"export", "import", "sync", "outbox"} & names


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(current_shape(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    sys.stdout.write(f"wrote {SNAPSHOT}\n")
