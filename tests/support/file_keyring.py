"""A keyring kept in a JSON file, for tests that run the CLI in a subprocess.

The subprocess picks it with ``PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring``
(keyring reads that variable itself) and finds the file in ``MIMDESK_TEST_KEYRING_FILE``; the
working directory must be the repository's, so that ``tests`` can be imported. The real
keyring of the machine is never touched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.errors
from keyring.backend import KeyringBackend

VARIABLE = "MIMDESK_TEST_KEYRING_FILE"
BACKEND = "tests.support.file_keyring.FileKeyring"


def environment(path: Path) -> dict[str, str]:
    """What a subprocess needs in its environment to use the file at ``path``."""
    return {"PYTHON_KEYRING_BACKEND": BACKEND, VARIABLE: str(path)}


class FileKeyring(KeyringBackend):
    # Chosen by name only (PYTHON_KEYRING_BACKEND): importing this module must not make it
    # the keyring of every later test in the process, where its variable is not set.
    priority = -1  # type: ignore[assignment]

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[VARIABLE])

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self._path().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, data: dict[str, str]) -> None:
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(data)
