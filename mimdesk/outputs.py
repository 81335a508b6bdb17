"""Writing a file the person asked for without destroying what is already there.

Every file MIM Desk writes on request (a postmortem PDF, role cards, a JSON export, an .eml
draft, the status page) goes through here:

- :func:`check_output_path` refuses a target that must never be written over: the open
  database or its ``-wal``/``-shm``/``-journal`` files (by file identity, so a hard link, a
  symbolic link or another spelling of the path is caught), any SQLite file (by its header),
  a folder, and anything that is not a regular file (a device, a pipe, a socket). An existing
  file is replaced only when the caller says so (``--force``, or a save dialog that asked).
- :func:`write_atomically` and :func:`build_atomically` write into a new file in the same
  folder, flush it to disk, then rename it over the target. A failure at any point (a full
  disk, a quota, a crash) leaves the earlier file as it was and removes the new one.

New files get mode 0644 less the umask, as ``open()`` would give them.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

from mimdesk.errors import InvalidInput

T = TypeVar("T")

SQLITE_HEADER = b"SQLite format 3\x00"
# A WAL file starts with one of two magic numbers (big- or little-endian checksums); a rollback
# journal with eight fixed bytes. Either beside a database is part of it.
WAL_HEADERS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
JOURNAL_HEADER = bytes.fromhex("d9d505f920a163d7")
SIDECARS = ("-wal", "-shm", "-journal")
MAX_NAME_BYTES = 255
NEW_FILE_MODE = 0o644

PathLike = str | os.PathLike[str]


class OutputRefused(InvalidInput):
    """The output path is one MIM Desk will not write to; nothing was written."""


class CannotWrite(InvalidInput):
    """Writing the file failed; any earlier file at that path is unchanged."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.reason = exc.strerror or type(exc).__name__
        self.errno = exc.errno
        if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
            hint = f"Free some disk space and try again; any earlier {path.name} is unchanged."
        else:
            hint = "Choose a folder you can write to."
        super().__init__(f"Cannot write {path}: {self.reason}.", hint)


def database_files(database: PathLike | None) -> tuple[Path, ...]:
    """The database file and the files SQLite keeps beside it (present or not)."""
    if not database or str(database) == ":memory:":
        return ()
    path = Path(database)
    return (path, *(path.with_name(path.name + s) for s in SIDECARS))


def check_output_path(
    path: PathLike, *, force: bool = False, protected: Iterable[PathLike] = ()
) -> Path:
    """``path`` if MIM Desk may write it; else :class:`OutputRefused`, saying why."""
    out = Path(path)
    size = len(os.fsencode(out.name))
    if size > MAX_NAME_BYTES:
        raise OutputRefused(
            f"The file name {out.name[:40]}… is {size} bytes long; a name can be at most "
            f"{MAX_NAME_BYTES} bytes.",
            "Choose a shorter name.",
        )
    found = _stat(out)
    _refuse_protected(out, found, protected)
    if found is None:
        if os.path.lexists(out):
            # A symbolic link to nothing: replacing it loses only the link, but only on request.
            _refuse_existing(out, force)
        _refuse_sidecar(out)
        return out
    if stat.S_ISDIR(found.st_mode):
        raise OutputRefused(f"{out} is a folder.", "Give the name of a file to write.")
    if not stat.S_ISREG(found.st_mode):
        raise OutputRefused(
            f"{out} is not a regular file (a device, a pipe or a socket); MIM Desk does not "
            "write over it.",
            "Give the name of a file to write.",
        )
    _refuse_database(out)
    _refuse_sidecar(out)
    _refuse_existing(out, force)
    return out


