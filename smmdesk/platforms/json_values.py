"""Reading fields from a network's JSON without trusting its shape.

Every connector reads answers that may carry a string where a number was
promised, ``null`` for a list, or nothing at all; these readers turn any
such surprise into an empty value, so parsing code never raises KeyError or
TypeError on a hostile or broken answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def int_of(data: Any, key: str, lo: int = 0, hi: int = 10**12) -> int | None:
    """A whole number (a digit string and a finite float are accepted), clamped."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit()):  # "¹" is a digit to isdigit()
            return None
        value = int(digits[:15])
    if isinstance(value, int):
        return min(max(value, lo), hi)
    if isinstance(value, float) and value == value and abs(value) < 1e15:
        return min(max(int(value), lo), hi)
    return None


def dict_of(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, dict) else {}


def list_of(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, list) else []
