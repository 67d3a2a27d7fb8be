"""Triage: sorting inbox items into question, complaint, praise, spam or other.

The manager answers questions and complaints first and never deletes a
negative comment (SMM-PRACTICE rule 4), so every item gets a category on
arrival; the manager can correct it. Rules are sets of patterns per language
and category: the app ships defaults for English, Russian, Latvian and Amharic
(``core.triage_defaults``), and a client's own rules replace the defaults of
each language they name (languages they do not name keep the defaults).

The language of an item is guessed from its script and letters; its own
rules are tried first, then the English ones, because comments mix languages
("Super, спасибо!", links, "scam"). The first category that matches in the
order spam, complaint, question, praise wins ("Thanks, but where is my
refund?" is a complaint); nothing matching is "other".

Text from the network may be hostile. Only the first MAX_CHARS characters are
read; invisible formatting characters (zero-width spaces, right-to-left marks)
are dropped, control characters read as spaces, and compatibility forms are
folded (NFKC: "ｆｒｅｅ" reads as "free"), so that they cannot hide a word.
Classification never raises, and a regular expression that runs too long on a
text is given up (and, after a few such texts, ignored).

Speed: words and phrases are looked up in dictionaries over the text's words
rather than searched one by one, so a typical comment takes about 10-20
microseconds however many patterns a client has.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import regex

from smmdesk.core.triage_defaults import DEFAULT_RULES
from smmdesk.core.vocabulary import InboxCategory

log = logging.getLogger(__name__)

#: Shown in the rules editor.
PATTERN_HELP = """\
One pattern per line.
• A word or phrase matches whole words, in any case: “refund” finds “Refund” but not “refunded”.
• A * at the end of a word matches any ending: “refund*” finds refund, refunds, refunded;
  “возврат*” finds возврат, возврата, возвратом.