@contextmanager
def _replacing(
    path: PathLike, *, force: bool, protected: Iterable[PathLike]
) -> Iterator[tuple[int, Path]]:
    """Check ``path`` and give a new file beside it (its descriptor and path) to fill; once
    filled it takes the path's place, and on any failure it is removed."""
    out = Path(path)
    keep = tuple(protected)
    check_output_path(out, force=force, protected=keep)
    fd, tmp = _new_file(out)
    try:
        yield fd, tmp
        _put_in_place(tmp, out, force=force, protected=keep)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CannotWrite(out, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(
    path: PathLike,
    write: Callable[[BinaryIO], object],
    *,
    force: bool = False,
    protected: Iterable[PathLike] = (),
) -> Path:
    """Check ``path``, have ``write`` fill a new file beside it, then put it in its place."""
    with (
        _replacing(path, force=force, protected=protected) as (fd, _tmp),
        os.fdopen(fd, "wb") as f,
    ):
        write(f)
        f.flush()
        os.fsync(f.fileno())
    return Path(path)


def build_atomically(
    path: PathLike,
    build: Callable[[Path], T],
    *,
    force: bool = False,
    protected: Iterable[PathLike] = (),
) -> T:
    """Like :func:`write_atomically` for writers that open the file by its name (reportlab):
    ``build`` gets the new file's path and its result is returned."""
    with _replacing(path, force=force, protected=protected) as (fd, tmp):
        os.close(fd)
        result = build(tmp)
        _fsync(tmp, os.O_WRONLY)
    return result


# ---- checks --------------------------------------------------------------------------------


def _stat(out: Path) -> os.stat_result | None:
    try:
        return out.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise OutputRefused(
                f"The path {str(out)[:60]}… is too long for this system.",
                "Choose a shorter name or folder.",
            ) from None
        if exc.errno == errno.ENOTDIR:
            raise OutputRefused(
                f"Cannot write {out}: a part of the path is a file, not a folder.",
                "Choose a folder you can write to.",
            ) from None
        raise CannotWrite(out, exc) from None


def _refuse_protected(
    out: Path, found: os.stat_result | None, protected: Iterable[PathLike]
) -> None:
    real = os.path.normcase(os.path.realpath(out))
    for item in protected:
        guarded = Path(item)
        same = os.path.normcase(os.path.realpath(guarded)) == real
        if not same and found is not None:
            try:
                mine = guarded.stat()
            except OSError:
                mine = None
            same = mine is not None and (mine.st_dev, mine.st_ino) == (found.st_dev, found.st_ino)
        if same:
            what = next(
                (f"the open database's {s} file" for s in SIDECARS if guarded.name.endswith(s)),
                "the open database",
            )
            raise OutputRefused(
                f"{out} is {what}; writing there would destroy the incidents.",
                "Choose another file name.",
            )


def _refuse_database(out: Path) -> None:
    head = _header(out)
    if head.startswith(SQLITE_HEADER):
        raise OutputRefused(
            f"{out} is a SQLite database; MIM Desk does not write over a database.",
            "Choose another file name.",
        )
    if head[:4] in WAL_HEADERS or head.startswith(JOURNAL_HEADER):
        raise OutputRefused(
            f"{out} is part of a SQLite database (its log or journal); MIM Desk does not write "
            "over it.",
            "Choose another file name.",
        )


def _refuse_sidecar(out: Path) -> None:
    """A name such as ``desk.sqlite3-wal`` beside a database is the database's, present or not:
    SQLite would read what we wrote there the next time it opens the file."""
    for suffix in SIDECARS:
        if out.name.endswith(suffix) and len(out.name) > len(suffix):
            base = out.with_name(out.name[: -len(suffix)])
            if base.is_file() and _header(base).startswith(SQLITE_HEADER):
                raise OutputRefused(
                    f"{out} belongs to the SQLite database {base.name}; MIM Desk does not "
                    "write there.",
                    "Choose another file name.",
                )


def _refuse_existing(out: Path, force: bool) -> None:
    if not force:
        raise OutputRefused(
            f"{out} already exists.", "Give --force to replace it, or choose another name."
        )


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_HEADER))
    except OSError as exc:
        # What cannot be read cannot be told apart from a database: leave it alone.
        raise OutputRefused(
            f"{path} cannot be read ({exc.strerror or type(exc).__name__}), so MIM Desk cannot "
            "tell that writing over it is safe.",
            "Choose another file name.",
        ) from None


# ---- writing -------------------------------------------------------------------------------


def _new_file(out: Path) -> tuple[int, Path]:
    """A new, empty file beside ``out``, created with mode 0644 (the kernel applies the umask);
    :class:`CannotWrite` when the folder does not take one.

    Like ``tempfile.mkstemp``, but mkstemp creates 0600 and reading the umask to correct that
    means setting it, which is process-wide and would race the window's worker threads."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for extra in ("O_NOFOLLOW", "O_CLOEXEC", "O_BINARY"):
        flags |= getattr(os, extra, 0)
    # Short enough that the name stays under 255 bytes whatever the target's name is.
    stem = out.name[:40]
    try:
        for _attempt in range(100):
            tmp = out.with_name(f".{stem}.{secrets.token_hex(6)}.part")
            try:
                return os.open(tmp, flags, NEW_FILE_MODE), tmp
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, "No free name for a temporary file", str(out.parent))
    except OSError as exc:
        raise CannotWrite(out, exc) from None


def _put_in_place(tmp: Path, out: Path, *, force: bool, protected: tuple[PathLike, ...]) -> None:
    # Again just before the rename: the target may have changed while the file was written.
    check_output_path(out, force=force, protected=protected)
    os.replace(tmp, out)
    _fsync(out.parent, os.O_RDONLY, required=False)


def _fsync(path: Path, mode: int, *, required: bool = True) -> None:
    try:
        fd = os.open(path, mode)
    except OSError:
        if required:
            raise
        return  # a folder cannot be opened on Windows; the rename is durable there anyway
    try:
        os.fsync(fd)
    except OSError:
        if required:
            raise
    finally:
        os.close(fd)
