"""Start-up benchmark: SMM Desk on a large profile against a bare Qt window.

    python bench/startup.py [--runs N] [--keep DIR]      (or: make bench)

Generates a profile once (10,000 posts, 100,000 inbox items: see
make_profile.py), then starts, alternately, ``python -m smmdesk --profile DIR
--exit-after-paint`` and ``bench/baseline_window.py`` (a three-tab window with
one QtCharts chart). Each run is timed from just before the process is spawned
to the moment it prints ``painted maxrss_kb=N`` after its window's first
paint (the app paints its real data, read with sqlite3), and for the app also
to ``ready``: the ORM, vault and sync engine loaded behind the painted
window. One unrecorded warm-up run of each comes first: it fills the disk
cache and, like any first start, writes the app's .pyc files, even where the
environment says PYTHONDONTWRITEBYTECODE (an installed app has them: pip
compiles at install, the PyInstaller bundle ships them); the timed runs get
the environment as it is.

The profile is generated in a child process on purpose: on Linux a child's
ru_maxrss starts from the RSS of the process that spawned it (the peak is
carried over exec), so this script must stay small for the RSS figures to
mean anything. Prints:

    metric startup_ratio <x.xx> x             median app / median baseline
    metric startup_rss_delta_mb <n.n> MB      median peak RSS (app when ready) - baseline
    metric startup_app_median_ms <n> ms
    metric startup_baseline_median_ms <n> ms
    metric startup_ready_ratio <x.xx> x       app fully loaded / baseline painted
    metric startup_ready_median_ms <n> ms

Target: ratio <= 1.5 and RSS delta <= 150 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PAINTED = re.compile(r"^(painted|ready) maxrss_kb=(\d+)\s*$")
TIMEOUT_S = 90


class RunFailed(RuntimeError):
    pass


def run_once(command: list[str], warm_up: bool = False) -> tuple[float, float, int]:
    """Seconds to the "painted" line and to the "ready" line, and the peak RSS (kB).

    The app paints its window with real data first and prints ``painted``,
    then loads the ORM, the vault and the sync engine and prints ``ready``;
    the baseline only paints, so its ready time is its paint time. A warm-up
    run may write bytecode (see the module's docstring).
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    if warm_up:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=errors, text=True
        )
        seen: dict[str, tuple[float, int]] = {}
        assert proc.stdout is not None
        for line in proc.stdout:
            match = PAINTED.match(line)
            if match:
                seen[match.group(1)] = (time.perf_counter() - started, int(match.group(2)))
        proc.stdout.close()
        try:
            code = proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        if "painted" not in seen or code != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-2000:]
            raise RunFailed(f"{' '.join(command)} exited {code} without painting:\n{tail}")
    painted_s, _ = seen["painted"]
    ready_s, peak_kb = seen.get("ready", seen["painted"])
    return painted_s, ready_s, peak_kb


def measure(profile: Path, runs: int) -> dict[str, list[tuple[float, float, int]]]:
    commands = {
        "app": [
            sys.executable,
            "-m",
            "smmdesk",
            "--profile",
            str(profile),
            "--exit-after-paint",
        ],
        "baseline": [sys.executable, str(BENCH / "baseline_window.py")],
    }
    for command in commands.values():  # warm-up: disk cache, .pyc files
        run_once(command, warm_up=True)
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for n in range(runs):
        # Alternate the order as well, so neither side always runs second.
        order = list(commands) if n % 2 == 0 else list(reversed(commands))
        for name in order:
            results[name].append(run_once(commands[name]))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="SMM Desk start-up benchmark")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--inbox", type=int, default=100_000)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="generate the profile in DIR and keep it"
    )
    args = parser.parse_args()

    scratch = None
    if args.keep:
        profile = args.keep.resolve()
    else:
        scratch = Path(tempfile.mkdtemp(prefix="smmdesk-bench-"))
        profile = scratch / "profile"
    try:
        if not (profile / "smmdesk.sqlite3").exists():
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "make_profile.py"),
                    str(profile),
                    f"--posts={args.posts}",
                    f"--inbox={args.inbox}",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            print(
                f"profile: {args.posts} posts, {args.inbox} inbox items "
                f"generated in {time.perf_counter() - started:.1f} s"
            )
        results = measure(profile, args.runs)
    except RunFailed as exc:
        print(f"startup benchmark FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    for name, runs in results.items():
        times = " ".join(f"{painted * 1000:.0f}" for painted, _, _ in runs)
        ready = " ".join(f"{ready * 1000:.0f}" for _, ready, _ in runs)
        rss = " ".join(f"{kb / 1024:.0f}" for _, _, kb in runs)
        print(f"{name}: painted ms [{times}], ready ms [{ready}], peak RSS MB [{rss}]")
    app = results["app"]
    base = results["baseline"]
    app_s = statistics.median(r[0] for r in app)
    base_s = statistics.median(r[0] for r in base)
    ready_s = statistics.median(r[1] for r in app)
    app_kb = statistics.median(r[2] for r in app)
    base_kb = statistics.median(r[2] for r in base)
    print(f"metric startup_ratio {app_s / base_s:.2f} x")
    print(f"metric startup_rss_delta_mb {(app_kb - base_kb) / 1024:.1f} MB")
    print(f"metric startup_app_median_ms {app_s * 1000:.0f} ms")
    print(f"metric startup_baseline_median_ms {base_s * 1000:.0f} ms")
    print(f"metric startup_ready_ratio {ready_s / base_s:.2f} x")
    print(f"metric startup_ready_median_ms {ready_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
