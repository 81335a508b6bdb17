"""Reading a file someone handed us, with bounded work whatever it holds.

An import reads a file named by a person, who may have named ``/dev/zero``, a FIFO or a file
crafted to exhaust memory. So only a regular file is read, the bytes actually read are counted
(a device reports size 0 and never ends), and JSON nested deeper than :data:`MAX_DEPTH` is
refused before it is parsed: Python's parser recurses once a level.
"""

from __future__ import annotations

import operator
import os
import stat
from itertools import accumulate, count
from pathlib import Path

from mimdesk.errors import InvalidInput

MAX_DEPTH = 64  # an export nests about 5 deep; 64 leaves room for any hand-written file
_CHUNK = 1 << 20

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# An opening bracket weighs 2, a closing one 0: the running sum minus the count so far is the
# depth, computed by C iterators without a Python step per byte.
_WEIGHTS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def read_bytes(path: Path, limit: int, *, what: str) -> bytes:
    """The file's bytes; refuses anything but a regular file, and stops past ``limit`` bytes.

    ``what`` names the kind of file in the messages ("an incident file")."""
    path = Path(path)
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.", "") from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "a special file")
            raise InvalidInput(
                f"{path} is not a regular file ({kind}); {what} is a regular file.",
                "Choose the file itself.",
            )
        # The size the file claims refuses a big file at once; the bytes counted as they are
        # read hold the limit when the claim is wrong (a file growing while it is read).
        chunks = []
        done = 0
        while info.st_size <= limit and done <= limit and (chunk := os.read(fd, _CHUNK)):
            chunks.append(chunk)
            done += len(chunk)
        if max(info.st_size, done) > limit:
            raise InvalidInput(
                f"{path} is larger than {limit // 2**20} MiB; {what} is at most "
                f"{limit // 2**20} MiB.",
                "Check that this is the right file.",
            )
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.", "") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def nesting_depth(raw: bytes) -> int:
    """How deep the JSON text's arrays and objects nest; brackets inside strings do not count.

    Works on the UTF-8 bytes (no byte of a multi-byte character is ASCII, so none is a bracket,
    a quote or a backslash), a slice at a time, in time linear in the size and with no
    recursion. A regular expression for strings would take a Python step per string, and
    seconds for a file of empty strings."""
    # Escapes first, left to right as the parser reads them: after an escaped backslash is
    # gone, a backslash before a quote escapes it; then every quote opens or closes a string.
    plain = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    in_string = False
    level = deepest = 0
    for start in range(0, len(plain), _CHUNK):
        parts = plain[start : start + _CHUNK].split(b'"')
        outside = b"".join(parts[1::2] if in_string else parts[::2])
        if len(parts) % 2 == 0:  # an odd number of quotes in this slice
            in_string = not in_string
        weights = outside.translate(None, _NOT_BRACKETS).translate(_WEIGHTS)
        if weights:
            running = map(operator.sub, accumulate(weights), count(1))
            deepest = max(deepest, level + max(running))
            level += sum(weights) - len(weights)
    return deepest
