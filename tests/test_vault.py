"""The vault against a real Secret Service, keyring's ``fail`` backend and MemoryKeyring.

The Secret Service tests need a running, unlocked Secret Service. Run them
against a throwaway gnome-keyring in a private D-Bus session with

    .ci/with-keyring .venv/bin/pytest tests/test_vault.py

which also sets SMMDESK_REQUIRE_KEYRING=1, so they fail instead of skipping if
the keyring does not come up. Without it they skip and say so.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import chainer, fail, null
from keyring.compat import properties
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

from smmdesk.logs import REDACTED, redact
from smmdesk.memory_keyring import MemoryKeyring
from smmdesk.vault import (
    HOW_TO_ENABLE,
    SERVICE,
    SecretMissing,
    Vault,
    VaultLocked,
    VaultUnavailable,
)

SKIP_MESSAGE = (
    "no Secret Service on this machine: run under .ci/with-keyring to test against gnome-keyring"
)


def _unique_secret(label: str) -> str:
    return f"{label}-{Vault.new_key()[8:]}"


# --------------------------------------------------------------------------
# A real Secret Service


def _usable_secret_service() -> tuple[keyring.backend.KeyringBackend | None, str]:
    """The SecretService backend if it really works here, else None and why not."""
    try:
        from keyring.backends import SecretService
    except Exception as exc:
        return None, f"cannot import keyring's SecretService backend: {exc!r}"
    try:
        priority = SecretService.Keyring.priority
    except Exception as exc:
        return None, f"SecretService backend not usable: {exc}"
    if priority <= 0:
        return None, f"SecretService backend has priority {priority}"
    backend = SecretService.Keyring()
    probe_key = "probe-" + Vault.new_key()
    try:
        backend.set_password(SERVICE, probe_key, "probe-value")
        value = backend.get_password(SERVICE, probe_key)
        backend.delete_password(SERVICE, probe_key)
    except Exception as exc:
        return None, f"Secret Service round-trip failed: {exc!r}"
    if value != "probe-value":
        return None, f"Secret Service round-trip returned {value!r}"
    return backend, ""


@pytest.fixture(scope="module")
def secret_service() -> keyring.backend.KeyringBackend:
    backend, problem = _usable_secret_service()
    if backend is None:
        if os.environ.get("SMMDESK_REQUIRE_KEYRING") == "1":
            pytest.fail(
                "SMMDESK_REQUIRE_KEYRING=1 but no usable Secret Service: " + problem,
                pytrace=False,
            )
        pytest.skip(SKIP_MESSAGE)
    return backend


@pytest.fixture
def ss_key(secret_service: keyring.backend.KeyringBackend) -> Iterator[str]:
    """A fresh vault key whose item is removed after the test."""
    key = Vault.new_key()
    yield key
    with contextlib.suppress(PasswordDeleteError):
        secret_service.delete_password(SERVICE, key)


def _items_for(key: str) -> list:
    """Every Secret Service item, in any collection, whose username is ``key``."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        items = list(secretstorage.search_items(connection, {"username": key}))
        return [(item.get_label(), item.get_attributes(), item.get_secret()) for item in items]
    finally:
        connection.close()


def test_secret_service_round_trip_of_a_multi_field_secret(secret_service, ss_key):
    vault = Vault(secret_service)
    secret = {"handle": "alice.example.com", "app_password": _unique_secret("abcd-efgh")}

    vault.put(ss_key, secret)

    assert vault.get(ss_key) == secret
    assert Vault(secret_service).get(ss_key) == secret  # a fresh vault reads it too


def test_secret_service_overwrite_replaces_the_item(secret_service, ss_key):
    vault = Vault(secret_service)
    vault.put(ss_key, {"token": _unique_secret("first")})
    second = {"token": _unique_secret("second")}

    vault.put(ss_key, second)

    assert vault.get(ss_key) == second
    assert len(_items_for(ss_key)) == 1


def test_secret_service_delete(secret_service, ss_key):
    vault = Vault(secret_service)
    vault.put(ss_key, {"token": _unique_secret("token")})

    vault.delete(ss_key)

    with pytest.raises(SecretMissing):
        vault.get(ss_key)
    assert _items_for(ss_key) == []
    vault.delete(ss_key)  # deleting a missing item is not an error


def test_secret_service_missing_item_raises_secret_missing(secret_service, ss_key):
    with pytest.raises(SecretMissing, match="Reconnect the account") as caught:
        Vault(secret_service).get(ss_key)
    assert caught.value.key == ss_key


def test_secret_service_keeps_one_item_per_account_with_no_secret_in_attributes(
    secret_service, ss_key
):
    secret = {
        "handle": "alice.example.com",
        "app_password": _unique_secret("app-pass"),
        "token": _unique_secret("token"),
    }
    Vault(secret_service).put(ss_key, secret)

    items = _items_for(ss_key)

    assert len(items) == 1
    label, attributes, stored = items[0]
    assert attributes["service"] == SERVICE
    assert attributes["username"] == ss_key
    for value in (secret["app_password"], secret["token"]):
        assert value not in label
        assert all(value not in attribute for attribute in attributes.values())
        assert all(value not in name for name in attributes)
    assert json.loads(stored) == secret


