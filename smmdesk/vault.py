"""Account credentials in the operating system's keyring, and nowhere else.

This is the only module that talks to ``keyring``. Each connected account has
exactly one keyring item (on macOS every item can mean a prompt): service
``"SMM Desk"``, username = the account's vault key (``Vault.new_key()``, the
value the store keeps in ``Account.vault_key``), and as the password a small
JSON object with that account's secret fields, e.g. ``{"token": "..."}`` or
``{"handle": "...", "app_password": "..."}``. On Linux the Secret Service item
carries only the attributes ``service``, ``username`` and ``application``: no
secret is ever an attribute or a label.

Decisions:

- No keyring, no secrets. keyring's ``fail`` and ``null`` backends, an empty
  chain, and a backend that reports itself unsuitable (priority raises, or is
  0 or less) all mean "unavailable", and ``put`` raises ``VaultUnavailable``
  whose message says how to get a keyring. There is no plaintext fallback.
- ``keyrings.alt``'s file backends are refused even if configured: the
  plaintext one writes passwords readable by anyone who gets the file, and
  the "encrypted" one uses 1000 PBKDF2-SHA1 rounds and no integrity check;
  not a safe default for other people's account credentials.
- A chain of backends is unwrapped to its best acceptable member, so a write
  that fails in the real keyring can never fall through to a worse one.
- Every secret value that passes through ``put``/``get`` is registered with
  the log redactor (``smmdesk.logs.register_secret``), and the messages of the
  errors raised here never quote a secret or a keyring error's text.
- ``keyring`` is imported on first use, not at start-up (its import and backend
  detection cost tens of milliseconds and, on Linux, a D-Bus round trip).
- The demo profile and tests pass ``MemoryKeyring()`` explicitly
  (``smmdesk.memory_keyring``); the demo never touches the real keyring.

A ``Vault`` is safe to share between threads; calls may block on D-Bus or on
an unlock prompt, so call ``put``/``get``/``delete`` from background jobs, not
from the GUI thread's hot paths.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smmdesk.logs import redact, register_secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "SERVICE",
    "SecretMissing",
    "Vault",
    "VaultLocked",
    "VaultStatus",
    "VaultUnavailable",
]

# The keyring service name. Fixed on purpose: renaming the app must not orphan
# the secrets of every connected account.
SERVICE = "SMM Desk"

_log = logging.getLogger(__name__)

_HOW_TO_FIX = (
    "On Linux, install and unlock a Secret Service provider such as GNOME Keyring or "
    "KWallet (for example: sudo apt install gnome-keyring), then log out and log in again. "
    "On macOS and Windows the system keychain is used automatically."
)
HOW_TO_ENABLE = (
    "SMM Desk keeps account tokens and passwords only in your system's keyring, and no "
    "usable keyring was found. " + _HOW_TO_FIX + " Nothing is saved in plain text instead."
)
LOCKED_MESSAGE = (
    "Your keyring is locked, or the request to unlock it was dismissed. Unlock it "
    "(usually with your login password) and try again: until then SMM Desk cannot read "
    "or save account credentials."
)
FILE_BACKEND_MESSAGE = (
    "The configured keyring backend ({name}) keeps secrets in a file (keyrings.alt). "
    "SMM Desk does not use it because it is not a safe default: the plaintext file is "
    "readable by anyone who gets it, and the 'encrypted' one uses a weak key derivation "
    "(1000 PBKDF2-SHA1 rounds) with no integrity check. "
)
MISSING_MESSAGE = (
    "This account's saved credentials are no longer in the keyring (they were deleted, or "
    "the keyring was reset). Reconnect the account to save them again."
)

# Exception names (secretstorage, jeepney) that mean "locked" or "prompt dismissed"
# when they surface from a backend, directly or as the cause of a KeyringError.
_LOCKED_NAMES = frozenset({"LockedException", "PromptDismissedException"})
_LOCKED_DBUS_ERRORS = frozenset({"org.freedesktop.Secret.Error.IsLocked"})


class VaultUnavailable(Exception):
    """No usable keyring: the message says how to get one (safe to show the user)."""

    def __init__(self, message: str = HOW_TO_ENABLE) -> None:
        super().__init__(message)
        self.message = message


class VaultLocked(VaultUnavailable):
    """The keyring is locked, or the user dismissed the unlock prompt."""

    def __init__(self, message: str = LOCKED_MESSAGE) -> None:
        super().__init__(message)


class SecretMissing(Exception):
    """The account's keyring item is gone (or unreadable): reconnect the account."""

    def __init__(self, key: str, message: str = MISSING_MESSAGE) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class VaultStatus:
    available: bool
    backend_name: str
    message: str


