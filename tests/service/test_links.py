"""Articles by link: real fetches from a local web server (saved news pages, redirects, slow and
oversized bodies, wrong types, charsets) under the SSRF rules, and ``fetch_links``' positions."""

from __future__ import annotations

import pytest
from web import Route, WebServer, public_stand_in, saved_pages

from summarizer.service.links import (
    MAX_REDIRECTS,
    USER_AGENT,
    Fetcher,
    FetchPolicy,
    LinkError,
    decode,
    fetch_links,
)

LOCAL = FetchPolicy(allow_private=True, timeout_s=5)


@pytest.fixture()
def web():
    with WebServer().running() as server:
        yield server


@pytest.fixture()
def public_web(monkeypatch):
    """A server on 127.0.0.2, which the SSRF rules are told to take for a public address."""
    public_stand_in(monkeypatch, "127.0.0.2")
    with WebServer("127.0.0.2").running() as server:
        yield server


def _fails(fetcher: Fetcher, url: str, outcome: str, *words: str) -> LinkError:
    with pytest.raises(LinkError) as caught:
        fetcher.fetch(url, field="articles[0].url")
    error = caught.value
    assert (error.outcome, error.field, error.code) == (outcome, "articles[0].url", "link_failed")
    for word in words:
        assert word in str(error), str(error)
    return error


def test_a_saved_news_page_is_fetched_and_its_article_read(web):
    ((page_id, html, opening),) = saved_pages(1)
    url = web.page(f"/news/{page_id}", html)
    linked = fetch_links([{"id": "a", "url": url}], Fetcher(LOCAL))
    (article,) = linked.articles
    assert not linked.unavailable
    assert opening[:40] in article["text"] and article["url"] == url and article["title"]
    ((_, headers),) = web.requests
    assert headers["User-Agent"] == USER_AGENT


def test_pages_are_cached_by_url_for_the_policy_time(web):
    url = web.page("/a", "<html><body><p>x</p></body></html>")
    outcomes = []
    fetcher = Fetcher(LOCAL, on_outcome=outcomes.append)
    first = fetcher.fetch(url, field="f")
    assert fetcher.fetch(url, field="f") == first
    assert web.fetched("/a") == 1 and outcomes == ["ok", "cache_hit"]
    uncached = Fetcher(FetchPolicy(allow_private=True, cache_s=0))
    uncached.fetch(url, field="f")
    uncached.fetch(url, field="f")
    assert web.fetched("/a") == 3


def test_loopback_and_private_links_are_refused_without_a_connection(web):
    url = web.page("/secret", "<p>internal</p>")
    fetcher = Fetcher(FetchPolicy())  # the default: public addresses only
    _fails(fetcher, url, "blocked", "127.0.0.1", "loopback", url)
    _fails(fetcher, "http://169.254.169.254/latest/meta-data/", "blocked", "link-local")
    _fails(fetcher, "http://[::ffff:10.0.0.1]/", "blocked", "private")
    assert web.requests == []  # refused before any byte was sent


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.org/a.html", ["http://"]),
        ("file:///etc/passwd", ["http://"]),
        ("http://user:secret@example.org/", ["password"]),
        ("http:///no-host", ["host"]),
        ("javascript:alert(1)", ["http://"]),
    ],
)
def test_links_that_are_not_http_urls_are_refused(url, words):
    _fails(Fetcher(FetchPolicy()), url, "invalid", *words)


