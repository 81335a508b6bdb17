"""This desk's signing key: where its private half is kept, and the signer the log uses.

The private half is kept in the OS keyring under ``deskkey:<desk id>``. Where there is no
keyring (a Linux desktop without a Secret Service), it is kept in a file only this user may
read: ``<data folder>/desk-keys/<desk id>.key``, mode 0600 in a 0700 folder (on Windows the
data folder under the profile is the user's alone already). It is never written to the
database, a backup or a log: a copy of the database cannot sign as this desk.

The key is loaded at the first write, not at start: the keyring costs tens of milliseconds
most starts never need. A key that cannot be loaded leaves new entries unsigned rather than
refusing them (an entry is never lost for a signature); ``mimdesk doctor`` says why.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from mimdesk import secrets
from mimdesk.store import signatures

log = logging.getLogger(__name__)

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KeyPlace:
    """Where a desk key is kept: "keyring", or a file."""

    kind: str
    path: Path | None = None

    def describe(self) -> str:
        return "the OS keyring" if self.kind == "keyring" else f"the file {self.path}"


def secret_name(desk_id: str) -> str:
    return f"deskkey:{desk_id}"


def key_file(data_dir: Path, desk_id: str) -> Path:
    return data_dir / "desk-keys" / f"{desk_id}.key"


def _decode(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def _from_keyring(desk_id: str) -> bytes | None:
    """The key kept in the keyring; None when there is none or no keyring to ask."""
    try:
        text = secrets.get_secret(secret_name(desk_id))
    except secrets.SecretStoreUnavailable:
        return None
    except Exception as exc:
        # A keyring backend is another party's code: one that fails in its own way must not
        # stop this desk writing. The file is the fallback the issue names.
        log.warning("desk key: the keyring failed (%s); using the key file", type(exc).__name__)
        return None
    return _decode(text) if text else None


def _from_file(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyUnavailable(f"the key file {path} cannot be read ({type(exc).__name__})") from None
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        # Readable by others: take it back rather than sign with a key others may hold.
        path.chmod(0o600)
    raw = _decode(text)
    if raw is None:
        raise KeyUnavailable(f"the key file {path} does not hold a desk key")
    return raw


def _to_keyring(desk_id: str, raw: bytes) -> bool:
    try:
        secrets.set_secret(secret_name(desk_id), base64.b64encode(raw).decode("ascii"))
    except secrets.SecretStoreUnavailable:
        return False
    except Exception as exc:  # as in _from_keyring
        log.warning("desk key: the keyring failed (%s); using the key file", type(exc).__name__)
        return False
    return True


def _to_file(path: Path, raw: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not each write their own key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(base64.b64encode(raw).decode("ascii") + "\n")
        f.flush()
        os.fsync(f.fileno())


class KeyUnavailable(Exception):
    """The desk key exists but cannot be read (the message names where, never the key)."""


def find(data_dir: Path, desk_id: str) -> tuple[bytes, KeyPlace] | None:
    """This desk's private key where it is kept, or None: nothing is made."""
    path = key_file(data_dir, desk_id)
    raw = _from_keyring(desk_id)
    if raw is not None:
        return raw, KeyPlace("keyring")
    raw = _from_file(path)
    if raw is not None:
        return raw, KeyPlace("file", path)
    return None


def load_or_create(data_dir: Path, desk_id: str) -> tuple[bytes, KeyPlace]:
    """This desk's private key, made and kept on first use."""
    found = find(data_dir, desk_id)
    if found is not None:
        return found
    path = key_file(data_dir, desk_id)
    raw = signatures.new_private_key()
    if _to_keyring(desk_id, raw):
        return raw, KeyPlace("keyring")
    try:
        _to_file(path, raw)
    except FileExistsError:
        # Another process of this desk made it a moment ago: use that one.
        theirs = _from_file(path)
        assert theirs is not None
        return theirs, KeyPlace("file", path)
    except OSError as exc:
        raise KeyUnavailable(
            f"the key file {path} cannot be written ({type(exc).__name__})"
        ) from None
    return raw, KeyPlace("file", path)


class LazySigner:
    """The log's signer: loads (or makes) the key at its first use. If that fails, entries
    are written unsigned and :attr:`problem` says why."""

    def __init__(self, data_dir: Path, desk_id: str) -> None:
        self._data_dir = data_dir
        self._desk_id = desk_id
        self._lock = Lock()
        self._signer: signatures.Ed25519Signer | None = None
        self.place: KeyPlace | None = None
        self.problem = ""

    def _load(self) -> signatures.Ed25519Signer | None:
        with self._lock:
            if self._signer is None and not self.problem:
                try:
                    raw, self.place = load_or_create(self._data_dir, self._desk_id)
                    self._signer = signatures.Ed25519Signer(raw)
                except (KeyUnavailable, OSError) as exc:
                    self.problem = str(exc) or type(exc).__name__
                    log.warning("desk key: %s; new entries are not signed", self.problem)
            return self._signer

    def peek(self) -> str:
        """The public key if this desk has one, without making one (for ``doctor``, which
        must not write): "" when there is none yet or it cannot be read."""
        with self._lock:
            if self._signer is None and not self.problem:
                try:
                    found = find(self._data_dir, self._desk_id)
                except (KeyUnavailable, OSError) as exc:
                    self.problem = str(exc) or type(exc).__name__
                    return ""
                if found is not None:
                    self._signer = signatures.Ed25519Signer(found[0])
                    self.place = found[1]
            return self._signer.public_key if self._signer is not None else ""

    @property
    def public_key(self) -> str:
        signer = self._load()
        return signer.public_key if signer is not None else ""

    def sign(self, data: bytes) -> str:
        signer = self._load()
        return signer.sign(data) if signer is not None else signatures.UNSIGNED
