"""What makes a client's settings valid, with messages a person can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from smmdesk.core.clock import is_valid_zone

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class ClientSettings:
    name: str
    colour: str = "#3d6df2"
    timezone: str = "UTC"
    country: str = ""
    work_start_minute: int = 9 * 60
    work_end_minute: int = 18 * 60
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    reply_target_hours: float = 6.0
    max_posts_per_day: int = 3
    min_gap_minutes: int = 120
    link_policy: str = "free"
    notes: str = ""
    weekday_themes: dict[int, str] = field(default_factory=dict)  # Monday = 0
    target_mix: dict[str, float] = field(default_factory=dict)  # content type -> weight
    content_types: tuple[str, ...] = ()  # offered in the composer; () = all


def parse_work_days(text: str) -> tuple[int, ...]:
    days = {int(part) for part in text.split(",") if part.strip().isdigit()}
    return tuple(sorted(d for d in days if 0 <= d <= 6))


def format_work_days(days: tuple[int, ...]) -> str:
    return ",".join(str(d) for d in sorted(set(days)))


def validate(settings: ClientSettings) -> list[str]:
    """Every problem with the settings; an empty list means they can be saved."""
    problems = []
    if not settings.name.strip():
        problems.append("Give the client a name.")
    elif len(settings.name) > 200:
        problems.append("The name is longer than 200 characters.")
    if not HEX_COLOUR.match(settings.colour):
        problems.append("Pick a colour for the client.")
    if not is_valid_zone(settings.timezone):
        problems.append(f"“{settings.timezone}” is not a time zone; choose one like Europe/Riga.")
    if settings.country and not re.fullmatch(r"[A-Z]{2}", settings.country):
        problems.append("Country is a two-letter code such as LV, ET or UA.")
    if not 0 <= settings.work_start_minute < settings.work_end_minute <= 24 * 60:
        problems.append("Working hours must end after they start.")
    if not settings.work_days:
        problems.append("Choose at least one working day.")
    if not 0.5 <= settings.reply_target_hours <= 168:
        problems.append("The reply target is between half an hour and 168 working hours.")
    if not 1 <= settings.max_posts_per_day <= 50:
        problems.append("Posts per day is between 1 and 50.")
    if not 0 <= settings.min_gap_minutes <= 24 * 60:
        problems.append("The gap between posts is between 0 and 1440 minutes.")
    if settings.link_policy not in ("free", "justify"):
        problems.append("Unknown link policy.")
    if any(weight < 0 for weight in settings.target_mix.values()):
        problems.append("Shares in the target mix cannot be negative.")
    if settings.target_mix and sum(settings.target_mix.values()) <= 0:
        problems.append("The target mix needs at least one content type with a share.")
    return problems
