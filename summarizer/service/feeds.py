"""Feeds in: RSS and Atom (feedparser) and JSON Feed 1.x read into articles for grouping.

Each entry becomes an article: its full content when the feed carries it (``content:encoded``,
Atom ``content``, JSON Feed ``content_html``/``content_text``), else its link, fetched later as any
link-only article (``links.fetch_links``); an entry with neither (only a teaser and no link, or
nothing) is refused by name (``feeds[0].entries[3]``). Entries published before ``since`` are
skipped; an entry without a date is kept. feedparser has no JSON Feed reader, so that format
(https://www.jsonfeed.org/version/1.1/, plain JSON) is read here.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarizer.brief.ingest import Limits
from summarizer.errors import InputError
from summarizer.service.links import Fetcher

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
)
# A feed file read from disk (CLI) is held to the size of a fetched one.
MAX_FEED_BYTES = 10_000_000


@dataclass(frozen=True)
class FeedArticles:
    """Articles read from feeds (raw article dicts; ``origins[i]`` names where article ``i`` came
    from, ``feeds[0].entries[3]``), the entries or feeds refused with why, and how many entries
    were older than ``since``."""

    articles: tuple[dict[str, Any], ...]
    origins: tuple[str, ...]
    refused: tuple[InputError, ...]
    skipped_old: int


def parse_since(value: str | None, *, field: str = "since") -> datetime | None:
    """An ISO 8601 date or time (UTC when no zone is given); ``InputError`` naming ``field``."""
    if value is None:
        return None
    moment = _rfc3339(value)
    if moment is None:
        raise InputError(
            f"{field} {value!r} is not an ISO 8601 date or time (e.g. 2026-12-04 or 2026-12-04T06:00:00Z).",
            field=field,
        )
    return moment


def read_feeds(
    sources: Sequence[str],
    fetcher: Fetcher,
    *,
    since: datetime | None = None,
    allow_files: bool = False,
    field: str = "feeds",
) -> FeedArticles:
    """The articles of every feed in ``sources`` (http(s) URLs, fetched by ``fetcher``; with
    ``allow_files``, also paths of feed files, as the CLI reads them). A feed that cannot be read
    is refused with why and the others are still read; ``InputError`` only when ``sources`` is
    not a list of strings."""
    articles: list[dict[str, Any]] = []
    origins: list[str] = []
    refused: list[InputError] = []
    skipped = 0
    for i, source in enumerate(sources):
        where = f"{field}[{i}]"
        if not isinstance(source, str) or not source.strip():
            raise InputError(f"{where} must be a feed URL (http:// or https://).", field=where)
        try:
            data = _feed_bytes(source.strip(), fetcher, where, allow_files)
            feed_title, entries = _entries(data, where)
        except InputError as error:
            refused.append(error)
            continue
        for j, entry in enumerate(entries):
            origin = f"{where}.entries[{j}]"
            if since is not None and entry.published is not None and entry.published < since:
                skipped += 1
                continue
            article = entry.article(f"feed{i + 1}-{j + 1}", feed_title)
            if article is None:
                refused.append(
                    InputError(
                        f"{origin} ({entry.title or 'untitled'}) has neither content nor an http(s) link to read.",
                        field=origin,
                        code="no_content",
                    )
                )
                continue
            articles.append(article)
            origins.append(origin)
    return FeedArticles(tuple(articles), tuple(origins), tuple(refused), skipped)


def _feed_bytes(source: str, fetcher: Fetcher, where: str, allow_files: bool) -> bytes:
    if source.startswith(("http://", "https://")):
        return fetcher.fetch(source, field=where, accept=FEED_TYPES).body
    if not allow_files:
        raise InputError(f"{where} {source!r} is not a feed URL: give an http:// or https:// URL.", field=where)
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{where}: {source} is neither an http(s) URL nor a feed file.", field=where)
    if path.stat().st_size > MAX_FEED_BYTES:
        raise InputError(f"{where}: {source} is larger than {MAX_FEED_BYTES:,} bytes.", field=where)
    return path.read_bytes()


@dataclass(frozen=True)
class _Entry:
    title: str | None
    link: str | None
    content: str | None  # the entry's full text or HTML, None when the feed gives none
    summary: str | None
    published: datetime | None

    def article(self, article_id: str, source: str | None) -> dict[str, Any] | None:
        """The raw article: full content as text, else the link to fetch; a teaser is used only
        when there is no link (it is then all the feed says); None when there is nothing."""
        text = self.content or (self.summary if not self.link else None)
        if not text and not self.link:
            return None
        article: dict[str, Any] = {"id": article_id}
        if text:
            article["text"] = text
        for key, value in (("title", self.title), ("url", self.link), ("source", source)):
            if value:
                article[key] = value[: Limits.max_field_chars]
        if self.published is not None:
            article["published"] = self.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        return article


def _entries(data: bytes, where: str) -> tuple[str | None, list[_Entry]]:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _json_feed(data, where)
    import feedparser  # only feed requests pay for it

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version"):
        why = parsed.get("bozo_exception")
        raise InputError(
            f"{where} is not an RSS, Atom or JSON feed{f' ({why})' if why else ''}.", field=where, code="not_a_feed"
        )
    entries = []
    for entry in parsed.entries:
        contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value", "").strip()]
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(
            _Entry(
                title=(entry.get("title") or "").strip() or None,
                link=_http(entry.get("link")),
                content=max(contents, key=len) if contents else None,
                summary=(entry.get("summary") or "").strip() or None,
                published=datetime.fromtimestamp(calendar.timegm(moment), UTC) if moment else None,
            )
        )
    return (parsed.feed.get("title") or "").strip() or None, entries


def _json_feed(data: bytes, where: str) -> tuple[str | None, list[_Entry]]:
    """JSON Feed 1.0/1.1: ``items`` with ``url``, ``title``, ``content_html``/``content_text``,
    ``summary``, ``date_published`` (RFC 3339)."""
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        why = f"{where} is not an RSS, Atom or JSON feed: {error}."
        raise InputError(why, field=where, code="not_a_feed") from None
    version = feed.get("version") if isinstance(feed, Mapping) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise InputError(
            f'{where} is JSON but not a JSON Feed (no "version": "https://jsonfeed.org/version/1.1").',
            field=where,
            code="not_a_feed",
        )
    items = feed.get("items")
    if not isinstance(items, list):
        raise InputError(f'{where} is a JSON Feed without an "items" list.', field=where, code="not_a_feed")
    entries = []
    for item in items:
        if not isinstance(item, Mapping):
            item = {}
        content = _string(item.get("content_html")) or _string(item.get("content_text"))
        entries.append(
            _Entry(
                title=_string(item.get("title")),
                link=_http(item.get("url")) or _http(item.get("external_url")),
                content=content,
                summary=_string(item.get("summary")),
                published=_rfc3339(item.get("date_published")) or _rfc3339(item.get("date_modified")),
            )
        )
    return _string(feed.get("title")), entries


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _http(value: Any) -> str | None:
    value = _string(value)
    return value if value and value.startswith(("http://", "https://")) else None


def _rfc3339(value: Any) -> datetime | None:
    """An RFC 3339 / ISO 8601 moment (UTC when no zone is given), or None."""
    text = _string(value)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
