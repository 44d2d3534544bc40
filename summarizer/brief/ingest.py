"""Stage 1, ingest: turn raw article mappings into validated ``Article`` records.

An article gives either ``text`` (plain text or an HTML snippet, whose tags are stripped) or
``html``, a whole page, whose article body, title, date and URL ``extract.extract_page`` finds;
a whole page sent as ``text`` is read the same way. Every rule failure raises ``InputError``
naming the field (``articles[1].text``), the rule and the fix; size limits raise
``InputTooLargeError``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

from summarizer.brief.types import Article, BriefWarning
from summarizer.errors import InputError, InputTooLargeError
from summarizer.nlp.extract import Page, extract_page


@dataclass(frozen=True)
class Limits:
    """Size limits. 20 articles × 50k characters keeps a brief inside a minute here:
    embedding is ~8 ms a sentence on these 2 vCPUs and the LLM only sees planned groups."""

    max_articles: int = 20
    max_chars_per_article: int = 50_000
    max_total_chars: int = 300_000
    max_field_chars: int = 2_000
    # A whole page is mostly markup: the 91 dev pages of bench/extraction.py are 25k-1.44M
    # characters (median 117k; 2 over 1M) for article bodies of 0.4k-20k; the largest takes
    # 73 ms to extract. The text extracted from a page is then held to the limits above.
    max_html_chars: int = 2_000_000


FIELDS = ("id", "title", "text", "html", "url", "source", "published")
_BODIES = ("text", "html")
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def ingest(
    raw_articles: Sequence[Mapping[str, Any]],
    limits: Limits = Limits(),
    refuse: Callable[[InputError], None] | None = None,
    *,
    unavailable: Mapping[int, InputError] | None = None,
    warn: Callable[[BriefWarning], None] = lambda _: None,
) -> tuple[Article, ...]:
    """Validate and normalise articles; raise ``InputError`` on the first problem found. With
    ``refuse``, an article with a problem (or a repeated id) is handed to it and left out instead,
    so one bad article does not sink a large request; ``InputError`` when none is left.

    ``unavailable``: per position, why an article could not be obtained (a link that failed to
    fetch, ``service/links.py``): it is left out with a ``link_failed`` warning (to ``refuse``
    when given). A text longer than the per-article limit is cut at the last sentence end within
    it, with an ``article_cut`` warning: a long page is a normal page, not a bad request."""
    if not isinstance(raw_articles, Sequence) or isinstance(raw_articles, (str, bytes)):
        raise InputError("articles must be a list of article objects.", field="articles")
    if not raw_articles:
        raise InputError("articles is empty: give at least one article with a non-empty text.", field="articles")
    if len(raw_articles) > limits.max_articles:
        raise InputTooLargeError(
            f"{len(raw_articles)} articles given; the limit is {limits.max_articles} per brief. "
            "Split the story or drop the least relevant articles.",
            field="articles",
        )
    articles: list[Article] = []
    first_problem: InputError | None = None
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_articles):
        if unavailable and i in unavailable:
            problem = unavailable[i]
            if refuse is not None:
                refuse(problem)
            else:
                article_id = raw.get("id") if isinstance(raw, Mapping) else None
                warn(BriefWarning(problem.code, str(problem), str(article_id or f"article-{i + 1}"), problem.field))
            first_problem = first_problem or problem
            continue
        try:
            article = _article(raw, i, limits, warn)
            if article.id in seen:
                raise InputError(
                    f"id {article.id!r} is used by articles[{seen[article.id]}] and articles[{i}]; "
                    "ids must be unique within a request.",
                    field=f"articles[{i}].id",
                    code="duplicate_id",
                )
        except InputError as error:
            if refuse is None:
                raise
            first_problem = first_problem or error
            refuse(error)
            continue
        seen[article.id] = i
        articles.append(article)
    if first_problem is not None and not articles:
        raise first_problem  # every article was refused: the first one's problem answers
    total = sum(len(a.text) for a in articles)
    if total > limits.max_total_chars:
        raise InputTooLargeError(
            f"the articles hold {total:,} characters of text in all; the limit is "
            f"{limits.max_total_chars:,}. Send fewer or shorter articles.",
            field="articles",
        )
    return tuple(articles)


def _article(raw: Mapping[str, Any], i: int, limits: Limits, warn: Callable[[BriefWarning], None]) -> Article:
    where = f"articles[{i}]"
    if not isinstance(raw, Mapping):
        raise InputError(f"{where} must be an object with a 'text' field.", field=where)
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InputError(
            f"{where} has unknown field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}.",
            field=f"{where}.{unknown[0]}",
        )
    values: dict[str, str | None] = {}
    for name in FIELDS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            if name == "id" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            else:
                raise InputError(f"{where}.{name} must be a string.", field=f"{where}.{name}")
        if name not in _BODIES and value is not None and len(value) > limits.max_field_chars:
            raise InputTooLargeError(
                f"{where}.{name} is {len(value):,} characters; the limit is {limits.max_field_chars:,}.",
                field=f"{where}.{name}",
            )
        values[name] = value.strip() if isinstance(value, str) else None

    text, page, body = _body(raw, where, limits, values["url"] or None)

    article_id = values["id"] or f"article-{i + 1}"
    if len(text) > limits.max_chars_per_article:
        field, full = f"{where}.{body}", len(text)
        text = cut_at_sentence(text, limits.max_chars_per_article)
        warn(
            BriefWarning(
                "article_cut",
                f"{field} holds {full:,} characters of article text; the limit is "
                f"{limits.max_chars_per_article:,} per article, so only its first {len(text):,} "
                "(up to the last sentence end within the limit) were read.",
                article_id,
                field,
            )
        )
    if not _ID.match(article_id):
        raise InputError(
            f"{where}.id {article_id!r} is not a valid id: use 1-128 letters, digits, '.', '_', ':' or '-'.",
            field=f"{where}.id",
        )
    url = values["url"] or (page.url if page else None)
    if url is not None:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InputError(f"{where}.url {url!r} is not an http(s) URL.", field=f"{where}.url")
    published = values["published"] or (page.published if page else None)
    if published is not None:
        try:
            datetime.fromisoformat(published.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                f"{where}.published {published!r} is not an ISO 8601 date (e.g. 2025-05-16 or 2025-05-16T14:30:00Z).",
                field=f"{where}.published",
            ) from None
    # no title given and none in the page: none is invented (clean judges the text's first line)
    title = values["title"] or (page.title[: limits.max_field_chars] if page and page.title else None)
    return Article(id=article_id, title=title, text=text, url=url, source=values["source"] or None, published=published)


def _body(raw: Mapping[str, Any], where: str, limits: Limits, url: str | None) -> tuple[str, Page | None, str]:
    """The article's plain text, the page it was extracted from (None for text and snippets)
    and the name of the field it came from. Exactly one of ``text`` and ``html`` must be given;
    a whole page in ``text`` is read as ``html`` is."""
    given = [name for name in _BODIES if raw.get(name) is not None]
    if not given:
        raise InputError(
            f"{where}.text is missing: each article needs its text, or its whole HTML page in 'html'.",
            field=f"{where}.text",
        )
    if len(given) == 2:
        raise InputError(
            f"{where} gives both text and html; give one: 'text' for the article's text, 'html' for its whole page.",
            field=f"{where}.html",
        )
    (body,) = given
    field = f"{where}.{body}"
    value = raw[body]
    assert isinstance(value, str)  # checked with the other fields
    page: Page | None = None
    if body == "html" or _looks_like_page(value):
        if len(value) > limits.max_html_chars:
            raise InputTooLargeError(
                f"{field} is a page of {len(value):,} characters; the limit is {limits.max_html_chars:,} "
                "per page. Send the article's own page, or its text.",
                field=field,
            )
        page = extract_page(value, url)
        text = _clean_whitespace(page.text)
        # a page with no article text in it is set aside by clean, with a warning naming it
        return text, page, body
    # A text over the per-article limit is cut (``_article``); past a page's limit it is no article.
    if len(value) > limits.max_html_chars:
        raise InputTooLargeError(
            f"{field} is {len(value):,} characters; the limit is {limits.max_html_chars:,} "
            f"(only the first {limits.max_chars_per_article:,} of an article are read). Send the article body only.",
            field=field,
        )
    if not value.strip():
        raise InputError(f"{field} is empty: give the article's text.", field=field, code="empty")
    return _clean_whitespace(strip_html(value) if _looks_like_html(value) else value), None, body


_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*(?=\s)|\n\s*\n")


def cut_at_sentence(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` characters that ends at a sentence end (or a
    paragraph break); a text with none in its first ``limit`` characters is cut at the last space."""
    head = text[: limit + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() <= limit]
    if ends:
        return text[: ends[-1]].rstrip()
    space = head.rfind(" ", 0, limit)
    return text[: space if space > 0 else limit].rstrip()


# Invisible format characters (zero-width spaces and joiners, bidi overrides, word joiners,
# BOM) carry no meaning in news text and can hide words from every check ("ig\u200bnore").
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _clean_whitespace(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_TAG = re.compile(
    r"<\s*/?\s*(html|body|p|div|br|span|a|script|style|h[1-6]|li|ul|ol|article|section|figure|figcaption|em|strong|b|i|table|td|tr)\b[^>]*>",
    re.I,
)


def _looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


# A whole page, not a snippet: a doctype, or an <html> or <body> tag anywhere.
_PAGE = re.compile(r"\A\s*<!doctype\s+html|<\s*(?:html|body)(?:\s[^>]*)?>", re.I)


def _looks_like_page(text: str) -> bool:
    return bool(_PAGE.search(text))


class _TextExtractor(HTMLParser):
    _BLOCK = {
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "article",
        "section",
        "tr",
        "figcaption",
        "blockquote",
    }
    _SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(markup: str) -> str:
    """Visible text of an HTML fragment: block elements become line breaks, scripts and
    styles vanish, entities are decoded."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return html.unescape("".join(parser.parts))
