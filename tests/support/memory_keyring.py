"""A keyring in a dict, for tests that must never touch the real one.

One class for every test: each ``KeyringBackend`` subclass with a priority is a backend the
keyring library may pick on its own, so copies of it multiply the ways a test can leak into
another. Tests install it explicitly with ``keyring.set_keyring``.
"""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        # As the OS keyrings do: deleting what is not there is an error.
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError(username)
        del self.store[(service, username)]
