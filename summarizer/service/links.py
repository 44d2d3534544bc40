"""Articles by link: fetch a page (or a feed) a caller names, safely, and read its article.

``Fetcher.fetch`` is the one way the service reads a URL. It is a security boundary:
- the SSRF rules of ``outbound.py``: http(s) only, no credentials, every address public unless
  ``allow_private``, and the connection made to the address that was checked (no second DNS
  lookup); redirects followed at most ``MAX_REDIRECTS`` hops, each hop's address checked again;
- one time limit for the whole fetch (connect, redirects and body; a server that trickles bytes
  is cut off), a size cap read as a stream (``Content-Length`` is not trusted), the content types
  the caller accepts (HTML, XHTML, plain text for pages), the charset of the header, else of the
  page's own ``<meta>``, else UTF-8 when it decodes, else windows-1252;
- a clear user agent, and successful pages cached by URL for ``cache_s`` seconds.
Every failure is a ``LinkError`` (an ``InputError`` naming the field) whose ``outcome`` is a
short code for metrics and whose message says the URL and why.

``fetch_links`` fills in the articles of a request that give only a ``url``: their text, title
and date come from the page (``extract.extract_page``); the ones that cannot be fetched are
returned by position with why, for ingest to set aside (the brief is written from the others).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from summarizer import __version__
from summarizer.brief.ingest import Limits
from summarizer.errors import InputError
from summarizer.nlp.extract import extract_page
from summarizer.service.outbound import BlockedAddress, check_url, guarded_client

USER_AGENT = f"summarizer/{__version__} (news brief service; fetches the article links it is given)"
MAX_REDIRECTS = 5
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# Four links at once: fetching is waiting, not computing, and four keeps a 20-article request
# near the time of its slowest pages without opening many connections to one outlet.
CONCURRENT_FETCHES = 4
_CACHE_ENTRIES = 512
_CHUNK = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


@dataclass(frozen=True)
class FetchPolicy:
    """How links are fetched (``SUMMARIZER_FETCH_*`` settings)."""

    allow_private: bool = False
    timeout_s: float = 10.0
    # Pages are mostly markup: the 91 dev pages of bench/extraction.py are 25 kB-1.44 MB (two over
    # 1 MB); ingest's limit on a whole page is 2,000,000 characters.
    max_bytes: int = 2_000_000
    cache_s: float = 600.0


@dataclass(frozen=True)
class Fetched:
    """A fetched document: the URL asked for, where the redirects ended, its media type, its bytes
    and the charset its header declared (None when it declared none)."""

    url: str
    final_url: str
    media_type: str
    body: bytes
    charset: str | None

    @property
    def text(self) -> str:
        """The document as text (``decode``); feeds are read from ``body`` by their parser."""
        return decode(self.body, self.charset)


class LinkError(InputError):
    """A link that could not be fetched. ``outcome``: blocked, invalid, timeout, too_large,
    unsupported_type, http_status, unreachable, no_article (a page without article text)."""

    def __init__(self, message: str, *, field: str, outcome: str) -> None:
        super().__init__(message, field=field, code="link_failed")
        self.outcome = outcome


class Fetcher:
    """Fetches links under a ``FetchPolicy``; thread-safe; ``on_outcome(outcome)`` is told how
    each fetch ended ("ok", "cache_hit" or a ``LinkError.outcome``), for metrics."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), on_outcome: Callable[[str], None] = lambda _: None) -> None:
        self.policy = policy
        self.on_outcome = on_outcome
        self._cache: OrderedDict[tuple[str, tuple[str, ...]], tuple[float, Fetched]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, url: str, *, field: str, accept: Sequence[str] = PAGE_TYPES) -> Fetched:
        """The document at ``url`` if its media type is one of ``accept``; ``LinkError`` otherwise."""
        try:
            fetched = self._cached(url, accept)
            if fetched is not None:
                self.on_outcome("cache_hit")
                return fetched
            fetched = self._fetch(url, field, tuple(accept))
        except LinkError as error:
            self.on_outcome(error.outcome)
            raise
        self.on_outcome("ok")
        if self.policy.cache_s > 0:
            with self._lock:
                self._cache[(url, tuple(accept))] = (time.monotonic() + self.policy.cache_s, fetched)
                while len(self._cache) > _CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return fetched

    def _cached(self, url: str, accept: Sequence[str]) -> Fetched | None:
        with self._lock:
            hit = self._cache.get((url, tuple(accept)))
            if hit is None:
                return None
            expires, fetched = hit
            if expires < time.monotonic():
                del self._cache[(url, tuple(accept))]
                return None
            return fetched

    def _fetch(self, url: str, field: str, accept: tuple[str, ...]) -> Fetched:
        policy = self.policy

        def failed(why: str, outcome: str) -> LinkError:
            return LinkError(f"{field} {url} could not be fetched: {why}", field=field, outcome=outcome)

        try:
            # the URL's form only: the addresses are checked by the connection itself (outbound.py)
            check_url(url, field=field, allow_private=True, purpose="")
        except InputError as error:
            raise LinkError(str(error), field=field, outcome="invalid") from None
        deadline = time.monotonic() + policy.timeout_s
        try:
            with (
                guarded_client(
                    allow_private=policy.allow_private,
                    timeout_s=policy.timeout_s,
                    user_agent=USER_AGENT,
                    max_redirects=MAX_REDIRECTS,
                ) as client,
                client.stream("GET", url, headers={"Accept": ", ".join(accept) + ";q=1, */*;q=0.1"}) as response,
            ):
                if response.status_code >= 300:
                    phrase = response.reason_phrase or ""
                    raise failed(f"the server answered {response.status_code} {phrase}".rstrip(), "http_status")
                media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if media_type not in accept:
                    shown = media_type or "no Content-Type"
                    raise failed(f"it is {shown}, not one of {', '.join(accept)}", "unsupported_type")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > policy.max_bytes:
                    raise failed(f"it is {int(declared):,} bytes; the limit is {policy.max_bytes:,}", "too_large")
                body = bytearray()
                # decoded bytes are counted, so a compressed bomb stops at the cap too
                for chunk in response.iter_bytes(_CHUNK):
                    body += chunk
                    if len(body) > policy.max_bytes:
                        raise failed(f"it is more than the limit of {policy.max_bytes:,} bytes", "too_large")
                    if time.monotonic() > deadline:
                        raise failed(f"it took more than {policy.timeout_s:g} s", "timeout")
                final_url = str(response.url)
                charset = response.charset_encoding
        except BlockedAddress as blocked:
            raise failed(f"{blocked}; links are fetched from public addresses only", "blocked") from None
        except httpx.TooManyRedirects:
            raise failed(f"more than {MAX_REDIRECTS} redirects", "http_status") from None
        except httpx.TimeoutException:
            raise failed(f"no answer within {policy.timeout_s:g} s", "timeout") from None
        except httpx.UnsupportedProtocol as error:
            raise failed(f"a redirect led to a URL that is not http(s) ({error})", "invalid") from None
        except httpx.HTTPError as error:
            raise failed(f"{type(error).__name__}: {error}", "unreachable") from None
        return Fetched(url, final_url, media_type, bytes(body), charset)


