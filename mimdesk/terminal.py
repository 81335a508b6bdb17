"""Text for a terminal: no control character typed by someone else reaches it raw.

A terminal obeys what it is sent. An incident title holding ``ESC ] 0 ; … BEL`` retitles the
window, ``ESC [ 2 J`` clears the screen, and U+009B (CSI) starts a command on terminals that
read C1 controls; a title could hide the line before it, or fake one. Titles, notes and names
come from every desk through the shared database, so anything the CLI prints can carry them.

While :func:`clean_output` is in force, every C0 control but tab and line feed, DEL and every
C1 control written to ``sys.stdout`` or ``sys.stderr`` comes out as a visible ``\\uXXXX``. That
is JSON's spelling of the same character, so ``--json`` output stays valid and means the same:
``json.dumps`` escapes C0 itself, but with ``ensure_ascii=False`` it writes DEL and C1 as they
are, and this turns them into the escape JSON would have used.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def clean(text: str) -> str:
    """``text`` with each control character but tab and line feed written as ``\\uXXXX``."""
    return _CONTROLS.sub(_visible, text)


class CleanWriter:
    """Wraps a text stream: what is written is cleaned; everything else is the stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(clean(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        # flush, isatty, fileno, encoding, ...: the wrapped stream's own.
        return getattr(self.stream, name)


def rewrite_line(stream: TextIO, text: str) -> None:
    """Write ``text`` over the current line (a progress counter). The carriage return is ours,
    so it goes to the stream as it is; ``text`` is cleaned like everything else."""
    raw = stream.stream if isinstance(stream, CleanWriter) else stream
    raw.write("\r" + clean(text))
    raw.flush()


def _wrapped(stream: TextIO) -> TextIO:
    # None when there is no console (a windowed build on Windows): nothing to clean.
    if stream is None or isinstance(stream, CleanWriter):
        return stream
    return cast(TextIO, CleanWriter(stream))


@contextmanager
def clean_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` cleaned until the block ends."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _wrapped(saved[0]), _wrapped(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def warn_line(stream: TextIO, text: str) -> None:
    """A line a person must not miss: red on a terminal, plain text anywhere else (a file, a
    pipe, a log). The colour codes are ours, so they go to the stream as they are; ``text``
    is cleaned like everything else."""
    raw = stream.stream if isinstance(stream, CleanWriter) else stream
    line = clean(text)
    isatty = getattr(raw, "isatty", None)
    if isatty is not None and isatty():
        line = f"\x1b[1;31m{line}\x1b[0m"
    raw.write(line + "\n")
