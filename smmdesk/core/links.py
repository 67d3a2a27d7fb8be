"""Rule 9 of SMM-PRACTICE: don't pull subscribers out of the community.

A post that sends people to another site takes them away from the page
where they comment and subscribe, so the client's link policy decides how
free the manager is with links: "free", or "justify" (every post with an
external link carries a note on why the context asks for it). A link to the
client's own website is still a link out of the community, so with no own
domains given every URL counts as external; a caller that wants to exempt
the client's own shop passes ``own_domains``.

Only http(s) URLs count, the same ones :mod:`text_length` finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from smmdesk.core.text_length import find_urls

JUSTIFY = "justify"


def _normalise_domain(domain: str) -> str:
    """The bare domain: people paste "https://www.Shop.lv/about" for "shop.lv"."""
    value = domain.strip().lower()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.split("/", 1)[0].split(":", 1)[0].strip(".")
    return value.removeprefix("www.")


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").strip(".").lower()
    except ValueError:  # e.g. a malformed IPv6 literal
        return ""


def _is_own(host: str, own: set[str]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in own)


def external_links(text: str, own_domains: Iterable[str] = ()) -> list[str]:
    """URLs in ``text`` that are not on the client's own domains.

    A subdomain of an own domain (shop.example.lv for example.lv) is own too.
    """
    own = {d for d in (_normalise_domain(x) for x in own_domains) if d}
    return [url for url in find_urls(text) if not _is_own(_host(url), own)]


def link_share(texts: Sequence[str], own_domains: Iterable[str] = ()) -> float:
    """The share (0..1) of posts with at least one external link; 0.0 for none."""
    if not texts:
        return 0.0
    own = tuple(own_domains)
    with_links = sum(1 for text in texts if external_links(text, own))
    return with_links / len(texts)


def needs_justification(
    text: str, policy: str, justification: str, own_domains: Iterable[str] = ()
) -> bool:
    """True when the policy is "justify", the text has an external link and
    the justification is blank."""
    return (
        policy == JUSTIFY and bool(external_links(text, own_domains)) and not justification.strip()
    )
