"""Secrets (SMTP passwords, webhook URLs) in the OS keyring, and nowhere else.

A secret has a name such as ``smtp:mail.example.org`` or ``webhook:teams``; it is stored under
the service name ``MIMDesk``. Values never appear in an exception message, a log record or a
file: errors name the secret, not its value.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING

from mimdesk import logs
from mimdesk.errors import InvalidInput, MimDeskError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "MIMDesk"

# "kind:name"; the kind says what the secret is for, the name which one.
_NAME = re.compile(r"[a-z][a-z0-9_]*:[A-Za-z0-9._@:-]{1,200}")

_NO_KEYRING_HINT = (
    "On Windows and macOS the system keyring is always there; on Linux start a Secret Service "
    "(GNOME Keyring or KWallet) and unlock it, or ask IT."
)


class SecretStoreUnavailable(MimDeskError):
    """There is no usable keyring on this computer, so secrets can be neither read nor kept."""


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"{name!r} is not a secret name.",
            "Use KIND:NAME, e.g. smtp:mail.example.org or webhook:teams.",
        )
    return name


def _keyring() -> ModuleType:
    # Imported at first use: keyring and what it pulls in cost ~40 ms of every start-up, and
    # most starts never touch a secret.
    import keyring
    import keyring.errors

    return keyring


def _backend() -> KeyringBackend:
    from keyring.backends import fail, null

    backend = _keyring().get_keyring()
    # The fail backend raises on use and the null backend silently forgets: both mean that a
    # secret typed in now would be lost, so say so before the user relies on it.
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise SecretStoreUnavailable("No keyring is available to keep secrets.", _NO_KEYRING_HINT)
    return backend


def get_secret(name: str) -> str | None:
    """The secret's value, or None when it has not been set."""
    name = check_name(name)
    errors = _keyring().errors
    try:
        value = _backend().get_password(SERVICE, name)
    except errors.KeyringError as exc:
        raise SecretStoreUnavailable(
            f"The keyring could not be read for {name} ({type(exc).__name__}).", _NO_KEYRING_HINT
        ) from None
    logs.hide(value)  # never written to the log from here on
    return value


def set_secret(name: str, value: str) -> None:
    name = check_name(name)
    if not value or value != value.strip() or "\n" in value:
        # Not the value in the message: it is the secret.
        raise InvalidInput(
            f"The value for {name} is empty or has spaces or line breaks around it.",
            "Paste the value alone.",
        )
    logs.hide(value)
    errors = _keyring().errors
    try:
        _backend().set_password(SERVICE, name, value)
    except errors.KeyringError as exc:
        raise SecretStoreUnavailable(
            f"The keyring refused to keep {name} ({type(exc).__name__}).", _NO_KEYRING_HINT
        ) from None


def delete_secret(name: str) -> bool:
    """Forget a secret; False when there was none."""
    name = check_name(name)
    backend = _backend()
    errors = _keyring().errors
    try:
        backend.delete_password(SERVICE, name)
    except errors.PasswordDeleteError:
        return False
    except errors.KeyringError as exc:
        raise SecretStoreUnavailable(
            f"The keyring could not delete {name} ({type(exc).__name__}).", _NO_KEYRING_HINT
        ) from None
    return True