• A pattern between slashes is a regular expression, in any case: /t\\.me\\/\\S+/
Letters with and without marks differ (“maksā” is not “maksa”), so add both spellings
if people type without them. Spam is checked first, then complaints, questions, praise."""

#: Categories in the order they are tried; the first match decides.
CATEGORIES: tuple[str, ...] = (
    InboxCategory.SPAM.value,
    InboxCategory.COMPLAINT.value,
    InboxCategory.QUESTION.value,
    InboxCategory.PRAISE.value,
)
OTHER = InboxCategory.OTHER.value
LANGUAGES: tuple[str, ...] = ("en", "ru", "lv", "am")
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "lv": "Latvian", "am": "Amharic"}

#: Longest stretch of an item that is read; the rest cannot change much.
MAX_CHARS = 5_000
MAX_PATTERN = 300
#: Seconds one regular expression may spend on one text, and how many such
#: overruns make the classifier stop using it.
REGEX_TIMEOUT = 0.05
MAX_TIMEOUTS = 3

Rules = Mapping[str, Mapping[str, Sequence[str]]]

_TOKEN = re.compile(r"\w+")
_TOKENABLE = re.compile(r"[\w'’\-]+")
# Invisible formatting: soft hyphen, Arabic letter mark, zero-width and
# direction marks, embeddings and isolates, word joiners, variation selectors, BOM.
_FORMAT = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb]+"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]+")

_ETHIOPIC = re.compile("[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")
_CYRILLIC = re.compile("[\u0400-\u052f]")
_LATIN = re.compile("[a-z\u00c0-\u024f]", re.IGNORECASE)
_LINKISH = re.compile(r"(?:https?://|www\.)\S*|\S+\.[a-z]{2,}/\S*|[@#]\w+")
_LATVIAN_LETTERS = re.compile("[āčēģīķļņšūž]", re.IGNORECASE)
#: Everyday Latvian words that are not English, for text typed without marks.
_LATVIAN_WORDS = frozenset(
    {
        *("paldies", "labdien", "sveiki", "ludzu", "cik", "kad", "kur", "vai", "ir"),
        *("jums", "mums", "loti", "kapec", "nestrada", "strada", "lieliski", "briesmigi"),
        *("piegade", "veikals", "preci", "sudziba", "atbilde", "labi", "ari", "jau"),
    }
)


#: The shipped patterns, which are known to run fast.
_SHIPPED = frozenset(
    pattern
    for categories in DEFAULT_RULES.values()
    for patterns in categories.values()
    for pattern in patterns
)


@dataclass(frozen=True)
class Classification:
    category: str
    language: str
    matched: str  # the pattern that decided; "" for "other"


def _clean(text: str) -> str:
    """The text as the patterns see it: no invisible marks, compatibility forms folded."""
    if not text.isprintable():  # cheap test first: most comments have nothing to drop
        text = _CONTROL.sub(" ", _FORMAT.sub("", text))
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.replace("ё", "е").replace("Ё", "Е")


def detect_language(text: str) -> str:
    """The language code of ``text``: "am", "ru", "lv" or "en" (script and letters)."""
    sample = text[:MAX_CHARS].lower()
    return _detect(sample, None)


def _detect(low: str, tokens: list[str] | None) -> str:
    ethiopic, cyrillic = _ETHIOPIC.search(low), _CYRILLIC.search(low)
    if ethiopic or cyrillic:
        if not (ethiopic and cyrillic) and not _LATIN.search(low):
            return "am" if ethiopic else "ru"
        # mixed scripts: the one with most letters wins, links and @handles left
        # out; an Ethiopic letter is a whole syllable, so it counts twice
        letters = _LINKISH.sub(" ", low)
        counts = {
            "am": 2 * len(_ETHIOPIC.findall(letters)),
            "ru": len(_CYRILLIC.findall(letters)),
            "latin": len(_LATIN.findall(letters)),
        }
        winner = max(counts, key=lambda key: counts[key])
        if winner != "latin":
            return winner
    if _LATVIAN_LETTERS.search(low):
        return "lv"
    words = tokens if tokens is not None else _TOKEN.findall(low)
    return "lv" if not _LATVIAN_WORDS.isdisjoint(words) else "en"


# --- patterns ------------------------------------------------------------------------------

# A word-pattern: a tuple of (word, is_stem); a text matches when consecutive
# words of the text equal them (or start with them, for stems).
_Words = tuple[tuple[str, bool], ...]
# A test run on (lower-case text, cleaned text).
_Test = Callable[[str, str], bool]


class _RegexTest:
    """A regular expression; a user's one gives up on a text after REGEX_TIMEOUT.

    The shipped patterns and escaped words cannot backtrack badly, and a
    timeout costs about two microseconds a search, so only the expressions a
    user typed are guarded.
    """

    def __init__(self, compiled: regex.Pattern[str], source: str, guarded: bool) -> None:
        self.compiled = compiled
        self.source = source
        self.guarded = guarded
        self.timeouts = 0

    def __call__(self, low: str, clean: str) -> bool:
        if not self.guarded:
            return self.compiled.search(clean) is not None
        if self.timeouts >= MAX_TIMEOUTS:
            return False
        try:
            return self.compiled.search(clean, timeout=REGEX_TIMEOUT) is not None
        except TimeoutError:
            self.timeouts += 1
            log.warning("triage pattern %r took too long; skipped for this item", self.source)
            return False


def _substring_test(needle: str) -> _Test:
    return lambda low, clean: needle in low


def _compile(source: str) -> _Words | _Test | str:
    """A pattern as words to look up or as a test; a str is the reason it is invalid."""
    if len(source) > MAX_PATTERN:
        return f"longer than {MAX_PATTERN} characters"
    if len(source) >= 2 and source.startswith("/") and source.endswith("/"):
        body = _clean(source[1:-1])
        if not body:
            return "an empty regular expression"
        try:
            compiled = regex.compile(body, regex.IGNORECASE)
        except (regex.error, ValueError, OverflowError, RecursionError) as error:
            return str(error)
        try:
            if compiled.search("", timeout=REGEX_TIMEOUT) is not None:
                return "it matches an empty text, so it would match every message"
        except TimeoutError:
            return "it takes too long to run"
        return _RegexTest(compiled, source, guarded=source not in _SHIPPED)
    text = _clean(source).lower()
    words = text.split()
    if not words:
        return "it is empty"
    parts: list[tuple[str, bool]] = []
    tokenable = True
    for word in words:
        stem = word.endswith("*")
        core = word[:-1] if stem else word
        if "*" in core:
            return "a * goes at the end of a word"
        if not core:
            return "a * needs letters before it"
        if not _TOKENABLE.fullmatch(core):
            tokenable = False
        tokens = _TOKEN.findall(core)
        if stem and (not tokens or not core.endswith(tokens[-1]) or len(tokens[-1]) < 2):
            return "give at least two letters before a *"
        parts.extend((token, False) for token in tokens[:-1])
        if tokens:
            parts.append((tokens[-1], stem))
    if tokenable and parts:
        return tuple(parts)
    if (
        len(words) == 1
        and not text.endswith("*")
        and _TOKEN.match(text) is None
        and _TOKEN.match(text[-1]) is None
    ):
        return _substring_test(text)  # an emoji or a sign: no word edges to respect
    pieces = []
    for word in words:
        stem = word.endswith("*")
        pieces.append(regex.escape(word[:-1] if stem else word) + (r"\w*" if stem else ""))
    pattern = r"\s+".join(pieces)
    if _TOKEN.match(text):
        pattern = r"(?<!\w)" + pattern
    if _TOKEN.match(text[-1]) and not text.endswith("*"):
        pattern += r"(?!\w)"
    return _RegexTest(regex.compile(pattern, regex.IGNORECASE), source, guarded=False)


def parse_patterns(text: str) -> tuple[list[str], list[str]]:
    """The valid patterns of an editor's text (one a line) and what is wrong with the rest.

    Blank lines and repeats are dropped; each problem reads
    "line 3: “/[a-/” is not a valid pattern (...)".
    """
    patterns: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        source = line.strip()
        if not source:
            continue
        compiled = _compile(source)
        if isinstance(compiled, str):
            shown = source if len(source) <= 60 else source[:57] + "..."
            problems.append(f"line {number}: “{shown}” is not a valid pattern ({compiled}).")
            continue
        key = source if source.startswith("/") else source.lower()
        if key not in seen:
            seen.add(key)
            patterns.append(source)
    return patterns, problems


def patterns_text(patterns: Sequence[str]) -> str:
    """Patterns as the editor shows them, one a line."""
    return "\n".join(patterns)


# --- the classifier ------------------------------------------------------------------------

# (rank, following words, category, source)
_Entry = tuple[int, _Words, str, str]


class _Index:
    """One language's patterns (its own, then English), ready to look up."""

    def __init__(self) -> None:
        self.exact: dict[str, list[_Entry]] = {}
        self.stems: dict[str, list[_Entry]] = {}
        self.stem_lengths: tuple[int, ...] = ()
        self.tests: list[tuple[int, str, str, _Test]] = []

    def add(self, rank: int, category: str, source: str, compiled: _Words | _Test) -> None:
        if isinstance(compiled, tuple):
            (first, stem), rest = compiled[0], compiled[1:]
            table = self.stems if stem else self.exact
            table.setdefault(first, []).append((rank, rest, category, source))
        else:
            self.tests.append((rank, category, source, compiled))

    def finish(self) -> None:
        self.stem_lengths = tuple(sorted({len(stem) for stem in self.stems}))
        self.tests.sort(key=lambda test: test[0])  # stable: own language first

    def search(self, tokens: list[str], low: str, clean: str) -> tuple[str, str] | None:
        best_rank = len(CATEGORIES)
        best: tuple[str, str] | None = None
        exact, stems, lengths = self.exact, self.stems, self.stem_lengths
        for index, token in enumerate(tokens):
            candidates = exact.get(token)
            if candidates:
                for rank, rest, category, source in candidates:
                    if rank < best_rank and (not rest or _follows(rest, tokens, index + 1)):
                        best_rank, best = rank, (category, source)
            size = len(token)
            for length in lengths:
                if length > size:
                    break
                candidates = stems.get(token[:length])
                if candidates:
                    for rank, rest, category, source in candidates:
                        if rank < best_rank and (not rest or _follows(rest, tokens, index + 1)):
                            best_rank, best = rank, (category, source)
            if best_rank == 0:
                return best
        for rank, category, source, test in self.tests:
            if rank >= best_rank:
                break
            if test(low, clean):
                return category, source
        return best


