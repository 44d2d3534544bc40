"""Feeds: RSS, Atom and JSON Feed read from a real local web server (and from files), entries with
full content used as they are, the others fetched by link, old entries skipped, bad feeds and
entries refused by name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from stories import COUNCIL, COUNCIL_AGAIN
from web import WebServer, as_page, atom, json_feed, rss, saved_pages

from summarizer.errors import InputError
from summarizer.service.feeds import parse_since, read_feeds
from summarizer.service.links import Fetcher, FetchPolicy
from summarizer.service.morning import gather

LOCAL = Fetcher(FetchPolicy(allow_private=True, timeout_s=5))
MORNING = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
YESTERDAY = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


@pytest.fixture()
def web():
    with WebServer().running() as server:
        yield server


def _entries(web: WebServer) -> list[dict]:
    """One entry with its full text in the feed, one to fetch by link (a saved news page), one with
    neither (refused), one from yesterday."""
    ((page_id, html, _),) = saved_pages(1)
    return [
        {
            "title": COUNCIL["title"],
            "content": as_page(COUNCIL),
            "link": "https://news.example/c",
            "published": MORNING,
        },
        {"title": "Saved page", "link": web.page(f"/saved/{page_id}", html), "published": MORNING},
        {"title": "A teaser with a link elsewhere", "published": MORNING},
        {"title": COUNCIL_AGAIN["title"], "content": COUNCIL_AGAIN["text"], "published": YESTERDAY},
    ]


@pytest.mark.parametrize(
    ("write", "media_type"),
    [(rss, "application/rss+xml"), (atom, "application/atom+xml"), (json_feed, "application/feed+json")],
)
def test_rss_atom_and_json_feeds_become_articles(web, write, media_type):
    entries = _entries(web)
    url = web.page("/feed", write(entries), media_type)
    read = read_feeds([url], LOCAL, since=parse_since("2026-12-04"))
    assert read.skipped_old == 1  # yesterday's entry
    first, second = read.articles
    assert "seven votes to two" in first["text"] and first["url"] == "https://news.example/c"
    assert first["published"] == "2026-12-04T06:00:00Z" and first["title"] == COUNCIL["title"]
    assert "text" not in second and second["url"] == entries[1]["link"]  # fetched later, by link
    assert read.origins == ("feeds[0].entries[0]", "feeds[0].entries[1]")
    ((error),) = read.refused
    assert error.field == "feeds[0].entries[2]" and "neither content nor" in str(error)
    assert len(set(a["id"] for a in read.articles)) == 2
    assert len(read_feeds([url], LOCAL).articles) == 3  # without since, yesterday's entry is read


def test_gather_fetches_entry_links_and_names_failures_by_entry(web):
    ((page_id, html, opening),) = saved_pages(1)
    entries = [
        {"title": "Saved", "link": web.page(f"/p/{page_id}", html)},
        {"title": "Gone", "link": web.base + "/gone"},
    ]
    feed = web.page("/rss", rss(entries), "application/rss+xml")
    given = [{"id": "given", "text": COUNCIL["text"]}]
    gathered = gather(given, LOCAL, feeds=[feed])
    assert gathered.origins == ("articles[0]", "feeds[0].entries[0]", "feeds[0].entries[1]")
    assert opening[:40] in gathered.articles[1]["text"]
    ((position, error),) = gathered.unavailable.items()
    assert position == 2 and error.field == "feeds[0].entries[1].url"
    assert str(error).startswith("feeds[0].entries[1].url ") and "404" in str(error)


def test_what_is_not_a_feed_is_refused_with_why_and_the_other_feeds_read(web, tmp_path):
    good = web.page("/good", rss([{"title": "t", "content": COUNCIL["text"]}]), "application/rss+xml")
    page = web.page("/page", as_page(COUNCIL))  # a web page, not a feed
    xml_page = web.page("/xml", "<html><body><p>not a feed</p></body></html>", "application/xml")
    not_json_feed = web.page("/json", '{"items": []}', "application/json")
    broken_json = web.page("/broken", '{"version": "https://jsonfeed.org/version/1.1", "items": [', "application/json")
    read = read_feeds([page, good, xml_page, not_json_feed, broken_json], LOCAL)
    assert len(read.articles) == 1 and read.origins == ("feeds[1].entries[0]",)
    fields = {e.field: (e.code, str(e)) for e in read.refused}
    assert fields["feeds[0]"][0] == "link_failed" and "text/html" in fields["feeds[0]"][1]
    assert fields["feeds[2]"][0] == "not_a_feed" and "not an RSS, Atom or JSON feed" in fields["feeds[2]"][1]
    assert fields["feeds[3]"][0] == "not_a_feed" and "not a JSON Feed" in fields["feeds[3]"][1]
    assert fields["feeds[4]"][0] == "not_a_feed"
    # a file is read only where files are allowed (the CLI), never for the HTTP API
    path = tmp_path / "feed.xml"
    path.write_text(rss([{"title": "t", "content": COUNCIL["text"]}]))
    assert len(read_feeds([str(path)], LOCAL, allow_files=True).articles) == 1
    (refused,) = read_feeds([str(path)], LOCAL).refused
    assert refused.field == "feeds[0]" and "http://" in str(refused)
    (refused,) = read_feeds(["file:///etc/passwd"], LOCAL).refused
    assert "http" in str(refused)


def test_since_must_be_an_iso_time():
    assert parse_since("2026-12-04T06:00:00Z") == MORNING
    assert parse_since("2026-12-04T06:00:00") == MORNING  # no zone: UTC
    with pytest.raises(InputError, match="ISO 8601") as caught:
        parse_since("yesterday morning")
    assert caught.value.field == "since"
