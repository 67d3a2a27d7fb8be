"""Weekday themes: one recurring idea per day of the week.

Practitioners plan a week around themes (Motivation Monday, Tuesday Tip...)
so that an empty day still has a starting point. Each client picks its own;
the calendar shows the day's theme and offers it when drafting. Themes are
stored as a small JSON object on the client, keyed "0".."6" (Monday = 0, as
``date.weekday()``), because JSON object keys are strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

DEFAULT_THEMES: dict[int, str] = {
    0: "Motivation Monday",
    1: "Tuesday Tip",
    2: "Wisdom Wednesday",
    3: "Throwback Thursday",
    4: "Follow Friday",
    5: "Selfie Saturday",
    6: "Sunday Funday",
}


def parse_themes(json_text: str) -> dict[int, str]:
    """The themes stored in ``json_text``; never raises.

    Stored settings outlive code versions and may be hand-edited, so this is
    tolerant: anything that is not a JSON object gives ``{}``, and entries
    with a key outside "0".."6" or a blank/non-string value are skipped (a
    blank theme means "no theme that day").
    """
    try:
        data = json.loads(json_text) if json_text else None
    except (ValueError, TypeError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    themes: dict[int, str] = {}
    for key, value in data.items():
        if not (isinstance(key, str) and key.strip() in {str(d) for d in range(7)}):
            continue
        if isinstance(value, str) and value.strip():
            themes[int(key)] = value.strip()
    return dict(sorted(themes.items()))


def dump_themes(themes: Mapping[int, str]) -> str:
    """The JSON text :func:`parse_themes` reads back; blank themes are dropped."""
    data = {
        str(day): name.strip()
        for day, name in sorted(themes.items())
        if 0 <= day <= 6 and name.strip()
    }
    return json.dumps(data, ensure_ascii=False)


def theme_for(day: date, themes: Mapping[int, str]) -> str | None:
    """The theme of ``day``'s weekday, or None when that weekday has none."""
    name = themes.get(day.weekday())
    return name if name and name.strip() else None
