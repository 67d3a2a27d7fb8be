"""A keyring backend that keeps its items in a plaintext JSON file: FOR TESTS ONLY.

The crash test and the publishing benchmark run the app in processes that are
killed and restarted; a ``MemoryKeyring`` would forget the account's token at
every kill and a real Secret Service is beside the point there. This backend
lives under ``tests/`` on purpose: the app's vault refuses plaintext files,
and nothing in ``smmdesk/`` may ever import it.

Writes go to a temporary file that is renamed over the old one, so a process
killed mid-write leaves the previous contents whole.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    """JSON file storage keyed by ``service\\x00username``; never auto-detected."""

    @properties.classproperty
    def priority(cls) -> float:
        return 1

    @properties.classproperty
    def viable(cls) -> bool:
        return False  # only ever passed explicitly to Vault(...)

    @properties.classproperty
    def name(cls) -> str:
        return "Plaintext file (tests only)"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        self._lock = threading.Lock()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, items: dict[str, str]) -> None:
        scratch = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        scratch.write_text(json.dumps(items, sort_keys=True), encoding="utf-8")
        os.replace(scratch, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            items = self._load()
            items[f"{service}\x00{username}"] = password
            self._save(items)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            items = self._load()
            if items.pop(f"{service}\x00{username}", None) is None:
                raise PasswordDeleteError("No such item")
            self._save(items)