def decode(body: bytes, charset: str | None) -> str:
    """Text of a page: the header's charset, else the page's ``<meta charset>``, else UTF-8 when the
    bytes are UTF-8, else windows-1252, the HTML standard's fallback for unlabelled pages in
    English-language locales (WHATWG encoding sniffing, simplified). A statistical guess was
    tried: charset-normalizer read an unlabelled windows-1252 "Zürich" as Baltic "Z³rich"."""
    for candidate in (charset, _meta_charset(body)):
        if candidate:
            try:
                return body.decode(candidate, errors="replace")
            except LookupError:  # an unknown charset name: try the next way
                pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii") if found else None


def needs_fetch(raw: Any) -> bool:
    """An article given by its link alone (a ``url``, no ``text`` or ``html``)."""
    return isinstance(raw, Mapping) and bool(raw.get("url")) and raw.get("text") is None and raw.get("html") is None


def all_fetched(unavailable: Mapping[int, InputError]) -> None:
    """Raise the first link that failed, if any: for a claim check, which against fewer articles
    than asked would answer another question."""
    if unavailable:
        raise next(iter(unavailable.values()))


@dataclass(frozen=True)
class Linked:
    """A request's articles with every link-only article's page read in (its text, and its title
    and date unless given), and per position of a link that failed, why (for ingest)."""

    articles: tuple[Any, ...]
    unavailable: Mapping[int, LinkError]


def fetch_links(
    raw_articles: Sequence[Any], fetcher: Fetcher, *, field: str = "articles", skip: Collection[int] = ()
) -> Linked:
    """``raw_articles`` with their links fetched (``CONCURRENT_FETCHES`` at a time), except at the
    positions in ``skip`` (links that already failed once: a stored job's); the order and positions
    are kept so that every later error still names the article as it was sent."""
    wanted = [i for i, raw in enumerate(raw_articles) if needs_fetch(raw) and i not in skip]
    if not wanted:
        return Linked(tuple(raw_articles), {})

    def read(i: int) -> dict[str, Any] | LinkError:
        raw = raw_articles[i]
        url = str(raw["url"]).strip()
        try:
            fetched = fetcher.fetch(url, field=f"{field}[{i}].url")
        except LinkError as error:
            return error
        text = fetched.text
        if fetched.media_type == "text/plain":
            return {**raw, "text": text}
        page = extract_page(text, fetched.final_url)
        if not page.text.strip():
            return LinkError(
                f"{field}[{i}].url {url} holds no article text (a front page, a video, a paywall?)",
                field=f"{field}[{i}].url",
                outcome="no_article",
            )
        filled = {**raw, "text": page.text}
        if not raw.get("title") and page.title:
            filled["title"] = page.title[: Limits.max_field_chars]
        if not raw.get("published") and page.published:
            filled["published"] = page.published
        return filled

    with ThreadPoolExecutor(min(CONCURRENT_FETCHES, len(wanted))) as pool:
        results = dict(zip(wanted, pool.map(read, wanted), strict=True))
    unavailable = {i: r for i, r in results.items() if isinstance(r, LinkError)}
    articles = [raw if i in unavailable else results.get(i, raw) for i, raw in enumerate(raw_articles)]
    return Linked(tuple(articles), unavailable)
