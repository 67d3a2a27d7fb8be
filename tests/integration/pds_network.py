"""The reference Bluesky servers, started for a test session and removed after.

``running_network()`` creates a throwaway PostgreSQL cluster (the AppView and
Ozone keep their data there), starts ``bluesky_pds/launcher.js`` (the npm
package ``@atproto/dev-env``: PLC directory, PDS, AppView) against it, waits
for the launcher's one-line JSON "ready" message and yields the URLs. On the
way out it stops the launcher, stops PostgreSQL and removes every folder it
made, also when starting failed half-way.

Everything listens on 127.0.0.1 only: PostgreSQL by its configuration (and a
Unix socket inside the scratch folder), the Node servers because the launcher
forces every ``listen`` there. ``listening_addresses()`` lets a test check.

Run ``python -m tests.integration.pds_network`` (or ``.ci/bluesky-pds start``)
to get a network to try things against by hand; Ctrl-C stops it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PDS_DIR = HERE / "bluesky_pds"
ROOT = HERE.parents[1]
INSTALL_SCRIPT = ROOT / ".ci" / "bluesky-pds"
READY_TIMEOUT = 120.0
BLOCKED_PREFIX = "smmdesk-launcher: blocked"
SCRATCH_PREFIX = "smmdesk-pds-"
OWNER_FILE = "owner.pid"


class NetworkError(RuntimeError):
    """The servers could not be installed or started; the message says why."""


@dataclass(frozen=True)
class Network:
    pds: str
    appview: str
    plc: str
    startup_seconds: float
    launcher_pid: int
    postgres_pid: int
    launcher_log: Path

    def blocked(self) -> list[str]:
        """Connections or lookups beyond 127.0.0.1 that the launcher refused."""
        try:
            text = self.launcher_log.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.startswith(BLOCKED_PREFIX)]


# --- installing -------------------------------------------------------------------


def install_node_modules() -> None:
    """``npm ci`` unless node_modules is current; raises NetworkError with npm's output."""
    run = subprocess.run(
        ["bash", str(INSTALL_SCRIPT), "install"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if run.returncode != 0:
        output = (run.stdout + run.stderr).strip()[-4000:]
        raise NetworkError(f"{INSTALL_SCRIPT} install failed:\n{output}")


# --- PostgreSQL ---------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """initdb/pg_ctl: on PATH, or in Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: Path) -> int:
        digits = re.sub(r"\D", "", path.parts[-3])
        return int(digits or 0)

    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if not candidates:
        raise NetworkError(
            f"PostgreSQL's {name} was not found; the Bluesky AppView needs a local "
            "PostgreSQL server: sudo apt install postgresql"
        )
    return str(candidates[-1])


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root: run the server tools as the postgres user."""
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise NetworkError(
            "running as root, but there is no 'postgres' user to run PostgreSQL as; "
            "sudo apt install postgresql"
        ) from None
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *command]
    import shlex

    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], what: str, timeout: float = 120) -> None:
    run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if run.returncode != 0:
        raise NetworkError(f"{what} failed:\n{(run.stdout + run.stderr).strip()[-3000:]}")


@dataclass(frozen=True)
class Cluster:
    url: str
    pid: int  # the postmaster's
    stop_command: list[str]


@contextlib.contextmanager
def postgres_cluster(folder: Path) -> Iterator[Cluster]:
    """A new cluster in ``folder`` on 127.0.0.1, stopped and left for removal after."""
    data, sockets = folder / "data", folder / "sock"
    folder.mkdir(parents=True)
    sockets.mkdir()
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        for path in (folder, sockets):
            os.chown(path, postgres.pw_uid, postgres.pw_gid)
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    _run(
        _as_postgres(
            [
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        ),
        "initdb",
    )
    port = free_port()
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{sockets}'",
        "max_connections": "200",
        # A throwaway database: speed over durability.
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
    }
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\n# smmdesk integration tests\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    log = folder / "postgres.log"
    stop = _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
    started = False
    try:
        _run(
            _as_postgres([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"]),
            "starting PostgreSQL",
            timeout=90,
        )
        started = True
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield Cluster(f"postgresql://postgres@127.0.0.1:{port}/postgres", pid, stop)
    finally:
        if started or (data / "postmaster.pid").exists():
            subprocess.run(stop, capture_output=True, timeout=60, check=False)


# --- the Node launcher ----------------------------------------------------------------


def _launcher_env(scratch: Path, cluster: Cluster) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(
        TMPDIR=str(scratch),
        DB_POSTGRES_URL=cluster.url,
        # TestNetwork asserts it is set; nothing connects to it.
        REDIS_HOST="127.0.0.1",
        NO_PROXY="*",
        # If this process dies without cleaning up, the launcher still stops PostgreSQL.
        SMMDESK_PDS_ON_EXIT=json.dumps(cluster.stop_command),
    )
    return env


def _wait_ready(process: subprocess.Popen[bytes], out: Path, err: Path) -> dict[str, object]:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        for line in out.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                message = json.loads(line)
                if isinstance(message, dict) and message.get("smmdesk_pds") == "ready":
                    return message
                if isinstance(message, dict) and message.get("smmdesk_pds") == "failed":
                    error = message.get("error")
                    raise NetworkError(f"the Bluesky servers did not start:\n{error}")
        if process.poll() is not None:
            tail = err.read_text(errors="replace")[-3000:]
            raise NetworkError(f"the launcher exited with {process.returncode}:\n{tail}")
        time.sleep(0.1)
    raise NetworkError(f"the Bluesky servers were not up after {READY_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End of stdin asks for a clean shutdown; then SIGTERM, then SIGKILL of its group."""
    if process.poll() is None and process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    for sig, wait in ((None, 20.0), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        if sig is not None and process.poll() is None:
            # Its own process group (start_new_session): the launcher and
            # anything it started, nothing else.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
            return


@contextlib.contextmanager
def running_network(node: str) -> Iterator[Network]:
    """PostgreSQL + the dev-env servers, all on 127.0.0.1, removed afterwards."""
    if not (PDS_DIR / "node_modules" / "@atproto" / "dev-env").is_dir():
        raise NetworkError(f"@atproto/dev-env is not installed: run {INSTALL_SCRIPT} install")
    reap_abandoned()
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    try:
        scratch.chmod(0o711)  # the postgres user must reach its folder inside
        (scratch / OWNER_FILE).write_text(str(os.getpid()))
        node_tmp = scratch / "tmp"
        node_tmp.mkdir()
        with postgres_cluster(scratch / "pg") as cluster:
            out, err = scratch / "launcher.out", scratch / "launcher.err"
            with out.open("wb") as out_file, err.open("wb") as err_file:
                process = subprocess.Popen(
                    [node, str(PDS_DIR / "launcher.js")],
                    cwd=PDS_DIR,
                    env=_launcher_env(node_tmp, cluster),
                    stdin=subprocess.PIPE,
                    stdout=out_file,
                    stderr=err_file,
                    start_new_session=True,
                )
            try:
                ready = _wait_ready(process, out, err)
                yield Network(
                    pds=str(ready["pds"]),
                    appview=str(ready["appview"]),
                    plc=str(ready["plc"]),
                    startup_seconds=float(str(ready["startup_seconds"])),
                    launcher_pid=process.pid,
                    postgres_pid=cluster.pid,
                    launcher_log=err,
                )
            finally:
                _stop(process)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def reap_abandoned() -> None:
    """Stop and remove the cluster of an earlier run that was killed (kill -9).

    The launcher goes by itself when its stdin closes, but PostgreSQL runs as a
    daemon: a run that could not clean up leaves it behind. Only folders this
    module made are touched, and only when the process that made them is gone.
    """
    for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        try:
            owner = int((scratch / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not ours, or not finished being made
        if _alive(owner):
            continue
        data = scratch / "pg" / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(NetworkError, subprocess.SubprocessError):
                command = [_pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                subprocess.run(_as_postgres(command), capture_output=True, timeout=60, check=False)
        shutil.rmtree(scratch, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- checks -------------------------------------------------------------------------


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket ``pid`` listens on, from /proc (Linux)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table, width in (("tcp", 8), ("tcp6", 32)):
        with contextlib.suppress(OSError):
            lines = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
            for line in lines:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state != "0A" or inode not in inodes:  # 0A = LISTEN
                    continue
                address, port = local.split(":")
                found.add((_proc_address(address, width), int(port, 16)))
    return found


def _proc_address(hex_address: str, width: int) -> str:
    """/proc/net/tcp* hold addresses as host-order 32-bit words in hex."""
    raw = b"".join(
        int(hex_address[i : i + 8], 16).to_bytes(4, "little") for i in range(0, width, 8)
    )
    family = socket.AF_INET if width == 8 else socket.AF_INET6
    return socket.inet_ntop(family, raw)


def main() -> None:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed")
    install_node_modules()
    with running_network(node) as network:
        print(f"PDS      {network.pds}")
        print(f"AppView  {network.appview}")
        print(f"PLC      {network.plc}")
        print(f"(up in {network.startup_seconds:.1f} s; Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
