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

Jobs mode (``--jobs``): the Redis backend under a burst of jobs, once per count in ``--workers``.
Each run starts a fresh, empty ``redis-server`` on a free loopback port (so the result cache,
kept in Redis, is empty), ``summarizer serve`` (loads no LLM) and N ``summarizer worker``
processes (``SUMMARIZER_REDIS_URL``; models from the current ``SUMMARIZER_HOME``), waits for
every worker's "worker ready" and the API's ``/readyz``, then ``--clients`` threads at once each
``POST /v1/jobs`` one distinct story (a Multi-News cluster of ``../shared/eval``, then the
seeds; re-used under new article ids past those, so the cache never answers) and poll the job
every ``--poll`` s until it is done, failed or cancelled, or ``--job-timeout`` passes (lost).

Reports per worker count: jobs submitted / done / failed / lost, wall time (first submission to
last job seen finished), throughput (done jobs a minute), queue wait median and p90 (time to
done minus the brief's own ``timings.total``, and the first poll that saw the job running), time
to done median and p90, stories per worker (``results[].worker``), tries, and each process's
peak RSS (VmRSS sampled twice a second during the run; VmHWM, the kernel's peak, load included).
A table on stdout; ``results.json`` and ``results.md`` under ``--out``.

    python bench/load.py --jobs --clients 20 --workers 1 2 --model qwen2.5-coder-1.5b \
        --out bench/results/load-jobs
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import httpx
import redis
from server import free_port, proc_status_mb, serving  # bench/ is on sys.path when run as a script

from summarizer.service.files import read_articles

ROOT = Path(__file__).resolve().parent.parent
MULTINEWS = ROOT.parent / "shared" / "eval" / "multinews_dev28.jsonl"
FINISHED = ("done", "failed", "cancelled")

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
    parser.add_argument(
        "--model", default=None, help="SUMMARIZER_MODEL for the server/workers (default: the default model)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=None, help="results folder (default bench/results/load, or load-jobs with --jobs)"
    )
    jobs = parser.add_argument_group("jobs mode (Redis backend)")
    jobs.add_argument("--jobs", action="store_true", help="measure POST /v1/jobs on Redis with N workers")
    jobs.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts, one run each")
    jobs.add_argument("--poll", type=float, default=0.5, help="seconds between a client's polls of its job")
    jobs.add_argument(
        "--job-timeout", type=float, default=1800.0, help="seconds after which an unfinished job counts as lost"
    )
    jobs.add_argument("--stories", type=Path, default=MULTINEWS, help="Multi-News JSONL the stories come from")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = ROOT / "bench" / "results" / ("load-jobs" if args.jobs else "load")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.jobs:
        return jobs_main(args)
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


# ---------------------------------------------------------------------------------------------
# jobs mode


def job_stories(count: int, path: Path) -> list[dict[str, Any]]:
    """``count`` distinct one-story job bodies: the Multi-News clusters (documents' sentences
    joined), then the seeds; past those, the same again under new article ids (a cache miss)."""
    pool: list[tuple[str, list[dict[str, Any]]]] = []
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                cluster = json.loads(line)
                articles = [
                    {"id": f"{cluster['id']}-{d['doc_id']}", "text": " ".join(d["sentences"])[:50_000]}
                    for d in cluster["documents"][:20]
                ]
                pool.append((cluster["id"], [a for a in articles if a["text"].strip()]))
    pool.append(("seeds", [dict(a) for a in SEEDS]))
    stories = []
    for number in range(count):
        name, articles = pool[number % len(pool)]
        copy = number // len(pool)
        if copy:
            articles = [a | {"id": f"{a['id']}-copy{copy}"} for a in articles]
        stories.append({"name": name if not copy else f"{name}-copy{copy}", "body": {"articles": articles}})
    return stories


def stop_process(process: subprocess.Popen, grace_s: float) -> None:
    """SIGTERM, then SIGKILL if it is still there after ``grace_s``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def start_redis(stack: ExitStack, log_path: Path) -> tuple[subprocess.Popen, str]:
    """A fresh, empty redis-server on a free loopback port (no persistence); stopped by ``stack``."""
    port = free_port()
    with open(log_path, "w") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    stack.callback(stop_process, process, 10)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while True:
        try:
            if redis.Redis(port=port, socket_timeout=1).ping():
                break
        except redis.RedisError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"redis-server did not start; see {log_path}")
        time.sleep(0.1)
    return process, url


def start_workers(stack: ExitStack, count: int, env: dict[str, str], out: Path) -> list[subprocess.Popen]:
    """``count`` ``summarizer worker`` processes, stderr to ``out/worker-N.log``; stopped by ``stack``."""
    executable = str(Path(sys.executable).with_name("summarizer"))
    workers = []
    for number in range(1, count + 1):
        with open(out / f"worker-{number}.log", "w") as log:
            process = subprocess.Popen(
                [executable, "worker"], env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
            )
        stack.callback(stop_process, process, 30)
        workers.append(process)
    return workers


def wait_workers_ready(workers: list[subprocess.Popen], out: Path, timeout_s: float = 600) -> float:
    """Seconds until every worker logged "worker ready"; SystemExit if one exits or time runs out."""
    started = time.monotonic()
    waiting = set(range(len(workers)))
    while waiting:
        for index in list(waiting):
            log_path = out / f"worker-{index + 1}.log"
            if "worker ready" in log_path.read_text(errors="replace"):
                waiting.discard(index)
            elif workers[index].poll() is not None:
                raise SystemExit(f"worker {index + 1} exited with {workers[index].returncode}; see {log_path}")
        if waiting and time.monotonic() - started > timeout_s:
            raise SystemExit(f"workers {sorted(i + 1 for i in waiting)} not ready after {timeout_s:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - started


class RssSampler(threading.Thread):
    """Peak VmRSS (MiB) of each named process, read from /proc every ``interval_s``."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.5) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.pids = pids
        self.interval_s = interval_s
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)
        self._halt = threading.Event()

    def sample(self) -> None:
        for name, pid in self.pids.items():
            with suppress(FileNotFoundError, ProcessLookupError, ValueError):  # the process has gone
                self.peak[name] = max(self.peak[name], proc_status_mb("VmRSS", pid))

    def run(self) -> None:
        while not self._halt.wait(self.interval_s):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


def job_client(
    base: str, story: dict[str, Any], start: threading.Barrier, poll_s: float, timeout_s: float, t0: list[float]
) -> dict[str, Any]:
    """Submit one job, poll it until it finishes or ``timeout_s`` passes; times relative to ``t0[0]``."""
    record: dict[str, Any] = {"story": story["name"], "articles": len(story["body"]["articles"])}
    record["chars"] = sum(len(a["text"]) for a in story["body"]["articles"])
    poll_errors = 0
    with httpx.Client(base_url=base, timeout=60) as http:
        start.wait()
        submitted = time.monotonic()
        try:
            response = http.post("/v1/jobs", json=story["body"])
        except httpx.TransportError as error:
            return record | {"outcome": "rejected", "http_status": f"transport error: {type(error).__name__}"}
        record |= {"submit_s": submitted - t0[0], "submit_latency_s": time.monotonic() - submitted}
        if response.status_code != 202:
            return record | {"outcome": "rejected", "http_status": response.status_code, "error": response.text[:300]}
        job = response.json()
        location = response.headers.get("location", f"/v1/jobs/{job['id']}")
        record["job_id"] = job["id"]
        running_s: float | None = 0.0 if job["status"] == "running" else None
        while job["status"] not in FINISHED and time.monotonic() - submitted < timeout_s:
            time.sleep(poll_s)
            try:
                answer = http.get(location)
            except httpx.TransportError:
                poll_errors += 1
                continue
            if answer.status_code != 200:
                poll_errors += 1
                continue
            job = answer.json()
            if running_s is None and job["status"] == "running":
                running_s = time.monotonic() - submitted
        finished = time.monotonic()
    result = job["results"][0] if job.get("results") else {}
    brief = result.get("brief") or {}
    brief_s = brief["timings"]["total"] / 1000 if isinstance(brief, dict) and "timings" in brief else None
    to_done = finished - submitted if job["status"] in FINISHED else None
    return record | {
        "outcome": job["status"] if job["status"] in FINISHED else "lost",
        "status": job["status"],
        "attempts": result.get("attempts"),
        "worker": result.get("worker"),
        "error": result.get("error"),
        "to_done_s": to_done,
        "brief_s": brief_s,
        "queue_wait_s": max(0.0, to_done - brief_s) if to_done is not None and brief_s is not None else None,
        # the first poll that saw the job running (None when it went from queued to finished between polls)
        "running_seen_s": running_s,
        "end_s": finished - t0[0],
        "poll_errors": poll_errors,
    }


def run_jobs(args: argparse.Namespace, workers: int, stories: list[dict[str, Any]]) -> dict[str, Any]:
    """One measurement: fresh redis-server, API, ``workers`` workers, then the burst of jobs."""
    out = args.out / f"workers-{workers}"
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        redis_process, url = start_redis(stack, out / "redis.log")
        # "" leaves a setting at its default (env_ignore_empty): no API keys even if this shell has some
        env = {"SUMMARIZER_REDIS_URL": url, "SUMMARIZER_API_KEYS": ""}
        if args.model:
            env["SUMMARIZER_MODEL"] = args.model
        started = time.monotonic()
        worker_processes = start_workers(stack, workers, env, out)
        api, base = stack.enter_context(serving(out / "api.log", **env))
        wait_workers_ready(worker_processes, out)
        ready_s = time.monotonic() - started
        pids = {"api": api.pid, "redis": redis_process.pid}
        pids |= {f"worker-{n}": p.pid for n, p in enumerate(worker_processes, 1)}
        host = socket.gethostname()
        names = {f"{host}:{p.pid}": f"worker-{n}" for n, p in enumerate(worker_processes, 1)}
        print(f"{workers} worker(s) ready in {ready_s:.1f} s; {len(stories)} clients submit one job each", flush=True)
        sampler = RssSampler(pids)
        sampler.start()
        start = threading.Barrier(len(stories) + 1)
        t0 = [0.0]
        records: list[dict[str, Any] | None] = [None] * len(stories)

        def client_thread(index: int) -> None:
            try:
                records[index] = job_client(base, stories[index], start, args.poll, args.job_timeout, t0)
            except Exception as error:  # noqa: BLE001 - a client's crash is a result, not the run's end
                records[index] = {"story": stories[index]["name"], "outcome": "client error", "error": repr(error)}

        threads = [threading.Thread(target=client_thread, args=(i,), daemon=True) for i in range(len(stories))]
        for thread in threads:
            thread.start()
        t0[0] = time.monotonic()
        start.wait()
        for thread in threads:
            thread.join()
        sampler.stop()
        hwm = {}
        for name, pid in pids.items():
            try:
                hwm[name] = proc_status_mb("VmHWM", pid)
            except FileNotFoundError:
                hwm[name] = float("nan")
    rows = [r if r is not None else {"outcome": "client error"} for r in records]
    for row in rows:
        if row.get("worker"):
            row["worker_name"] = names.get(row["worker"], row["worker"])
    (out / "jobs.json").write_text(json.dumps(rows, indent=1))
    return jobs_report(workers, rows, sampler.peak, hwm, ready_s, list(names.values()))


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=10, method="inclusive")[8], 2)


