"""Root test configuration: headless Qt, set before anything imports Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path

import pytest


@pytest.fixture
def profile(tmp_path: Path):
    """A fresh profile folder for one test."""
    from smmdesk.paths import custom_profile

    return custom_profile(tmp_path / "profile").ensure()


@pytest.fixture
def store(profile):
    from smmdesk.store.database import open_store

    store = open_store(profile.database, profile.backups)
    yield store
    store.close()


@pytest.fixture
def vault():
    """An in-memory vault: the real keyring is tested in tests/test_vault.py."""
    from smmdesk.memory_keyring import MemoryKeyring
    from smmdesk.vault import Vault

    return Vault(MemoryKeyring())


@pytest.fixture
def factory(profile, vault):
    from smmdesk.sync.connectors import ConnectorFactory

    return ConnectorFactory(profile, vault, sandbox_seed="tests")


@pytest.fixture
def client_id(store):
    from smmdesk.core.client_rules import ClientSettings
    from smmdesk.store.clients import save_client

    with store.transaction() as session:
        return save_client(
            session, ClientSettings(name="Kafija Rīga", timezone="Europe/Riga", country="LV")
        )