class Vault:
    """Reads and writes one keyring item per account (see the module docstring)."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        # None: keyring.get_keyring(), resolved on first use.
        self._explicit = backend
        self._lock = threading.Lock()
        self._ready: KeyringBackend | None = None
        self._ready_name = ""

    # -- availability -------------------------------------------------------

    def status(self) -> VaultStatus:
        """Whether secrets can be stored, in which backend, and a message for the user.

        Checks afresh each time (the user may have installed or unlocked a
        keyring since), which on Linux means a D-Bus round trip.
        """
        with self._lock:
            backend, status = self._assess()
            self._ready = backend
            self._ready_name = status.backend_name
            return status

    def _assess(self) -> tuple[KeyringBackend | None, VaultStatus]:
        if self._explicit is not None:
            return _assess_backend(self._explicit, explicit=True)
        try:
            import keyring

            candidate = keyring.get_keyring()
        except Exception:
            _log.warning("Could not load the system keyring backend", exc_info=True)
            return None, VaultStatus(False, "none", HOW_TO_ENABLE)
        return _assess_backend(candidate, explicit=False)

    def _backend(self) -> KeyringBackend:
        with self._lock:
            if self._ready is None:
                backend, status = self._assess()
                if backend is None:
                    raise VaultUnavailable(status.message)
                self._ready = backend
                self._ready_name = status.backend_name
            return self._ready

    # -- secrets ------------------------------------------------------------

    def put(self, key: str, secret: Mapping[str, str]) -> None:
        """Store ``secret`` as the one item for ``key``, replacing what was there."""
        _check_key(key)
        fields = dict(secret)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
            raise TypeError("secret fields and values must be strings")
        for value in fields.values():
            register_secret(value)
        payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        register_secret(payload)
        backend = self._backend()
        try:
            backend.set_password(SERVICE, key, payload)
        except Exception as exc:
            raise self._translate(exc, "save") from None

    def get(self, key: str) -> dict[str, str]:
        """The secret fields stored for ``key``; ``SecretMissing`` if there are none."""
        _check_key(key)
        backend = self._backend()
        try:
            payload = backend.get_password(SERVICE, key)
        except Exception as exc:
            raise self._translate(exc, "read") from None
        if payload is None:
            raise SecretMissing(key)
        register_secret(payload)
        try:
            data = json.loads(payload)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            # Not ours (or damaged): as good as missing. Never log the payload.
            _log.warning("The keyring item for %s is not in SMM Desk's format", key)
            raise SecretMissing(key)
        for value in data.values():
            register_secret(value)
        return data

    def delete(self, key: str) -> None:
        """Remove the item for ``key``; removing a missing item is not an error."""
        _check_key(key)
        backend = self._backend()
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(SERVICE, key)
        except PasswordDeleteError:
            return  # every backend reports "no such item" this way
        except Exception as exc:
            raise self._translate(exc, "delete") from None

    @staticmethod
    def new_key() -> str:
        """A fresh vault key for a new account: ``account-`` + 32 hex digits."""
        return "account-" + uuid.uuid4().hex

    # -- errors -------------------------------------------------------------

    def _translate(self, exc: BaseException, action: str) -> VaultUnavailable:
        """A user-facing error for a keyring failure. Never quotes the exception's text."""
        from keyring.errors import KeyringLocked, NoKeyringError

        chain = list(_exception_chain(exc))
        if any(
            isinstance(e, KeyringLocked)
            or type(e).__name__ in _LOCKED_NAMES
            or getattr(e, "name", None) in _LOCKED_DBUS_ERRORS
            for e in chain
        ):
            _log.warning("The keyring is locked: could not %s an account secret", action)
            return VaultLocked()
        # The secrets are registered, so the log filter redacts them from the traceback.
        _log.warning("The keyring could not %s an account secret", action, exc_info=exc)
        with self._lock:
            name = self._ready_name or "unknown"
            self._ready = None  # look at the keyring again next time
        if any(isinstance(e, NoKeyringError) for e in chain):
            return VaultUnavailable()
        return VaultUnavailable(
            f"The system keyring ({name}) could not {action} this account's credentials "
            f"({type(exc).__name__}). Make sure it is running and unlocked, then try again. "
            + _HOW_TO_FIX
        )


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError("a vault key must be a non-empty string")


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _backend_name(backend: KeyringBackend) -> str:
    try:
        return str(backend.name)
    except Exception:
        return type(backend).__name__


def _assess_backend(
    backend: KeyringBackend, *, explicit: bool
) -> tuple[KeyringBackend | None, VaultStatus]:
    """The backend to use (None if none is acceptable) and the status to report."""
    from keyring.backends import chainer, fail, null

    from smmdesk.memory_keyring import MemoryKeyring

    name = _backend_name(backend)
    if isinstance(backend, chainer.ChainerBackend):
        # Members are sorted best first; use the best acceptable one on its own.
        for member in backend.backends:
            chosen, status = _assess_backend(member, explicit=False)
            if chosen is not None:
                return chosen, status
        return None, VaultStatus(False, name, HOW_TO_ENABLE)
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None, VaultStatus(False, name, HOW_TO_ENABLE)
    if type(backend).__module__.startswith("keyrings.alt"):
        message = FILE_BACKEND_MESSAGE.format(name=name) + _HOW_TO_FIX
        return None, VaultStatus(False, name, message)
    if isinstance(backend, MemoryKeyring):
        message = "Demo credentials are kept in memory only and are forgotten when it closes."
        return backend, VaultStatus(True, name, message)
    try:
        priority = float(backend.priority)
    except Exception as exc:
        # e.g. "The Secret Service daemon is neither running nor activatable".
        reason = redact(str(exc))
        return None, VaultStatus(False, name, f"{HOW_TO_ENABLE} ({name}: {reason})")
    if priority <= 0 and not explicit:
        return None, VaultStatus(False, name, HOW_TO_ENABLE)
    return backend, VaultStatus(
        True, name, f"Account credentials are kept in your system keyring ({name})."
    )