def test_secret_service_status(secret_service):
    from keyring.backends import SecretService

    status = Vault(secret_service).status()
    assert status.available
    assert status.backend_name == SecretService.Keyring.name

    default = Vault().status()  # keyring's own choice on this machine
    assert default.available
    assert default.backend_name == SecretService.Keyring.name


def test_secret_service_locked_keyring_raises_vault_locked(secret_service, ss_key):
    password = os.environ.get("SMMDESK_TEST_KEYRING_PASSWORD")
    if not password:
        pytest.skip("locks the keyring: runs only on the throwaway keyring of .ci/with-keyring")
    import secretstorage
    from secretstorage.collection import get_collection_by_alias
    from secretstorage.util import DBusAddressWrapper, format_secret, open_session

    vault = Vault(secret_service)
    vault.put(ss_key, {"token": _unique_secret("token")})
    connection = secretstorage.dbus_init()
    collection = get_collection_by_alias(connection, "default")
    collection.lock()
    try:
        assert collection.is_locked()
        # No prompter can be shown (with-keyring runs the bus without a
        # display), so the unlock prompt is dismissed, as when a user cancels.
        with pytest.raises(VaultLocked, match="locked"):
            vault.get(ss_key)
        with pytest.raises(VaultLocked):
            vault.put(ss_key, {"token": _unique_secret("token")})
    finally:
        # Unlock without a prompt, through gnome-keyring's internal interface.
        internal = DBusAddressWrapper(
            "/org/freedesktop/secrets",
            "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            connection,
        )
        internal.call(
            "UnlockWithMasterPassword",
            "o(oayays)",
            collection.collection_path,
            format_secret(open_session(connection), password.encode(), "text/plain"),
        )
        unlocked = not collection.is_locked()
        connection.close()
    assert unlocked
    assert vault.get(ss_key)["token"]


# --------------------------------------------------------------------------
# No keyring: keyring's fail backend (what a bare Linux gets), and friends


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME (and XDG folders, and working folder) to prove nothing is written."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.chdir(work)
    return tmp_path


def _all_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.name not in ("home", "work")]


def test_fail_backend_is_unavailable_with_how_to():
    status = Vault(fail.Keyring()).status()

    assert not status.available
    assert status.backend_name == fail.Keyring.name
    assert status.message == HOW_TO_ENABLE
    for hint in ("GNOME Keyring", "KWallet", "sudo apt install gnome-keyring", "log out"):
        assert hint in status.message
    assert "macOS" in status.message and "Windows" in status.message


def test_fail_backend_put_raises_and_writes_nothing(empty_home):
    secret = _unique_secret("token")

    with pytest.raises(VaultUnavailable) as caught:
        Vault(fail.Keyring()).put(Vault.new_key(), {"token": secret})

    assert not isinstance(caught.value, VaultLocked)
    assert str(caught.value) == HOW_TO_ENABLE
    assert secret not in str(caught.value)
    assert _all_files(empty_home) == []


def test_fail_backend_get_and_delete_raise_unavailable():
    vault = Vault(fail.Keyring())
    with pytest.raises(VaultUnavailable):
        vault.get(Vault.new_key())
    with pytest.raises(VaultUnavailable):
        vault.delete(Vault.new_key())


def test_default_vault_on_a_machine_without_keyring(monkeypatch, empty_home):
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    vault = Vault()

    assert not vault.status().available
    with pytest.raises(VaultUnavailable, match="gnome-keyring"):
        vault.put(Vault.new_key(), {"token": _unique_secret("token")})
    assert _all_files(empty_home) == []


def test_null_backend_and_empty_chain_are_unavailable(monkeypatch):
    assert not Vault(null.Keyring()).status().available

    monkeypatch.setattr(keyring.backend, "_limit", lambda backend: False)
    chain = chainer.ChainerBackend()
    assert list(chain.backends) == []
    status = Vault(chain).status()
    assert not status.available
    assert status.message == HOW_TO_ENABLE


class _DictBackend(keyring.backend.KeyringBackend):
    """A test backend; never offered to keyring's own detection."""

    @properties.classproperty
    def priority(cls) -> float:
        return 1

    @properties.classproperty
    def viable(cls) -> bool:
        return False

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password


class _PlaintextFileLike(_DictBackend):
    pass


# What keyring would load for keyrings.alt.file.PlaintextKeyring.
_PlaintextFileLike.__module__ = "keyrings.alt.file"


def test_keyrings_alt_file_backends_are_refused():
    backend = _PlaintextFileLike()
    vault = Vault(backend)

    status = vault.status()

    assert not status.available
    assert "not a safe default" in status.message
    assert "gnome-keyring" in status.message
    with pytest.raises(VaultUnavailable, match="not a safe default"):
        vault.put(Vault.new_key(), {"token": _unique_secret("token")})
    assert backend.items == {}


class _BrokenPriority(_DictBackend):
    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("The Secret Service daemon is neither running nor activatable")


