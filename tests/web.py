"""A real local web server for the link and feed tests: saved news pages, redirects, slow and
oversized bodies, wrong content types, and feeds, on a loopback address.

The pages are real: ``../shared/eval/pages_dev`` (91 pages of the article-extraction benchmark,
MIT; read in place, never copied into the repository), beside this checkout as CI has it.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "pages_dev"


def saved_pages(count: int) -> list[tuple[str, bytes, str]]:
    """The first ``count`` dev pages as (id, html bytes, the gold article body's first 60 characters)."""
    truth_file = PAGES / "ground-truth.json"
    if not truth_file.is_file():
        pytest.fail(f"{PAGES} is missing: these tests read ../shared/eval beside the checkout, as CI has it")
    truth = json.loads(truth_file.read_text())
    pages = []
    for page_id in sorted(truth)[: count * 3]:
        body = truth[page_id]["articleBody"]
        if len(body) > 1500:  # an article, not a gallery caption: a brief can be written from it
            pages.append((page_id, gzip.decompress((PAGES / "html" / f"{page_id}.html.gz").read_bytes()), body[:60]))
        if len(pages) == count:
            break
    return pages


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # bytes sent a piece at a time with a pause between (a server that trickles)
    trickle_s: float = 0.0
    # no Content-Length: the body is sent chunked (a size cap must count what arrives)
    chunked: bool = False


class WebServer:
    """Routes by path; records every request's path and headers."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                # the client may give up, as it should on a slow or oversized body
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._body(route)

            def _body(self, route: Route) -> None:
                step = 1024 if route.trickle_s else 64 * 1024
                for start in range(0, len(route.body), step):
                    piece = route.body[start : start + step]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if route.chunked else piece)
                    self.wfile.flush()
                    if route.trickle_s:
                        time.sleep(route.trickle_s)
                if route.chunked:
                    self.wfile.write(b"0\r\n\r\n")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://{host}:{self._server.server_address[1]}"

    def page(self, path: str, html: bytes | str, content_type: str = "text/html; charset=utf-8") -> str:
        body = html.encode() if isinstance(html, str) else html
        self.routes[path] = Route(body=body, headers={"Content-Type": content_type})
        return self.base + path

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.base + path

    def fetched(self, path: str) -> int:
        """How many times ``path`` was asked for."""
        return sum(1 for p, _ in self.requests if p.split("?")[0] == path)

    @contextmanager
    def running(self) -> Iterator[WebServer]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


def public_stand_in(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
    """Let ``addresses`` (other loopback addresses, such as 127.0.0.2) count as public for the SSRF
    rules: these machines reach no public address, and a redirect from a public host to loopback
    needs one. Every other address is judged by the real rules."""
    from summarizer.service import outbound

    real: Callable = outbound.not_public
    monkeypatch.setattr(outbound, "not_public", lambda address: None if str(address) in addresses else real(address))


# --- feeds, written as their publishers write them ----------------------------------------------


def rss(entries: list[dict], title: str = "Local News") -> str:
    """RSS 2.0 with ``content:encoded`` for entries that carry ``content``."""
    items = []
    for e in entries:
        parts = [f"<title>{escape(e.get('title', ''))}</title>"]
        if e.get("link"):
            parts.append(f"<link>{escape(e['link'])}</link>")
        if e.get("published"):
            parts.append(f"<pubDate>{format_datetime(e['published'])}</pubDate>")
        if e.get("summary"):
            parts.append(f"<description>{escape(e['summary'])}</description>")
        if e.get("content"):
            parts.append(f"<content:encoded><![CDATA[{e['content']}]]></content:encoded>")
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example/</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def atom(entries: list[dict], title: str = "Wire") -> str:
    items = []
    for n, e in enumerate(entries):
        parts = [f"<id>urn:entry:{n}</id><title>{escape(e.get('title', ''))}</title>"]
        if e.get("link"):
            parts.append(f'<link rel="alternate" href="{escape(e["link"])}"/>')
        if e.get("published"):
            parts.append(f"<updated>{e['published'].isoformat()}</updated>")
        if e.get("content"):
            parts.append(f'<content type="html">{escape(e["content"])}</content>')
        items.append("<entry>" + "".join(parts) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed</id><updated>2026-12-04T06:00:00Z</updated>"
        + "".join(items)
        + "</feed>"
    )


def json_feed(entries: list[dict], title: str = "Daily") -> str:
    items = []
    for n, e in enumerate(entries):
        item: dict = {"id": str(n), "title": e.get("title", "")}
        if e.get("link"):
            item["url"] = e["link"]
        if e.get("content"):
            item["content_html"] = e["content"]
        if e.get("published"):
            item["date_published"] = e["published"].isoformat()
        items.append(item)
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items})


def as_page(article: dict) -> str:
    """An article as a publisher's page: title, byline chrome, its paragraphs."""
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    title = escape(article.get("title") or article["text"][:60])
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>{title}</h1>{paragraphs}"
        "</article><footer>Subscribe to our newsletter</footer></body></html>"
    )
