"""Integration tests against real servers started on this computer.

``bluesky_network`` runs the reference Bluesky servers (``@atproto/dev-env``:
PLC, PDS, AppView) once for the tests in this folder, bound to 127.0.0.1, and
removes them afterwards. The tests skip only when Node.js is missing; with Node present, a
failed ``npm ci``, a missing PostgreSQL or servers that do not come up fail
them, so a broken set-up cannot pass as a skip.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator

import pytest

from tests.integration.pds_network import (
    Network,
    NetworkError,
    install_node_modules,
    running_network,
)


# Package scope: the servers stop after the last test here, not at the end of the
# whole run (the rest of the suite does not need them).
@pytest.fixture(scope="package")
def bluesky_network() -> Iterator[Network]:
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "Node.js is not installed: the Bluesky integration tests run the reference "
            "PDS and AppView (npm @atproto/dev-env), which need node 20 and npm"
        )
    stack = contextlib.ExitStack()
    try:
        install_node_modules()
        network = stack.enter_context(running_network(node))
    except NetworkError as exc:
        pytest.fail(str(exc), pytrace=False)
    with stack:
        yield network
