from __future__ import annotations

import pytest

from smmdesk.sync.coordinator import SyncCoordinator
from smmdesk.ui.main_window import MainWindow


@pytest.fixture
def coordinator(qtbot, store, factory):
    coordinator = SyncCoordinator(store, factory)
    yield coordinator
    coordinator.stop(2000)


@pytest.fixture
def demo_store(store, vault, factory):
    from smmdesk.demo import ensure_demo

    ensure_demo(store, vault, factory)
    return store


@pytest.fixture
def reader(store):
    from smmdesk.store.queries import StoreReader

    reader = StoreReader(store.path)
    yield reader
    reader.close()


@pytest.fixture
def window(qtbot, store, reader, vault, coordinator):
    window = MainWindow(reader)
    window.attach(store, vault, coordinator)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    return window
