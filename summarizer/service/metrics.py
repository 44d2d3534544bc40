"""Prometheus metrics (``GET /metrics``, and a worker's own port): one ``Metrics`` per service.

Each ``Metrics`` holds its own ``CollectorRegistry``, never prometheus_client's global one: a
process may build several apps (the tests build dozens), and a metric registered twice on the
global registry is an error. Names carry the ``summarizer_`` prefix and their unit
(``_seconds``, ``_total``; prometheus_client adds ``_total`` to counters itself).

What is counted where:

- HTTP requests, by route *template* (``/v1/jobs/{job_id}``, never the raw path: ids would make
  one series per job) and status: ``CountRequests``, a pure ASGI middleware.
- Briefs, their latency, time per stage and LLM use: ``observe_brief`` with the brief's JSON,
  called by ``BriefService.write`` in the process that wrote it (the API process on the embedded
  backend; each ``summarizer worker`` on the Redis backend, which exposes its own ``/metrics``).
- Queue depth, job-queue depth, jobs and stories by state: read from the service when scraped.
- Link fetches: ``count_fetch(outcome)``, for the code that fetches articles by link.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A brief takes about 2–6 s on 2 vCPUs with the default model since issue 21 (a 10-article story
# 3.7 s; docs/benchmarks.md), under a second with SmolLM2, and long stories or a busy machine take
# longer; the buckets span these and the deadline (120 s by default).
BRIEF_BUCKETS = (0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300)
# Time to the first verified sentence (what a streaming client waits for).
FIRST_SENTENCE_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60)
# The route label of a request no route matched (404s of any path): one series, not one per path.
UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# usage keys of the brief's JSON (pipeline.py) → the label they get
TOKENS = {"prompt_tokens": "prompt", "completion_tokens": "completion", "cached_tokens": "cached"}
LLM_PHASES = {"prompt_ms": "prompt", "decode_ms": "decode"}


class Watched(Protocol):
    """What the scrape-time gauges read of a ``BriefService`` (duck-typed: no import cycle)."""

    admission: Any
    queue: Any
    store: Any
    settings: Any


class Metrics:
    """The service's metric objects on one registry (``registry``), and what records them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "summarizer_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=r,
        )
        self.briefs = Counter(
            "summarizer_briefs",
            "Briefs asked of this process, by outcome: written (by the model here), cached (served from the "
            "result cache), failed, timeout (past the deadline), cancelled (client gone or job cancelled).",
            ["outcome"],
            registry=r,
        )
        self.brief_seconds = Histogram(
            "summarizer_brief_duration_seconds",
            "Seconds a brief took to write (the pipeline's total; briefs written here, not cache hits).",
            buckets=BRIEF_BUCKETS,
            registry=r,
        )
        self.first_sentence_seconds = Histogram(
            "summarizer_brief_first_sentence_seconds",
            "Seconds from the start of a brief to its first verified sentence (a stream's first event).",
            buckets=FIRST_SENTENCE_BUCKETS,
            registry=r,
        )
        # a counter, not a histogram per stage: ~15 stages × 15 buckets would be 225 series for a
        # figure read as rate(stage) / rate(briefs), the mean time per brief in each stage
        self.stage_seconds = Counter(
            "summarizer_brief_stage_seconds",
            "Seconds spent in each pipeline stage (ingest, segment, clean, resolve, embed, group, dedup, plan, "
            "write, cite, check, headline, ...) over the briefs written here.",
            ["stage"],
            registry=r,
        )
        self.llm_calls = Counter("summarizer_llm_calls", "Calls of the generation model.", registry=r)
        self.llm_tokens = Counter(
            "summarizer_llm_tokens",
            "Tokens of the generation model's calls, by kind: prompt, completion, cached (prompt tokens "
            "reused from the model's cache).",
            ["kind"],
            registry=r,
        )
        self.llm_seconds = Counter(
            "summarizer_llm_seconds",
            "Seconds the generation model spent, by phase: prompt (reading it) and decode (writing).",
            ["phase"],
            registry=r,
        )
        self.rejections = Counter(
            "summarizer_queue_rejections",
            "Briefs refused because the queue was full (429 busy).",
            registry=r,
        )
        self.jobs_accepted = Counter("summarizer_jobs_accepted", "Jobs accepted (POST /v1/jobs, 202).", registry=r)
        self.stories_finished = Counter(
            "summarizer_stories_finished",
            "Job stories finished by this process, by status: done, failed, cancelled.",
            ["status"],
            registry=r,
        )
        self.fetches = Counter(
            "summarizer_fetches",
            "Articles and feeds fetched by link, by outcome: ok, cache_hit, blocked, invalid, timeout, "
            "too_large, unsupported_type, http_status, unreachable.",
            ["outcome"],
            registry=r,
        )
        self._watched = _Watched()
        r.register(self._watched)

    # -- recording ----------------------------------------------------------------------------------

    def observe_brief(self, brief: Mapping[str, Any]) -> None:
        """Record a brief written here, from its JSON document (``render.to_dict``): its
        ``timings`` (ms per stage, ``first_sentence`` and ``total``) and ``usage`` (LLM calls,
        tokens, ms)."""
        self.briefs.labels("written").inc()
        timings: Mapping[str, float] = brief.get("timings", {})
        if "total" in timings:
            self.brief_seconds.observe(timings["total"] / 1000)
        if "first_sentence" in timings:
            self.first_sentence_seconds.observe(timings["first_sentence"] / 1000)
        for stage, ms in timings.items():
            if stage not in ("total", "first_sentence"):
                self.stage_seconds.labels(stage).inc(max(0.0, ms) / 1000)
        usage: Mapping[str, float] = brief.get("usage", {})
        self.llm_calls.inc(usage.get("llm_calls", 0))
        for key, kind in TOKENS.items():
            self.llm_tokens.labels(kind).inc(usage.get(key, 0))
        for key, phase in LLM_PHASES.items():
            self.llm_seconds.labels(phase).inc(max(0.0, usage.get(key, 0.0)) / 1000)

    def count_brief(self, outcome: str) -> None:
        """A brief that was not written here: ``cached``, ``failed``, ``timeout`` or ``cancelled``."""
        self.briefs.labels(outcome).inc()

    def count_fetch(self, outcome: str) -> None:
        """One article or feed fetched by link; ``outcome`` is ``ok``, ``cache_hit`` or a
        ``links.LinkError.outcome`` (``blocked``, ``invalid``, ``timeout``, ``too_large``,
        ``unsupported_type``, ``http_status``, ``unreachable``), never a URL or a message: each
        distinct value is a series of its own."""
        self.fetches.labels(outcome).inc()

    def watch(self, service: Watched) -> None:
        """Read queue depth, job-queue depth and jobs/stories by state from ``service`` when
        scraped (the latest service watched: an app's lifespan may run more than once)."""
        self._watched.service = service


