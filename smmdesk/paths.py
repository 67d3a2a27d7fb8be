"""Where a profile keeps its files.

A profile is one folder: the database, the media store, the logs and the
sandbox network's state. The default profile lives in the platform's data
folder (platformdirs); ``--profile DIR`` and the demo use other folders, so a
demo or a test never touches the user's real data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from smmdesk import APP_ID

_DIRS = PlatformDirs(APP_ID, appauthor=False)


@dataclass(frozen=True)
class ProfilePaths:
    root: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.root / "smmdesk.sqlite3"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def sandbox_state(self) -> Path:
        return self.root / "sandbox-network.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "smmdesk.log"

    def ensure(self) -> ProfilePaths:
        for folder in (self.root, self.media, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            # The profile holds client data: keep it private to the user.
            self.root.chmod(0o700)
        return self


def default_profile() -> ProfilePaths:
    return ProfilePaths(root=Path(_DIRS.user_data_dir), log_dir=Path(_DIRS.user_log_dir))


def demo_profile() -> ProfilePaths:
    root = Path(_DIRS.user_data_dir) / "demo"
    return ProfilePaths(root=root, log_dir=root / "logs")


def custom_profile(folder: str | os.PathLike[str]) -> ProfilePaths:
    root = Path(folder).expanduser().resolve()
    return ProfilePaths(root=root, log_dir=root / "logs")
