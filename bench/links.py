"""Articles by link: the 91 dev pages served over HTTP on loopback, read back by link.

Data: ``../shared/eval/pages_dev`` (the article-extraction benchmark's pages, MIT; read in place).
Each page is served as its publisher's bytes with ``Content-Type: text/html`` and no charset, so
the charset comes from the page (or UTF-8 / windows-1252), as for a server that omits it. Then
``links.fetch_links`` reads all 91 by link (four at a time, as the service does) and the text a
brief would read is scored against the gold article body with the benchmark's shingle F1
(``bench/extraction.py``), beside the same pages given inline as ``html``. Also reported: pages
fetched, the failures by outcome, wall time for all and the median page time.

    python bench/links.py --out bench/results/links
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from extraction import DATA, exact, metrics, page_counts

from summarizer.brief.ingest import Limits, ingest
from summarizer.service.links import Fetcher, FetchPolicy, fetch_links


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = pages.get(self.path.strip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {key: item.get("articleBody", "") for key, item in truth.items()}
    raw_pages = {key: gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes()) for key in gold}
    server, base = serve(raw_pages)
    outcomes: list[str] = []
    fetcher = Fetcher(FetchPolicy(allow_private=True, cache_s=0), on_outcome=outcomes.append)
    keys = sorted(gold)
    # one warm-up page: imports (trafilatura) are not a page's time
    fetch_links([{"url": f"{base}/{keys[0]}"}], fetcher)
    outcomes.clear()
    started = time.perf_counter()
    linked = fetch_links([{"id": f"p{i}", "url": f"{base}/{key}"} for i, key in enumerate(keys)], fetcher)
    wall = time.perf_counter() - started
    per_page = []
    for key in keys[:20]:  # one at a time: a page's own time
        began = time.perf_counter()
        fetch_links([{"url": f"{base}/{key}"}], fetcher)
        per_page.append(time.perf_counter() - began)
    server.shutdown()
    fetched_ok = [i for i in range(len(keys)) if i not in linked.unavailable]
    by_link = ingest([linked.articles[i] for i in fetched_ok], Limits(max_articles=len(keys), max_total_chars=10**8))
    inline = ingest(
        [{"id": f"p{i}", "html": raw_pages[keys[i]].decode("utf-8", "replace")} for i in fetched_ok],
        Limits(max_articles=len(keys), max_total_chars=10**8),
    )
    link_counts = [page_counts(gold[keys[i]], a.text) for i, a in zip(fetched_ok, by_link, strict=True)]
    inline_counts = [page_counts(gold[keys[i]], a.text) for i, a in zip(fetched_ok, inline, strict=True)]
    same = sum(a.text == b.text for a, b in zip(by_link, inline, strict=True))
    failures: dict[str, int] = {}
    for error in linked.unavailable.values():
        failures[error.outcome] = failures.get(error.outcome, 0) + 1
    result = {
        "pages": len(keys),
        "fetched": len(fetched_ok),
        "failures": failures,
        "wall_s_all": round(wall, 2),
        "median_page_s": round(statistics.median(per_page), 3),
        "by_link": {k: round(v, 3) for k, v in metrics(link_counts).items()},
        "inline_html": {k: round(v, 3) for k, v in metrics(inline_counts).items()},
        "by_link_accuracy": round(
            statistics.mean(exact(gold[keys[i]], a.text) for i, a in zip(fetched_ok, by_link, strict=True)), 3
        ),
        "same_text_as_inline": same,
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "links.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
