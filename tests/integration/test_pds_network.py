"""The test network itself: up, answering, and on 127.0.0.1 only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.integration.pds_network import BLOCKED_PREFIX, Network, listening_addresses

pytestmark = pytest.mark.integration


def test_every_server_listens_on_127_0_0_1_only(bluesky_network: Network) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("reads listening sockets from /proc (Linux)")
    node = listening_addresses(bluesky_network.launcher_pid)
    postgres = listening_addresses(bluesky_network.postgres_pid)
    assert len(node) >= 3 and postgres  # PLC, PDS, AppView (+ their helpers)
    assert {address for address, _ in node | postgres} == {"127.0.0.1"}


def test_the_pds_and_the_appview_answer(bluesky_network: Network) -> None:
    described = requests.get(
        f"{bluesky_network.pds}/xrpc/com.atproto.server.describeServer", timeout=10
    ).json()
    assert described["inviteCodeRequired"] is False
    assert ".test" in described["availableUserDomains"]
    health = requests.get(f"{bluesky_network.appview}/xrpc/_health", timeout=10)
    assert health.status_code == 200


def test_nothing_tried_to_reach_beyond_this_computer(bluesky_network: Network) -> None:
    assert bluesky_network.blocked() == []


GUARD_PROBE = """
require(process.argv[1])
const http = require('node:http')
const server = http.createServer((q, r) => r.end('local ok')).listen(0, () => {
  const port = server.address().port
  console.log('bound ' + server.address().address)
  http.get(`http://localhost:${port}/`, (r) => r.on('data', (d) => {
    console.log(String(d))
    http.get('http://example.com/', () => console.log('outside reached'))
      .on('error', () => fetch('http://192.0.2.1/').then(() => console.log('outside reached'))
        .catch(() => require('node:dns').resolveTxt('_atproto.example.com', () => server.close())))
  }))
})
"""


def test_the_guard_keeps_node_on_this_computer(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    guard = Path(__file__).parent / "bluesky_pds" / "loopback_only.js"
    run = subprocess.run(
        [node, "-e", GUARD_PROBE, str(guard)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["bound 127.0.0.1", "local ok"]
    blocked = [line for line in run.stderr.splitlines() if line.startswith(BLOCKED_PREFIX)]
    assert blocked == [
        f"{BLOCKED_PREFIX} connection to example.com:80",
        f"{BLOCKED_PREFIX} connection to 192.0.2.1:80",
        f"{BLOCKED_PREFIX} DNS query resolveTxt(_atproto.example.com)",
    ]
