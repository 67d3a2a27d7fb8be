"""The fast reading of simple Mastodon HTML gives what HTMLParser gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.platforms import html_text
from smmdesk.platforms.html_text import html_to_text

PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<br>", "<br/>", "<br />", "</br>", "<p/>", "<span>", "</span>",
        '<span class="invisible">', '<a href="https://x.lv/a?b=1&amp;c=2" rel="nofollow">',
        "</a>", "&amp;", "&lt;", "&#39;", "&nbsp;", "&bogus;", " ", "\n", "Rīga", "кофе",
        "@kafija", "ሰላም", "a", "!", "\u202e", "&", "<p class=\"x\">",
    ]
)  # fmt: skip


def parsed(fragment: str) -> str:
    """The parser's reading, with the fast path switched off."""
    original = html_text._SIMPLE
    html_text._SIMPLE = html_text.re.compile(r"(?!)")
    try:
        return html_to_text(fragment)
    finally:
        html_text._SIMPLE = original


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_the_fast_path_agrees_with_the_parser(fragment):
    assert html_to_text(fragment) == parsed(fragment)


def test_a_typical_status():
    status = (
        '<p>Hi <span class="h-card"><a href="https://m.lv/@k" class="u-url mention">'
        "@<span>kafija</span></a></span> is it open?<br>Today &amp; tomorrow</p><p>Thanks</p>"
    )
    assert html_to_text(status) == "Hi @kafija is it open?\nToday & tomorrow\n\nThanks"
    assert html_text._SIMPLE.fullmatch(status)