def jobs_report(
    workers: int,
    rows: list[dict[str, Any]],
    rss_peak: dict[str, float],
    hwm: dict[str, float],
    ready_s: float,
    worker_names: list[str],
) -> dict[str, Any]:
    """The figures of one run (``rows``: one per client, from ``job_client``)."""
    outcomes = Counter(r["outcome"] for r in rows)
    done = [r for r in rows if r["outcome"] == "done"]
    submitted = [r for r in rows if "submit_s" in r and r["outcome"] != "rejected"]
    ends = [r["end_s"] for r in rows if r["outcome"] in FINISHED]
    starts = [r["submit_s"] for r in submitted]
    wall = max(ends) - min(starts) if ends and starts else None

    def values(key: str, subset: list[dict[str, Any]] = done) -> list[float]:
        return [r[key] for r in subset if r.get(key) is not None]

    return {
        "workers": workers,
        "clients": len(rows),
        "submitted": len(submitted),
        "rejected": outcomes["rejected"],
        "done": outcomes["done"],
        "failed": outcomes["failed"],
        "cancelled": outcomes["cancelled"],
        "lost": outcomes["lost"],
        "client_errors": outcomes["client error"],
        "wall_s": round(wall, 1) if wall is not None else None,
        "jobs_per_minute": round(len(done) / wall * 60, 2) if wall else None,
        "queue_wait_median_s": _median(values("queue_wait_s")),
        "queue_wait_p90_s": _p90(values("queue_wait_s")),
        "running_seen_median_s": _median(values("running_seen_s")),
        "running_seen_p90_s": _p90(values("running_seen_s")),
        "to_done_median_s": _median(values("to_done_s")),
        "to_done_p90_s": _p90(values("to_done_s")),
        "brief_median_s": _median(values("brief_s")),
        "brief_p90_s": _p90(values("brief_s")),
        "submit_latency_median_s": _median(values("submit_latency_s", submitted)),
        "stories_per_worker": dict.fromkeys(worker_names, 0) | Counter(r.get("worker_name", "?") for r in done),
        "stories_tried_more_than_once": sum(1 for r in rows if (r.get("attempts") or 0) > 1),
        "poll_errors": sum(r.get("poll_errors", 0) for r in rows),
        "errors": dict(Counter(json.dumps(r["error"])[:200] for r in rows if r.get("error"))),
        "rss_peak_mb": {name: round(mb) for name, mb in rss_peak.items()},
        "vmhwm_mb": {name: round(mb) for name, mb in hwm.items()},
        "ready_s": round(ready_s, 1),
    }


