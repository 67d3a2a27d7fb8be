"""How each network is marked wherever it is shown: a letter on a coloured badge.

The table is plain data so that every layer can use the same marks: the Qt
widgets draw them as icons (``ui.theme``) and the review pack prints them on
paper (``reports``), which may not import ``ui``. The colours are the
networks' brand colours, approximately.
"""

from __future__ import annotations

__all__ = ["PLATFORM_BADGES", "UNKNOWN_BADGE", "platform_badge"]

PLATFORM_BADGES: dict[str, tuple[str, str]] = {
    # platform id: (letter, colour)
    "sandbox": ("S", "#8e6cef"),
    "telegram": ("T", "#2aa3df"),
    "mastodon": ("M", "#6364ff"),
    "bluesky": ("B", "#1185fe"),
    "vk": ("V", "#0077ff"),
    "facebook": ("F", "#1877f2"),
    "instagram": ("I", "#d62976"),
}

#: The badge of a platform id no connector knows (a profile from a newer version).
UNKNOWN_BADGE: tuple[str, str] = ("?", "#7a8294")


def platform_badge(platform: str) -> tuple[str, str]:
    """The (letter, colour) of a platform id, or the neutral badge for an unknown one."""
    return PLATFORM_BADGES.get(platform, UNKNOWN_BADGE)