def test_redirects_are_followed_and_each_hop_checked(public_web, web):
    article = public_web.page("/story", "<html><body><article><p>Moved here.</p></article></body></html>")
    moved = public_web.redirect("/old", article, 301)
    fetcher = Fetcher(FetchPolicy(cache_s=0))
    assert fetcher.fetch(moved, field="f").final_url == article
    # a public page that redirects inside the network is refused at the hop, before connecting there
    inside = web.page("/admin", "<p>internal</p>")
    _fails(fetcher, public_web.redirect("/jump", inside), "blocked", "loopback")
    assert web.requests == []
    # a chain longer than the limit
    for hop in range(MAX_REDIRECTS + 1):
        public_web.redirect(f"/hop{hop}", f"{public_web.base}/hop{hop + 1}")
    public_web.page(f"/hop{MAX_REDIRECTS + 1}", "<p>end</p>")
    _fails(fetcher, f"{public_web.base}/hop0", "http_status", f"more than {MAX_REDIRECTS} redirects")
    assert fetcher.fetch(f"{public_web.base}/hop1", field="f").final_url.endswith(f"/hop{MAX_REDIRECTS + 1}")


def test_slow_oversized_missing_and_wrong_type_pages_fail_with_why(web):
    fetcher = Fetcher(FetchPolicy(allow_private=True, timeout_s=1, max_bytes=50_000))
    web.routes["/slow"] = Route(body=b"<p>" + b"x" * 20_000, headers={"Content-Type": "text/html"}, trickle_s=0.2)
    _fails(fetcher, web.base + "/slow", "timeout", "1 s")
    web.routes["/big"] = Route(body=b"<p>" + b"x" * 60_000, headers={"Content-Type": "text/html"})
    _fails(fetcher, web.base + "/big", "too_large", "60,003 bytes", "50,000")
    # no Content-Length: the cap counts what arrives
    web.routes["/big-chunked"] = Route(body=b"<p>" + b"x" * 60_000, headers={"Content-Type": "text/html"}, chunked=True)
    _fails(fetcher, web.base + "/big-chunked", "too_large", "50,000")
    web.page("/report.pdf", b"%PDF-1.7", "application/pdf")
    _fails(fetcher, web.base + "/report.pdf", "unsupported_type", "application/pdf", "text/html")
    web.page("/untyped", b"<p>x</p>", "")
    _fails(fetcher, web.base + "/untyped", "unsupported_type", "no Content-Type")
    _fails(fetcher, web.base + "/gone", "http_status", "404")


def test_charsets_from_the_header_the_page_or_a_guess():
    text = "Café owners in Zürich said prices rose — again."
    assert decode(text.encode("cp1252"), "windows-1252") == text
    page = f'<html><head><meta charset="iso-8859-1"></head><body>{text.replace("—", "-")}</body></html>'
    assert "Café owners in Zürich" in decode(page.encode("iso-8859-1"), None)
    assert decode(text.encode("utf-8"), None) == text
    assert decode(text.encode("utf-8"), "no-such-charset") == text  # an unknown name is ignored
    unlabelled = (" ".join([text] * 20)).encode("cp1252")
    assert decode(unlabelled, None) == " ".join([text] * 20)  # neither declared nor UTF-8: windows-1252


def test_fetch_links_keeps_positions_and_reports_failures_by_field(web):
    ((_, html, opening),) = saved_pages(1)
    good = web.page("/good", html)
    web.page("/nothing", "<html><head><title>Video</title></head><body><video src='clip.mp4'></video></body></html>")
    raw = [
        {"id": "given", "text": "A text given in the request."},
        {"id": "fails", "url": web.base + "/missing"},
        {"url": good, "title": "Kept title"},
        {"id": "empty", "url": web.base + "/nothing"},
    ]
    linked = fetch_links(raw, Fetcher(LOCAL))
    assert linked.articles[0] == raw[0] and linked.articles[1] == raw[1] and linked.articles[3] == raw[3]
    assert opening[:40] in linked.articles[2]["text"] and linked.articles[2]["title"] == "Kept title"
    assert {i: (e.field, e.outcome) for i, e in linked.unavailable.items()} == {
        1: ("articles[1].url", "http_status"),
        3: ("articles[3].url", "no_article"),
    }
    assert "404" in str(linked.unavailable[1]) and web.base + "/missing" in str(linked.unavailable[1])