def jobs_table(reports: list[dict[str, Any]]) -> str:
    """The reports as a Markdown table (also what is printed)."""

    def pair(report: dict[str, Any], key: str) -> str:
        median, p90 = report[f"{key}_median_s"], report[f"{key}_p90_s"]
        return "–" if median is None else f"{median:.1f} / {p90:.1f}"

    header = (
        "| workers | jobs | done | failed | lost | wall s | jobs/min | queue wait s (median / p90) "
        "| time to done s (median / p90) | brief s (median / p90) | stories per worker "
        "| peak RSS MB: API / workers / redis |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in reports:
        workers_rss = ", ".join(str(mb) for name, mb in r["rss_peak_mb"].items() if name.startswith("worker"))
        spread = " / ".join(str(count) for count in r["stories_per_worker"].values())
        lines.append(
            f"| {r['workers']} | {r['submitted']} | {r['done']} | {r['failed']} | {r['lost']} | {r['wall_s']} "
            f"| {r['jobs_per_minute']} | {pair(r, 'queue_wait')} | {pair(r, 'to_done')} | {pair(r, 'brief')} "
            f"| {spread} | {r['rss_peak_mb']['api']} / {workers_rss} / {r['rss_peak_mb']['redis']} |"
        )
    return "\n".join(lines)


def jobs_main(args: argparse.Namespace) -> int:
    """Run the jobs measurement once per ``--workers`` count; write results.json and results.md."""

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so the ExitStacks stop every process started

    signal.signal(signal.SIGTERM, terminated)
    stories = job_stories(args.clients, args.stories)
    reports = []
    try:
        for workers in args.workers:
            report = run_jobs(args, workers, stories)
            reports.append(report)
            print(json.dumps(report, ensure_ascii=False), flush=True)
    except KeyboardInterrupt:
        print("interrupted; every process started was stopped", file=sys.stderr)
        return 130
    table = jobs_table(reports)
    model = args.model or "the default model"
    note = (
        f"{args.clients} clients, one distinct story each (POST /v1/jobs, polled every {args.poll} s), "
        f"Redis backend, {model}, {os.cpu_count()} CPUs. Queue wait = time to done minus the brief's own "
        "`timings.total`; stories per worker counts done stories; peak RSS sampled every 0.5 s during the run."
    )
    (args.out / "results.md").write_text(f"{note}\n\n{table}\n")
    (args.out / "results.json").write_text(
        json.dumps({"model": args.model, "clients": args.clients, "poll_s": args.poll, "reports": reports}, indent=1)
    )
    print()
    print(table)
    print(f"\nwritten: {args.out / 'results.json'}, {args.out / 'results.md'}")
    ok = all(r["lost"] == 0 and r["failed"] == 0 and r["rejected"] == 0 and r["client_errors"] == 0 for r in reports)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