def _follows(rest: _Words, tokens: list[str], start: int) -> bool:
    if start + len(rest) > len(tokens):
        return False
    for offset, (word, stem) in enumerate(rest):
        token = tokens[start + offset]
        if not (token.startswith(word) if stem else token == word):
            return False
    return True


def effective_rules(rules: Rules | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """The defaults with a client's languages put in their place."""
    merged = {lang: dict(categories) for lang, categories in DEFAULT_RULES.items()}
    for lang, categories in (rules or {}).items():
        if lang in LANGUAGES and isinstance(categories, Mapping):
            merged[lang] = {
                category: tuple(p for p in patterns if isinstance(p, str))
                for category, patterns in categories.items()
                if category in CATEGORIES and not isinstance(patterns, str)
            }
    return merged


class Classifier:
    """Classifies texts by one client's rules (None: the defaults); compiled once."""

    def __init__(self, rules: Rules | None = None) -> None:
        merged = effective_rules(rules)
        compiled: dict[str, list[tuple[int, str, str, _Words | _Test]]] = {}
        problems: list[str] = []
        for lang in LANGUAGES:
            own = compiled[lang] = []
            categories = merged.get(lang, {})
            for rank, category in enumerate(CATEGORIES):
                for source in categories.get(category, ()):
                    result = _compile(source.strip())
                    if isinstance(result, str):
                        problems.append(
                            f"{LANGUAGE_NAMES[lang]}, {category}: “{source}” is not a valid "
                            f"pattern ({result})."
                        )
                    else:
                        own.append((rank, category, source.strip(), result))
        self.problems: tuple[str, ...] = tuple(problems)
        self._indexes: dict[str, _Index] = {}
        for lang in LANGUAGES:
            index = _Index()
            added: set[tuple[int, str]] = set()
            for entry in compiled[lang] + (compiled["en"] if lang != "en" else []):
                if (entry[0], entry[2]) not in added:  # the same pattern in both languages
                    added.add((entry[0], entry[2]))
                    index.add(*entry)
            index.finish()
            self._indexes[lang] = index

    def classify(self, text: str) -> Classification:
        """The category of ``text``; never raises, whatever the text."""
        try:
            return self._classify(text)
        except Exception:  # hostile text must never stop a sync
            log.exception("could not classify an inbox item")
            return Classification(OTHER, "en", "")

    def _classify(self, text: str) -> Classification:
        if not isinstance(text, str) or not text:
            return Classification(OTHER, "en", "")
        clean = _clean(text[:MAX_CHARS])
        low = clean.lower()
        tokens = _TOKEN.findall(low)
        language = _detect(low, tokens)
        found = self._indexes[language].search(tokens, low, clean)
        if found is None:
            return Classification(OTHER, language, "")
        return Classification(found[0], language, found[1])


# --- storage -------------------------------------------------------------------------------


def rules_to_json(rules: Rules) -> str:
    """A client's rules as one JSON text for the database."""
    data = {
        lang: {category: list(patterns) for category, patterns in categories.items()}
        for lang, categories in rules.items()
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def rules_from_json(text: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """A client's stored rules; anything unreadable or of the wrong shape is left out.

    Returns {} for "" or bad JSON, so ``Classifier(rules_from_json(t) or None)``
    falls back to the defaults.
    """
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        log.warning("stored triage rules are not readable JSON; using the defaults")
        return {}
    if not isinstance(data, dict):
        return {}
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, categories in data.items():
        if lang not in LANGUAGES or not isinstance(categories, dict):
            continue
        result[lang] = {
            category: tuple(p.strip() for p in patterns if isinstance(p, str) and p.strip())
            for category, patterns in categories.items()
            if category in CATEGORIES and isinstance(patterns, list)
        }
    return result