class _Watched(Collector):
    """Gauges computed at scrape time from the watched service.

    Jobs and stories by state are counted by the job store itself when it can do so cheaply
    (``counts()``: one GROUP BY on the embedded SQLite store, whose rows expire with their jobs).
    The Redis store has no such count (it would have to SCAN every key of every job), so on that
    backend only the counters of transitions speak: ``summarizer_jobs_accepted_total`` on the API,
    ``summarizer_stories_finished_total`` on each worker."""

    def __init__(self) -> None:
        self.service: Watched | None = None

    def describe(self) -> Iterable[Metric]:
        return []  # collected on demand; nothing to check at registration

    def collect(self) -> Iterable[Metric]:
        service = self.service
        if service is None:
            return
        depth = GaugeMetricFamily(
            "summarizer_queue_depth", "Briefs running or waiting in this process's queue (at most queue_capacity)."
        )
        depth.add_metric([], service.admission.inside)
        yield depth
        capacity = GaugeMetricFamily(
            "summarizer_queue_capacity", "Briefs that may run or wait at once here (SUMMARIZER_QUEUE + 1)."
        )
        capacity.add_metric([], service.settings.queue_size + 1)
        yield capacity
        waiting = getattr(service.queue, "depth", None)
        if waiting is not None:
            stories = GaugeMetricFamily(
                "summarizer_job_queue_depth", "Job stories waiting in the job queue, not yet taken by a worker."
            )
            stories.add_metric([], waiting())
            yield stories
        counts = getattr(service.store, "counts", None)
        if counts is not None:
            jobs, by_story = counts()
            for name, help_text, values in (
                ("summarizer_jobs", "Jobs kept (not expired), by status.", jobs),
                ("summarizer_stories", "Stories of the jobs kept, by status.", by_story),
            ):
                family = GaugeMetricFamily(name, help_text, labels=["status"])
                for status, count in sorted(values.items()):
                    family.add_metric([status], count)
                yield family


def route_of(scope: Scope) -> str:
    """The template of the route ``scope`` goes to (``/v1/jobs/{job_id}``), a mount's path with
    ``/{path}``, or ``UNMATCHED``: a bounded set of labels whatever paths clients send."""
    app = scope.get("app")
    router = getattr(app, "router", None)
    for route in getattr(router, "routes", ()):
        match, _ = route.matches(scope)
        if match != Match.NONE:  # PARTIAL: the path matches, the method does not (405)
            return f"{route.path}/{{path}}" if isinstance(route, Mount) else route.path
    return UNMATCHED


class CountRequests:
    """Pure ASGI middleware: every HTTP request counted in ``summarizer_http_requests_total``
    by method, route template and the status it was answered with (500 when the app raised
    before answering; the exception goes on to the error handler)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"] if scope["method"] in METHODS else "other"
        route = route_of(scope)
        status = 0

        async def counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counted)
        except BaseException:
            status = status or 500
            raise
        finally:
            # a client gone before any answer (499 in nginx's words) is still a request
            self.metrics.requests.labels(method, route, str(status or 499)).inc()


class WorkerMetrics(Metrics):
    """A ``summarizer worker``'s metrics: the service's, plus its heartbeat."""

    def __init__(self) -> None:
        super().__init__()
        self.heartbeat = Gauge(
            "summarizer_worker_heartbeat_timestamp_seconds",
            "Unix time this worker last found itself alive and Redis answering; alert when "
            "time() - this exceeds SUMMARIZER_WORKER_HEARTBEAT_S.",
            registry=self.registry,
        )
        self.beat()

    def beat(self) -> None:
        self.heartbeat.set(time.time())
