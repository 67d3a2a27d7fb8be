from __future__ import annotations

from collections.abc import Iterator

import pytest

from smmdesk.platforms.bluesky_session import forget_sessions


@pytest.fixture(autouse=True)
def _fresh_bluesky_sessions() -> Iterator[None]:
    """Bluesky sessions are cached per process: no test sees another's login."""
    forget_sessions()
    yield
    forget_sessions()
