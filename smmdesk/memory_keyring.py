"""An in-process keyring backend: secrets live in a dict and die with the process.

The demo profile uses it (``Vault(MemoryKeyring())``), so the demo never reads
or writes the user's real keyring; tests use it where a real Secret Service is
beside the point. It is kept apart from ``vault.py`` because defining a
``KeyringBackend`` subclass imports ``keyring``, which ``vault.py`` only does
when it is first used.

It is never picked by keyring's own backend detection (``viable`` is False),
so importing this module cannot make a real profile keep its secrets in memory.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

DISPLAY_NAME = "In-memory (demo)"


class MemoryKeyring(KeyringBackend):
    """Dict storage, thread-safe, priority 1; nothing is ever written to disk."""

    @properties.classproperty
    def priority(cls) -> float:
        return 1

    # Never offered by keyring.get_keyring(): only ever passed explicitly.
    @properties.classproperty
    def viable(cls) -> bool:
        return False

    @properties.classproperty
    def name(cls) -> str:
        return DISPLAY_NAME

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._items.pop((service, username), None) is None:
                raise PasswordDeleteError("No such item")
