"""Writing an exported file so that a failed export never leaves half of it.

Every export (the iCalendar schedule, the review pack PDF) is built in memory
first and then handed here: the bytes go to a temporary file in the target
folder, are flushed to disk, and the file is moved over the target in one
step. A crash or a full disk leaves either the old file or the new one, and
the temporary file is removed again.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
