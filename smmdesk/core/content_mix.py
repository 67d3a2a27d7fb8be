"""Rule 6 of SMM-PRACTICE: vary the content types.

Every post has a content type (``vocabulary.ContentType``); each client may
have a target mix, e.g. 30% photos and 20% questions. The calendar shows the
week's actual mix beside the target and says in plain words what is off.

Why the thresholds:

- Nothing is judged before ``min_posts`` posts exist: on a Monday morning
  with one post planned, "100% photos" is not news.
- A type is *dominant* when it holds more than ``dominance_share`` of the
  posts, whatever the target says: a feed of one type bores the audience.
- A type well above its target (by more than :data:`OVERSHOOT`) is flagged
  too, so "half of the posts are promotions when the plan says 10%" is
  said even though half is not more than half.
- A type the plan asks for that has no post at all is flagged; a type that
  is merely a little under target is not (too noisy to be useful mid-week).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from smmdesk.core.vocabulary import ContentType

OVERSHOOT = 0.25  # share above target (0..1) that earns a warning

_PLURALS = {
    ContentType.PHOTO: "photos",
    ContentType.VIDEO: "videos",
    ContentType.TEXT: "text posts",
    ContentType.QUESTION: "questions",
    ContentType.LINK: "link posts",
    ContentType.TESTIMONIAL: "testimonials",
    ContentType.FAQ: "FAQ posts",
    ContentType.NEWS: "news posts",
    ContentType.PROMOTION: "promotions",
    ContentType.EVENT: "event posts",
    ContentType.OTHER: "other posts",
}


@dataclass(frozen=True)
class MixReport:
    counts: dict[str, int]
    shares: dict[str, float]  # 0..1
    target: dict[str, float]  # 0..1, normalised
    dominant: str | None
    warnings: list[str] = field(default_factory=list)


def label_for(content_type: str) -> str:
    """A type's display label: ``ContentType(value).label`` for known types."""
    try:
        return ContentType(content_type).label
    except ValueError:
        return content_type.replace("_", " ").capitalize()


def _plural(content_type: str) -> str:
    try:
        return _PLURALS[ContentType(content_type)]
    except ValueError:
        return f"“{label_for(content_type)}” posts"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def parse_target_mix(json_text: str) -> dict[str, float]:
    """The target weights stored as JSON, e.g. ``{"photo": 30, "question": 20}``.

    Weights are returned as given (not normalised; :func:`analyse_mix` does
    that). Never raises: bad JSON, a non-object, a non-numeric, negative or
    non-finite weight gives ``{}``, because a half-understood plan would
    produce confident but wrong warnings.
    """
    try:
        data = json.loads(json_text) if json_text else None
    except (ValueError, TypeError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    target: dict[str, float] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            return {}
        weight = float(value)
        if not math.isfinite(weight) or weight < 0 or not str(key).strip():
            return {}
        target[str(key).strip()] = weight
    return target


def _normalise(target: Mapping[str, float]) -> dict[str, float]:
    clean = {k: float(v) for k, v in target.items() if math.isfinite(v) and v > 0}
    total = sum(clean.values())
    return {k: v / total for k, v in clean.items()} if total > 0 else {}


def _share_words(content_type: str, count: int, total: int) -> str:
    noun = _plural(content_type)
    if count == total:
        return f"All of this week's posts are {noun}"
    if count * 2 == total:
        return f"Half of this week's posts are {noun}"
    return f"{count} of this week's {total} posts are {noun} ({_percent(count / total)})"


def analyse_mix(
    counts: Mapping[str, int],
    target: Mapping[str, float],
    dominance_share: float = 0.5,
    min_posts: int = 4,
) -> MixReport:
    """This week's mix against the target, with warnings in plain words.

    ``counts`` maps content type values to post counts; ``target`` maps them
    to weights in any unit (percentages, parts) and is normalised here.
    """
    norm_target = _normalise(target)
    all_counts = {k: max(int(v), 0) for k, v in counts.items()}
    for key in norm_target:
        all_counts.setdefault(key, 0)
    total = sum(all_counts.values())
    shares = {k: (v / total if total else 0.0) for k, v in all_counts.items()}

    dominant: str | None = None
    warnings: list[str] = []
    if total >= max(min_posts, 1):
        leaders = sorted(all_counts, key=lambda k: (-all_counts[k], k))
        if leaders and shares[leaders[0]] > dominance_share:
            dominant = leaders[0]
        # the most frequent type first, so the biggest problem is read first
        for key in leaders:
            share = shares[key]
            if not all_counts[key]:
                continue
            wanted = norm_target.get(key)
            if key != dominant and (wanted is None or share - wanted <= OVERSHOOT):
                continue
            if wanted is not None:
                plan = f"the plan says {_percent(wanted)}."
            elif norm_target:
                plan = "the plan has none."
            else:
                plan = "vary the content types."
            warnings.append(f"{_share_words(key, all_counts[key], total)}; {plan}")
        for key in sorted(norm_target, key=lambda k: (-norm_target[k], k)):
            if all_counts[key] == 0:
                warnings.append(
                    f"No {_plural(key)} this week; the plan asks for {_percent(norm_target[key])}."
                )
    return MixReport(
        counts=all_counts,
        shares=shares,
        target=norm_target,
        dominant=dominant,
        warnings=warnings,
    )
