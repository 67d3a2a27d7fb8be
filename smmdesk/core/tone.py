"""Tone check for replies to negative comments (SMM-PRACTICE rule 3).

In a heated thread the brand answers calmly, officially and without emotion.
Before a reply to a complaint is sent, the app points out what reads as
agitated: words in capitals (shouting), runs of exclamation marks, and words
the client asked never to use. It only advises: the manager decides.

Shouting is a run of two or more words in capitals with at least one of three
letters or more ("NEVER AGAIN", "WE ARE SO SORRY"), or a text of twelve
letters or more that is mostly capitals. A lone acronym ("FAQ", "USA", "OK")
is not shouting, nor are well-known acronyms side by side ("EU VAT"). Case
works the same in Cyrillic; scripts without case (Amharic) never shout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SHOUTING = "shouting"
EXCLAMATIONS = "exclamations"
FLAGGED_WORD = "flagged_word"

#: Longest reply read; a reply is short, this only bounds the work.
MAX_CHARS = 20_000

#: Acronyms that are written in capitals for a reason.
ACRONYMS = frozenset(
    {
        *("OK", "FAQ", "USA", "UK", "US", "EU", "UN", "VAT", "DM", "PM", "PDF", "URL"),
        *("ID", "SMS", "TV", "CEO", "GPS", "ATM", "NGO", "LLC", "LTD", "SIA", "AS", "IT"),
        *("HR", "PR", "QR", "IBAN", "PIN", "COVID", "HTML", "API", "APP", "USB", "LED"),
        *("ООО", "ИП", "РФ", "ЕС", "США", "СМС", "ОК"),
    }
)

_WORD = re.compile(r"[^\W\d_]+")
# Exclamation marks of every kind, with question marks mixed in ("!?!").
_BANG_RUN = re.compile(r"[!?‼⁉❗❕！？]{2,}|[‼⁉]")
_BANGS = {"!": 1, "！": 1, "❗": 1, "❕": 1, "‼": 2, "⁉": 1}
_BEFORE_BANG = re.compile(r"\S{0,20}$")


@dataclass(frozen=True)
class ToneIssue:
    kind: str  # "shouting" | "exclamations" | "flagged_word"
    excerpt: str
    message: str


def parse_word_list(text: str) -> list[str]:
    """Words from an editor: one a line or comma-separated; trimmed, repeats dropped."""
    words: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        for part in line.split(","):
            word = " ".join(part.split())
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                words.append(word)
    return words


def _word_pattern(word: str) -> re.Pattern[str] | None:
    """A flagged word as a whole-word, any-case pattern; a trailing * is any ending."""
    pieces = []
    for part in word.split():
        stem = part.endswith("*")
        core = part.rstrip("*")
        if core:
            pieces.append(re.escape(core) + (r"\w*" if stem else ""))
    if not pieces:
        return None
    pattern = r"\s+".join(pieces)
    core_text = word.strip().rstrip("*")
    if re.match(r"\w", core_text):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", core_text) and not word.strip().endswith("*"):
        pattern += r"(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def _shouting(text: str) -> list[tuple[int, ToneIssue]]:
    upper = sum(1 for char in text if char.isupper())
    lower = sum(1 for char in text if char.islower())
    if upper + lower >= 12 and upper > (upper + lower) / 2:
        excerpt = _shorten(text.strip())
        return [
            (
                0,
                ToneIssue(
                    SHOUTING,
                    excerpt,
                    "Most of the reply is in capitals, which reads as shouting; "
                    "write it in normal case.",
                ),
            )
        ]
    issues: list[tuple[int, ToneIssue]] = []
    run: list[re.Match[str]] = []
    for match in [*_WORD.finditer(text), None]:
        if match is not None and match.group().isupper():
            run.append(match)
            continue
        counted = [m.group() for m in run if len(m.group()) >= 2 and m.group() not in ACRONYMS]
        if len(counted) >= 2 and any(len(word) >= 3 for word in counted):
            excerpt = text[run[0].start() : run[-1].end()]
            issues.append(
                (
                    run[0].start(),
                    ToneIssue(
                        SHOUTING,
                        excerpt,
                        f"“{_shorten(excerpt)}” reads as shouting; write it in normal case.",
                    ),
                )
            )
        run = []
    return issues


def _exclamations(text: str) -> list[tuple[int, ToneIssue]]:
    issues = []
    for match in _BANG_RUN.finditer(text):
        if sum(_BANGS.get(char, 0) for char in match.group()) < 2:
            continue  # "?!" or "??" is a question, not agitation
        before = _BEFORE_BANG.search(text, 0, match.start())
        excerpt = (before.group() if before else "") + match.group()
        issues.append(
            (
                match.start(),
                ToneIssue(
                    EXCLAMATIONS,
                    excerpt,
                    f"“{excerpt}”: several exclamation marks read as agitated; "
                    "one at most sounds calmer.",
                ),
            )
        )
    return issues


def _flagged(text: str, flagged_words: Sequence[str]) -> list[tuple[int, ToneIssue]]:
    issues = []
    seen: set[str] = set()
    for word in flagged_words:
        pattern = _word_pattern(word) if isinstance(word, str) else None
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            found = match.group()
            if found.casefold() in seen:
                continue
            seen.add(found.casefold())
            issues.append(
                (
                    match.start(),
                    ToneIssue(
                        FLAGGED_WORD,
                        found,
                        f"“{found}” is on this client's list of words to avoid in replies.",
                    ),
                )
            )
    return issues


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check_tone(text: str, flagged_words: Sequence[str] = ()) -> list[ToneIssue]:
    """What in ``text`` may read as agitated, in the order it appears."""
    if not text:
        return []
    text = text[:MAX_CHARS]
    found = _shouting(text) + _exclamations(text) + _flagged(text, flagged_words)
    found.sort(key=lambda pair: pair[0])
    return [issue for _position, issue in found]