def test_backend_that_reports_itself_unusable_is_unavailable():
    status = Vault(_BrokenPriority()).status()

    assert not status.available
    assert "neither running nor activatable" in status.message
    assert status.message.startswith(HOW_TO_ENABLE)


class _Raising(_DictBackend):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error


def _secretstorage_error(name: str) -> Exception:
    import secretstorage.exceptions

    return getattr(secretstorage.exceptions, name)("Prompt dismissed.")


def _wrapped(cause: Exception) -> KeyringError:
    try:
        raise KeyringError("backend failed") from cause
    except KeyringError as error:
        return error


@pytest.mark.parametrize(
    "make_error",
    [
        lambda: KeyringLocked("Failed to unlock the collection!"),
        lambda: _wrapped(_secretstorage_error("LockedException")),
        lambda: _wrapped(_secretstorage_error("PromptDismissedException")),
        lambda: _secretstorage_error("PromptDismissedException"),
    ],
    ids=["KeyringLocked", "LockedException", "PromptDismissed-wrapped", "PromptDismissed"],
)
def test_locked_or_dismissed_keyring_becomes_vault_locked(make_error):
    vault = Vault(_Raising(make_error()))

    with pytest.raises(VaultLocked, match="locked"):
        vault.put(Vault.new_key(), {"token": _unique_secret("token")})
    with pytest.raises(VaultLocked):
        vault.get(Vault.new_key())


def test_backend_errors_never_leak_the_secret(caplog):
    secret = _unique_secret("very-secret")
    payload = json.dumps({"token": secret})
    vault = Vault(_Raising(KeyringError(f"could not store {payload} / {secret}")))

    with pytest.raises(VaultUnavailable) as caught:
        vault.put(Vault.new_key(), {"token": secret})

    assert not isinstance(caught.value, VaultLocked)
    assert secret not in str(caught.value)
    assert "KeyringError" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    # Whatever the log handlers write goes through the redactor.
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        assert secret not in redact(text)


# --------------------------------------------------------------------------
# MemoryKeyring (the demo profile's backend)


def test_memory_keyring_vault_is_available_as_demo():
    status = Vault(MemoryKeyring()).status()

    assert status.available
    assert status.backend_name == "In-memory (demo)"


def test_memory_keyring_round_trip_overwrite_delete():
    backend = MemoryKeyring()
    vault = Vault(backend)
    key = Vault.new_key()
    first = {"handle": "bob.example", "app_password": _unique_secret("first")}
    second = {"handle": "bob.example", "app_password": _unique_secret("second")}

    vault.put(key, first)
    assert vault.get(key) == first
    vault.put(key, second)
    assert vault.get(key) == second
    # One item per account: the whole secret is one JSON value under the key.
    assert json.loads(backend.get_password(SERVICE, key) or "") == second

    vault.delete(key)
    with pytest.raises(SecretMissing):
        vault.get(key)
    vault.delete(key)


def test_memory_keyrings_are_separate_and_not_the_real_keyring():
    key = Vault.new_key()
    Vault(MemoryKeyring()).put(key, {"token": _unique_secret("token")})

    with pytest.raises(SecretMissing):
        Vault(MemoryKeyring()).get(key)
    # keyring's own detection never picks the in-memory backend.
    assert not any(isinstance(b, MemoryKeyring) for b in keyring.backend.get_all_keyring())


def test_an_item_not_in_our_format_counts_as_missing():
    backend = MemoryKeyring()
    key = Vault.new_key()
    backend.set_password(SERVICE, key, "not json at all")

    with pytest.raises(SecretMissing):
        Vault(backend).get(key)

    backend.set_password(SERVICE, key, json.dumps({"token": 42}))
    with pytest.raises(SecretMissing):
        Vault(backend).get(key)


def test_secrets_passing_through_the_vault_are_registered_for_redaction():
    backend = MemoryKeyring()
    put_secret = _unique_secret("put-secret")
    Vault(backend).put(Vault.new_key(), {"token": put_secret})
    assert redact(f"oops {put_secret}") == f"oops {REDACTED}"

    # A secret stored by an earlier run is registered when it is read.
    read_secret = _unique_secret("read-secret")
    key = Vault.new_key()
    backend.set_password(SERVICE, key, json.dumps({"app_password": read_secret}))
    assert redact(read_secret) == read_secret  # not known yet
    Vault(backend).get(key)
    assert redact(read_secret) == REDACTED


def test_put_rejects_non_string_values_without_quoting_them():
    with pytest.raises(TypeError) as caught:
        Vault(MemoryKeyring()).put(Vault.new_key(), {"token": 123456789})  # type: ignore[dict-item]
    assert "123456789" not in str(caught.value)
    with pytest.raises(ValueError):
        Vault(MemoryKeyring()).put("", {"token": "x"})


def test_new_key_shape():
    keys = {Vault.new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(re.fullmatch(r"account-[0-9a-f]{32}", key) for key in keys)


def test_importing_the_vault_does_not_import_keyring():
    code = "import sys, smmdesk.vault; print('keyring' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
