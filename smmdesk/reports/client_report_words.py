"""Numbers as the client report (and its CSV) writes them, in plain English.

``None`` is a number the network does not give, or that a period cannot
have (no answer, no median): it is written "not available", never 0. A
change is written against the previous period: counts with their percentage
("+120 (+3.2%)"), rates and shares in percentage points ("+0.4 pp", since a
"+10%" of a 3% rate is ambiguous), response times in working time.
"""

from __future__ import annotations

from smmdesk.core.analytics import Change

__all__ = ["NOT_AVAILABLE", "change_words", "count", "minutes_words", "percent"]

NOT_AVAILABLE = "not available"


def count(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{round(value):,}"


def percent(fraction: float | None, decimals: int = 0) -> str:
    """0.034 -> "3.4%" (``decimals`` 1); None -> "not available"."""
    if fraction is None:
        return NOT_AVAILABLE
    return f"{fraction * 100:.{decimals}f}%"


def minutes_words(minutes: float | None) -> str:
    """Working minutes as "45 min", "2 h 05 min", "1 day 3 h" (of 24 working hours)."""
    if minutes is None:
        return NOT_AVAILABLE
    total = round(minutes)
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    if hours < 48:
        return f"{hours} h {mins:02d} min"
    return f"{hours} h"


def _signed(value: float, text: str) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def change_words(ch: Change, kind: str) -> tuple[str, int | None]:
    """The change as words and its sign (1, 0, -1; None when it cannot be said).

    ``kind``: "count", "points" (a fraction compared in percentage points)
    or "minutes".
    """
    if ch.current is None:
        return "", None
    if ch.delta is None:
        return "no figure for the period before", None
    delta = ch.delta
    sign = (delta > 0) - (delta < 0)
    if kind == "points":
        return _signed(delta, f"{abs(delta) * 100:.1f} pp"), sign if abs(delta) >= 5e-4 else 0
    if kind == "minutes":
        return _signed(delta, minutes_words(abs(delta))), sign if abs(delta) >= 0.5 else 0
    text = _signed(delta, f"{abs(round(delta)):,}")
    if ch.percent is not None and delta:
        text += f" ({'+' if ch.percent > 0 else '−'}{abs(ch.percent):.1f}%)"
    return text, sign
