"""Load test: many clients against a real local server, mixed new / cached / invalid requests.

Starts ``summarizer serve`` on a loopback port (fresh
``SUMMARIZER_HOME`` for the cache; models from the current one), serves one brief of the
seeds as warm-up, then runs ``--clients`` concurrent clients for ``--duration`` seconds.
Each client loops: a cached request (the seeds), a new story (the seeds under new ids, so
the cache misses and the LLM runs), or an invalid one (empty text, 21 articles, bad JSON,
wrong content type, a 3 MB body, an unknown field, a bad option), with a short pause.
A sampler reads ``/readyz`` twice a second (briefs running or waiting vs. their bound).

Reports: requests per kind and status, latency median/p95/max per kind and status, server
errors (5xx), 429s and whether each carried ``Retry-After``, the most briefs in the queue,
and the server's RSS after warm-up and at the end.

    python bench/load.py --clients 20 --duration 180 --out bench/results/load
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from server import proc_status_mb, serving  # bench/ is on sys.path when run as a script

from summarizer.files import read_articles

ROOT = Path(__file__).resolve().parent.parent

SEEDS = read_articles([ROOT / "seeds"])
KINDS = {"cached": 0.5, "new": 0.2, "invalid": 0.3}
JSON = {"content-type": "application/json"}


def invalid_requests() -> list[tuple[str, dict[str, Any]]]:
    """(name, httpx request arguments) for each kind of bad request."""
    return [
        ("empty text", {"json": {"articles": [{"text": ""}]}}),
        ("21 articles", {"json": {"articles": [{"id": f"a{i}", "text": SEEDS[0]["text"]} for i in range(21)]}}),
        ("bad JSON", {"content": b'{"articles": [', "headers": JSON}),
        ("text/plain", {"content": b"hello", "headers": {"content-type": "text/plain"}}),
        ("3 MB body", {"content": b'{"articles": "' + b"x" * 3_000_000 + b'"}', "headers": JSON}),
        ("unknown field", {"json": {"articles": SEEDS, "colour": "blue"}}),
        ("max_sentences 0", {"json": {"articles": SEEDS, "options": {"max_sentences": 0}}}),
    ]


async def client(number: int, base: str, until: float, results: list[dict[str, Any]], seed: int) -> None:
    rng = random.Random(seed + number)
    bad = invalid_requests()
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        sent = 0
        while time.monotonic() < until:
            kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
            detail = kind
            if kind == "cached":
                request = {"json": {"articles": SEEDS}}
            elif kind == "new":
                story = f"c{number}-{sent}"
                request = {"json": {"articles": [a | {"id": f"{story}-{a['id']}"} for a in SEEDS]}}
            else:
                detail, request = rng.choice(bad)
            sent += 1
            started = time.perf_counter()
            try:
                response = await http.post("/v1/briefs", **request)
                status, retry_after = response.status_code, response.headers.get("retry-after")
            except httpx.TransportError as error:
                status, retry_after = f"transport error: {type(error).__name__}", None
            results.append(
                {
                    "kind": kind,
                    "detail": detail,
                    "status": status,
                    "seconds": time.perf_counter() - started,
                    "retry_after": retry_after,
                }
            )
            await asyncio.sleep(rng.uniform(0.05, 0.5))


async def sample_queue(base: str, until: float, samples: list[int]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        while time.monotonic() < until:
            try:
                samples.append((await http.get("/readyz")).json()["briefs"])
            except (httpx.TransportError, ValueError, KeyError):
                samples.append(-1)
            await asyncio.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load after the warm-up")
    parser.add_argument("--model", default=None, help="SUMMARIZER_MODEL for the server (default: the default model)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache_folder:
        env = {"SUMMARIZER_CACHE": str(Path(cache_folder) / "cache.sqlite")}
        if args.model:
            env["SUMMARIZER_MODEL"] = args.model
        with serving(args.out / "server.log", **env) as (server, base):
            started = time.perf_counter()
            warm = httpx.post(f"{base}/v1/briefs", json={"articles": SEEDS}, timeout=300)
            warm_s = time.perf_counter() - started
            assert warm.status_code == 200, warm.text
            rss_warm = proc_status_mb("VmRSS", server.pid)
            print(f"warm-up brief {warm_s:.1f} s; server RSS {rss_warm:.0f} MB; load for {args.duration:.0f} s")
            results: list[dict[str, Any]] = []
            samples: list[int] = []
            until = time.monotonic() + args.duration

            async def run() -> None:
                await asyncio.gather(
                    sample_queue(base, until, samples),
                    *(client(n, base, until, results, args.seed) for n in range(args.clients)),
                )

            asyncio.run(run())
            rss_end = proc_status_mb("VmRSS", server.pid)
            max_briefs = httpx.get(f"{base}/readyz").json()["max_briefs"]
    report = summarize(results, samples, max_briefs, rss_warm, rss_end, args, warm_s)
    (args.out / "results.json").write_text(json.dumps({"report": report, "requests": results}, indent=1))
    print(json.dumps(report, indent=1))
    return 0 if report["server_errors"] == 0 and report["queue_bounded"] else 1


def summarize(results, samples, max_briefs, rss_warm, rss_end, args, warm_s) -> dict[str, Any]:
    by: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by[f"{r['kind']} {r['status']}"].append(r["seconds"])
    too_many = [r for r in results if r["status"] == 429]
    return {
        "clients": args.clients,
        "duration_s": args.duration,
        "requests": len(results),
        "by_kind_and_status": {
            key: {
                "count": len(values),
                "median_s": round(statistics.median(values), 3),
                "p95_s": round(sorted(values)[int(0.95 * (len(values) - 1))], 3),
                "max_s": round(max(values), 3),
            }
            for key, values in sorted(by.items())
        },
        "invalid_statuses": dict(Counter(f"{r['detail']} → {r['status']}" for r in results if r["kind"] == "invalid")),
        "server_errors": sum(1 for r in results if not isinstance(r["status"], int) or r["status"] >= 500),
        "too_many_requests": len(too_many),
        "all_429_have_retry_after": all(r["retry_after"] and int(r["retry_after"]) >= 1 for r in too_many),
        "queue_max_seen": max(samples) if samples else None,
        "queue_bound": max_briefs,
        "queue_bounded": bool(samples) and max(samples) <= max_briefs,
        "rss_after_warm_up_mb": round(rss_warm),
        "rss_at_end_mb": round(rss_end),
        "rss_growth": round(rss_end / rss_warm - 1, 3),
        "warm_up_brief_s": round(warm_s, 1),
    }


if __name__ == "__main__":
    raise SystemExit(main())
