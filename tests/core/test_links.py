from smmdesk.core.links import external_links, link_share, needs_justification


def test_external_links_skip_own_domains_and_subdomains():
    text = "Shop: https://shop.example.lv/sale and https://www.example.lv, news https://lsm.lv/x."
    assert external_links(text, ["example.lv"]) == ["https://lsm.lv/x"]
    assert external_links(text, ["https://www.example.lv/"]) == ["https://lsm.lv/x"]
    assert len(external_links(text)) == 3


def test_lookalike_domain_is_external():
    assert external_links("https://notexample.lv", ["example.lv"]) == ["https://notexample.lv"]


def test_link_share():
    assert link_share([]) == 0.0
    texts = ["no link", "https://a.com", "two https://a.com https://b.com", "text"]
    assert link_share(texts) == 0.5
    assert link_share(["https://mine.lv"], own_domains=["mine.lv"]) == 0.0


def test_needs_justification():
    text = "Read https://news.example.com/a"
    assert needs_justification(text, "justify", "")
    assert needs_justification(text, "justify", "   ")
    assert not needs_justification(text, "justify", "The client asked for it.")
    assert not needs_justification(text, "free", "")
    assert not needs_justification("no link here", "justify", "")
    assert not needs_justification("https://mine.lv/a", "justify", "", own_domains=["mine.lv"])
