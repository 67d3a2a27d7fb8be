"""The parent's handle on a benchmark's fake servers, run in a child process.

The fakes answer on 127.0.0.1 from another process, so their request
handling neither shares the measured process's GIL nor shows up as a stall
that real, remote servers would never cause. The child is the benchmark
script itself run with ``--serve``; parent and child talk one JSON object
per line (``{"cmd": ..., ...}`` in, the answer out).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


class FakeChild:
    def __init__(self, script: str, errors: Path) -> None:
        self._errors = errors.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, script, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
            # Lower priority: on a small machine the fakes should not take the
            # CPU from what is being measured (real servers are remote).
            preexec_fn=lambda: os.nice(10),
        )
        self._read()

    def _read(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the fakes stopped; see {self._errors.name}")
        return json.loads(line)

    def ask(self, command: str, **args: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": command, **args}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def ask_quit(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write('{"cmd": "quit"}\n')
        self.proc.stdin.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.ask_quit()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
        self._errors.close()
