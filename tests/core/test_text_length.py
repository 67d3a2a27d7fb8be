import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smmdesk.core.text_length import (
    URL_PATTERN,
    check_length,
    count_codepoints,
    count_graphemes,
    count_utf16,
    find_urls,
    measure,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("👍🏽", 1),  # skin tone modifier
        ("🇱🇻", 1),  # flag: two regional indicators
        ("👨‍👩‍👧‍👦", 1),  # ZWJ family
        ("ሰላም ለዓለም", 8),  # Ge'ez: one code point per syllable, plus the space
        ("Привет", 6),
        ("", 0),
    ],
)
def test_graphemes(text, expected):
    assert count_graphemes(text) == expected


def test_latvian_counts_the_same_composed_or_decomposed():
    nfc = unicodedata.normalize("NFC", "Ģērbtuve")
    nfd = unicodedata.normalize("NFD", "Ģērbtuve")
    assert nfc != nfd and len(nfd) == 10
    assert count_graphemes(nfc) == count_graphemes(nfd) == 8
    assert measure(nfd, "graphemes") == 8
    assert measure(nfd, "codepoints") == 10


def test_utf16_and_codepoints():
    assert count_utf16("😀") == 2
    assert count_codepoints("😀") == 1
    assert count_utf16("Привет") == 6
    assert count_utf16("👨‍👩‍👧‍👦") == 11
    assert measure("😀", "utf16") == 2


def test_find_urls_trims_sentence_punctuation():
    text = "Read https://example.com/a, then (see https://en.wikipedia.org/wiki/Riga_(city)). Done."
    assert find_urls(text) == ["https://example.com/a", "https://en.wikipedia.org/wiki/Riga_(city)"]
    assert find_urls("No links: http:// or ftp://x.org") == []
    assert find_urls("HTTPS://Example.com/Привет!") == ["HTTPS://Example.com/Привет"]
    assert URL_PATTERN.search("go to https://t.me/channel") is not None


def test_mastodon_url_counts_23():
    url = "https://example.com/" + "a" * 40
    assert len(url) == 60
    assert measure(url, "codepoints", url_length=23) == 23
    assert measure(f"See {url} now", "codepoints", url_length=23) == 4 + 23 + 4
    assert measure(url, "codepoints") == 60


def test_mastodon_remote_mention_counts_as_local_part():
    text = "Hi @anna@mastodon.social!"
    assert measure(text, "codepoints", url_length=23) == len("Hi @anna!")
    # only with the Mastodon rules (codepoints + url_length)
    assert measure(text, "codepoints") == len(text)
    assert measure(text, "utf16", url_length=23) == len(text)
    # an e-mail address is not a mention
    assert measure("mail anna@example.com", "codepoints", url_length=23) == 21


def test_unknown_counting_is_an_error():
    with pytest.raises(ValueError):
        measure("x", "words")


def test_limit_boundaries():
    at = check_length("a" * 300, "graphemes", 300)
    assert at.count == 300 and not at.over and at.remaining == 0
    over = check_length("a" * 301, "graphemes", 300)
    assert over.over and over.remaining == -1


def test_emoji_at_the_boundary_differs_by_counting():
    text = "a" * 9 + "😀"
    assert not check_length(text, "codepoints", 10).over
    assert check_length(text, "utf16", 10).over


def test_bluesky_byte_limit():
    # 300 graphemes, each "e" + 6 combining acute accents = 13 bytes: 3900 bytes
    text = ("e" + "\u0301" * 6) * 300
    result = check_length(text, "graphemes", 300, byte_limit=3000)
    assert result.count == 300
    assert result.over
    assert not check_length("é" * 300, "graphemes", 300, byte_limit=3000).over
    exact = check_length("ж" * 1500, "graphemes", 3000, byte_limit=3000)  # 3000 bytes
    assert not exact.over
    assert check_length("ж" * 1501, "graphemes", 3000, byte_limit=3000).over


def test_mastodon_at_the_limit_with_a_url():
    url = "https://example.com/" + "x" * 100
    body = "a" * (500 - 23 - 1)
    assert not check_length(f"{body} {url}", "codepoints", 500, url_length=23).over
    assert check_length(f"{body}a {url}", "codepoints", 500, url_length=23).over


@given(st.text())
def test_graphemes_never_exceed_codepoints_never_exceed_utf16(text):
    assert count_graphemes(text) <= count_codepoints(text) <= count_utf16(text)
