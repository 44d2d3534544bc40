"""The service: what the HTTP routes, the CLI and the workers share.

``BriefService`` owns a brief request's way through the service: check (refuse bad input in
milliseconds, before any wait) → cache (content-addressed) → queue → run → render, streamed or
not, and the jobs built on it. Routes keep only HTTP (status codes, headers, negotiation).
``failure`` is the one wording of every error a brief can end in, for HTTP answers, a job's
per-story error objects and the CLI alike.

Two backends, chosen by ``SUMMARIZER_REDIS_URL``: embedded (default: briefs written in this
process, one at a time behind a bounded queue, ``admission.py``; SQLite cache and job store) and
Redis (``redis_backend.py``: queue, job store and cache in Redis; ``summarizer worker``
processes write the briefs, this process admits, stores and answers).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from summarizer.brief.check import MAX_CLAIM_CHARS, MAX_CLAIMS, ClaimCheck, validate_claims
from summarizer.brief.ingest import Limits
from summarizer.brief.pipeline import BriefOptions, Summarizer, prepare
from summarizer.brief.render import brief_event, renderings, sentence_dict, sentence_event
from summarizer.errors import BriefCancelled, GenerationError, InputError, InputTooLargeError, ModelError
from summarizer.runtime import home
from summarizer.service import request_ids, webhook
from summarizer.service.admission import Admission, QueueFull
from summarizer.service.cache import BriefCache, cache_key
from summarizer.service.feeds import parse_since
from summarizer.service.jobs import (
    FINISHED,
    JobQueue,
    JobState,
    JobStore,
    LocalQueue,
    NewJob,
    SqliteJobStore,
    Webhooks,
    deliver,
    job_document,
    run_story,
)
from summarizer.service.links import Fetcher, LinkError, all_fetched, fetch_links
from summarizer.service.metrics import Metrics
from summarizer.service.morning import gather, group_articles
from summarizer.service.settings import ServiceSettings

log = logging.getLogger("summarizer.service.brief_service")

Format = Literal["json", "markdown", "html"]
_SENTENCES, _WORDS = BriefOptions.RANGES["max_sentences"], BriefOptions.RANGES["max_words"]


# ---- the one request schema (HTTP bodies, stored job requests) ---------------------------------


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, description="unique within the request; default article-N")
    title: str | None = None
    url: str | None = Field(
        default=None,
        description="http(s) link shown in citations; given alone (no text, no html), the service fetches the page "
        "and reads its article (a link that cannot be fetched is reported in warnings, the brief is of the others)",
    )
    source: str | None = Field(default=None, description="outlet name")
    published: str | None = Field(default=None, description="ISO 8601 date or time")
    text: str | None = Field(
        default=None, description="plain text or an HTML snippet (stripped); at most 50,000 characters"
    )
    html: str | None = Field(
        default=None,
        description="the whole HTML page instead of text: its article body, title and date are extracted; "
        "at most 2,000,000 characters",
    )


class OptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_sentences: int = Field(default=BriefOptions.max_sentences, ge=_SENTENCES[0], le=_SENTENCES[1])
    max_words: int = Field(default=BriefOptions.max_words, ge=_WORDS[0], le=_WORDS[1])
    headline: bool = Field(
        default=BriefOptions.headline,
        description="a one-line headline cut from an opening sentence, checked like the sentences; null if none passes",
    )
    model: str | None = Field(default=None, description="must be the served model (GET /v1/models) or null")

    def brief_options(self) -> BriefOptions:
        return BriefOptions(self.max_sentences, self.max_words, self.headline)


class BriefRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(description="1 to 20 articles about one story")
    options: OptionsIn = OptionsIn()


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(description="1 to 20 articles, as for a brief")
    # the limits are checked by ``validate_claims`` (413 past them, 422 for an empty list), not here
    claims: list[str] = Field(
        description=f"1 to {MAX_CLAIMS} claims, each a non-empty string of at most {MAX_CLAIM_CHARS:,} "
        "characters; a claim may be several sentences (it is supported only if all of them are)"
    )


MAX_FEEDS = 50


class JobRequest(BaseModel):
    """One brief request (``articles`` and ``options``) or a batch (``stories``), and a webhook."""

    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] | None = Field(default=None, description="one story's articles (or use stories)")
    options: OptionsIn | None = Field(default=None, description="options of the one story")
    stories: list[BriefRequest] | None = Field(
        default=None, description="a batch: brief requests, answered in this order (SUMMARIZER_MAX_STORIES at most)"
    )
    group: bool = Field(
        default=False,
        description="with articles: a morning's articles (up to SUMMARIZER_MAX_GROUP_ARTICLES), grouped into "
        "stories first; each story of at least SUMMARIZER_GROUP_MIN_SIZE articles gets a brief (options apply to "
        "each), the story carried by most outlets first; results[] then carry label and article_ids, and the job "
        "lists the articles left on their own (unassigned) and those refused (articles_refused)",
    )
    feeds: list[str] | None = Field(
        default=None,
        description=f"with group: true, up to {MAX_FEEDS} RSS, Atom or JSON Feed URLs whose entries are grouped "
        "(with any articles given) into stories; each entry's full content is used when the feed carries it, else "
        "its link is fetched; unreadable feeds and entries are listed in articles_refused",
    )
    since: str | None = Field(
        default=None, description="with feeds: ISO 8601 date or time; entries published before it are skipped"
    )
    callback_url: str | None = Field(
        default=None,
        description="http(s) URL POSTed the job's document when it ends done or failed, signed "
        "(X-Summarizer-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.' + body>); retried with backoff",
    )

    def story_requests(self) -> list[BriefRequest]:
        """The stories as asked (none yet for feeds: they are grouped first); ``InputError`` for
        a combination that makes no sense."""
        if self.since is not None and self.feeds is None:
            raise InputError("since applies to feeds (entries older than it are skipped); give feeds.", field="since")
        if self.feeds is not None:
            if not self.group or self.stories is not None:
                raise InputError(
                    'feeds are read into a morning\'s articles and grouped into stories: send them with "group": true '
                    "(and articles, if any, not stories).",
                    field="feeds",
                )
            if not self.feeds:
                raise InputError("feeds is empty: give at least one feed URL.", field="feeds")
            if len(self.feeds) > MAX_FEEDS:
                raise InputTooLargeError(
                    f"{len(self.feeds)} feeds given; the limit is {MAX_FEEDS} per job.", field="feeds"
                )
            return []
        if (self.stories is None) == (self.articles is None):
            raise InputError(
                "give either articles (one story) or stories (a batch), not both or neither.", field="body"
            )
        if self.group and self.stories is not None:
            raise InputError(
                "group applies to articles (one list to group into stories), not to stories.", field="group"
            )
        if self.stories is not None:
            if not self.stories:
                raise InputError("stories is empty: give at least one story (or articles).", field="stories")
            if self.options is not None:
                raise InputError("options belong inside each story of a batch.", field="options")
            return self.stories
        return [BriefRequest(articles=self.articles or [], options=self.options or OptionsIn())]


# ---- errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """An error as the service answers it: HTTP status, stable code, message, field, headers."""

    status: int
    code: str
    message: str
    field: str | None = None
    headers: Mapping[str, str] | None = None

    def error_object(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


def failure(error: BaseException, settings: ServiceSettings) -> Failure | None:
    """The service's answer to an error a brief can end in; None for an unexpected one."""
    if isinstance(error, QueueFull):
        message = f"{error}; at most {settings.queue_size} briefs wait at once."
        return Failure(429, "busy", message, None, {"Retry-After": str(error.retry_after_s)})
    if isinstance(error, TimeoutError):
        message = (
            f"the brief was not finished within {settings.deadline_s:g} s; "
            "it was stopped. Retry later or send fewer articles."
        )
        return Failure(504, "deadline", message)
    if isinstance(error, InputTooLargeError):
        return Failure(413, error.code, str(error), error.field)
    if isinstance(error, InputError):
        return Failure(422, error.code, str(error), error.field)
    if isinstance(error, StoryFailed):
        code = error.error.get("code", "internal")
        return Failure(_STATUS_OF.get(code, 422), code, str(error), error.error.get("field"))
    if isinstance(error, GenerationError | ModelError):
        log.error("generation failed: %s", error)
        return Failure(503, "generation_failed", f"the model failed on this request: {error}")
    return None


# a worker's story error object → the status the synchronous brief answers with
_STATUS_OF = {"deadline": 504, "too_large": 413, "generation_failed": 503, "worker_lost": 503, "internal": 500}


class NotFound(Exception):
    """No such job for this key (or it expired)."""


class Conflict(Exception):
    """The job already finished."""


# ---- the service -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """A checked brief request: its articles as plain dicts, its options, the model it was
    admitted for, its cache key."""

    articles: tuple[dict[str, Any], ...]
    options: BriefOptions
    model: str
    key: str
    # per position, an article whose link could not be fetched: (index, field, why)
    unavailable: tuple[tuple[int, str, str], ...] = ()

    def request(self) -> dict[str, Any]:
        """The request as a job stores it (links already fetched, failed ones with why); the model
        is named, so a worker serving another model fails the story (``model_not_served``)
        instead of writing it with the wrong one."""
        request = {"articles": list(self.articles), "options": {**asdict(self.options), "model": self.model}}
        if self.unavailable:
            request["unavailable"] = [{"index": i, "field": f, "message": m} for i, f, m in self.unavailable]
        return request

    def unavailable_errors(self) -> dict[int, InputError]:
        """``unavailable`` as ingest takes it."""
        return {i: LinkError(m, field=f, outcome="stored") for i, f, m in self.unavailable}


class Cache(Protocol):
    def get(self, key: str) -> dict[str, Any] | None: ...
    def put(self, key: str, value: dict[str, Any]) -> None: ...


def load_summarizer(model: str | None) -> Summarizer:
    """MiniLM + the named generation model, resolved but not loaded (loading is ``warm_up``):
    what ``summarizer brief``, the embedded API and a worker run."""
    from summarizer.models.embed import MiniLMEmbedder
    from summarizer.models.registry import load_generator

    return Summarizer(MiniLMEmbedder(), load_generator(model))


def owner_of(api_key: str | None) -> str | None:
    """Who owns a job: a hash of the API key (keys are never stored), None without keys."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:32] if api_key else None


class BriefService:
    """check → cache → queue → run → render, for the routes, the CLI and the workers.

    ``summarizer`` is None in the Redis backend's API process (workers hold the models; claim
    checks load the embedder alone, on first use)."""

    def __init__(
        self,
        settings: ServiceSettings,
        summarizer: Summarizer | None,
        *,
        model_name: str,
        cache: Cache,
        store: JobStore,
        queue: JobQueue | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.summarizer = summarizer
        self.model_name = model_name
        self.cache = cache
        self.store = store
        self.queue: JobQueue | None = queue
        self.admission = Admission(settings.queue_size)
        # one brief at a time on this process's model: the synchronous briefs and the job thread share it
        self._model_lock = threading.Lock()
        self._check_lock = asyncio.Lock()
        self._check_embedder: Any = None
        self.webhooks = Webhooks(settings.webhook_secret, settings.webhook_attempts, settings.webhook_allow_private)
        # what this service did (briefs, LLM use, jobs); its queue and job store are read when scraped
        self.metrics = metrics or Metrics()
        self.metrics.watch(self)
        self.fetcher = Fetcher(settings.fetch_policy(), on_outcome=self.metrics.count_fetch)

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def embedded(
        cls, settings: ServiceSettings, summarizer: Summarizer, metrics: Metrics | None = None
    ) -> BriefService:
        """The single-box backend: SQLite cache and job store, jobs on a thread of this process.
        Stories a stopped process left unfinished are queued again."""
        cache_path = settings.cache_path or home() / "cache.sqlite"
        store = SqliteJobStore(cache_path.with_name("jobs.sqlite"))
        service = cls(
            settings,
            summarizer,
            model_name=summarizer.generator.name,
            cache=BriefCache(cache_path),
            store=store,
            metrics=metrics,
        )
        local = LocalQueue(service.run_story, service.deliver)
        service.queue = local
        resumed = local.resume(store)
        if resumed:
            log.info("queued again %d unfinished job stories", resumed)
        return service

    # -- check ------------------------------------------------------------------------------------

    def story(self, request: BriefRequest | Mapping[str, Any]) -> Story:
        """The checked request (``InputError`` for anything a brief would refuse), without a model.
        Articles given by link alone are fetched here (``links.fetch_links``; seconds, so callers
        on the event loop run this in a thread); a stored job request carries its failed links."""
        stored: list[Mapping[str, Any]] = []
        if not isinstance(request, BriefRequest):
            stored = list(request.get("unavailable", []))
            request = BriefRequest.model_validate({k: v for k, v in request.items() if k != "unavailable"})
        if request.options.model not in (None, self.model_name):
            raise InputError(
                f"model {request.options.model!r} is not served here; this server runs {self.model_name!r} "
                "(see GET /v1/models).",
                field="options.model",
                code="model_not_served",
            )
        options = request.options.brief_options().validated()
        unavailable = {int(u["index"]): (str(u["field"]), str(u["message"])) for u in stored}
        raw = [article.model_dump(exclude_none=True) for article in request.articles]
        linked = fetch_links(raw, self.fetcher, skip=unavailable.keys())
        unavailable.update({i: (e.field, str(e)) for i, e in linked.unavailable.items()})
        story = Story(
            linked.articles,
            options,
            self.model_name,
            cache_key(linked.articles, asdict(options), self.model_name),
            tuple((i, field, message) for i, (field, message) in sorted(unavailable.items())),
        )
        prepare(
            story.articles,
            self.summarizer.limits if self.summarizer else Limits(),
            unavailable=story.unavailable_errors(),
        )
        return story

    # -- run --------------------------------------------------------------------------------------

    def write(
        self,
        story: Story,
        cancel: threading.Event,
        on_sentence: Callable[[dict[str, Any]], None] = lambda _: None,
        on_plan: Callable[[int], None] = lambda _: None,
        *,
        deadline_s: float | None = None,
    ) -> dict[str, Any]:
        """The renderings of a checked story, from the cache or written now on this process's
        model (one at a time). Past ``deadline_s`` the brief stops with ``TimeoutError``.
        Counted in ``metrics``: written (with its timings and LLM use), cached, failed, timeout."""
        cached = self.cache.get(story.key)
        if cached is not None:
            self.metrics.count_brief("cached")
            for sentence in cached["json"]["sentences"]:
                on_sentence(sentence)
            return cached
        if self.summarizer is None:
            raise RuntimeError("this process has no model: briefs are written by `summarizer worker`")
        timed_out = threading.Event()
        timer = threading.Timer(deadline_s, lambda: (timed_out.set(), cancel.set())) if deadline_s else None
        try:
            with self._model_lock:
                if timer is not None:
                    timer.start()
                brief = self.summarizer.brief(
                    story.articles,
                    story.options,
                    cancel=cancel,
                    unavailable=story.unavailable_errors(),
                    on_sentence=lambda _, sentence: on_sentence(sentence_dict(sentence)),
                    on_plan=on_plan,
                )
        except BriefCancelled:
            if timed_out.is_set():
                self.metrics.count_brief("timeout")
                raise TimeoutError from None
            raise  # counted by whoever cancelled it (a client gone, a job cancelled)
        except Exception:
            self.metrics.count_brief("failed")
            raise
        finally:
            if timer is not None:
                timer.cancel()
        result = renderings(brief)
        self.metrics.observe_brief(result["json"])
        # one line a brief, in the worker thread yet with the id of the request that asked for it
        log.info(
            "brief written: %d sentence(s) in %.2f s, %d LLM call(s)",
            len(brief.sentences),
            brief.timings_ms.get("total", 0.0) / 1000,
            brief.usage.get("llm_calls", 0),
        )
        self.cache.put(story.key, result)
        return result

    def _admit(self, work: Callable[[threading.Event], dict[str, Any]]) -> tuple[asyncio.Task, threading.Event]:
        """``admission.submit``, a full queue counted (``QueueFull`` goes on to the caller)."""
        try:
            return self.admission.submit(work)
        except QueueFull:
            self.metrics.rejections.inc()
            raise

    async def brief(self, story: Story, gone: Callable[[], Awaitable[bool]]) -> tuple[dict[str, Any] | None, str]:
        """(renderings, "hit"|"miss"); renderings None when the caller went away (``gone``).
        Raises ``QueueFull``, ``TimeoutError`` and the brief's own errors."""
        cached = await asyncio.to_thread(self.cache.get, story.key)
        if cached is not None:
            self.metrics.count_brief("cached")
            return cached, "hit"
        if self.summarizer is None:
            return await self._brief_by_worker(story, gone), "miss"
        task, cancel = self._admit(lambda cancel: self.write(story, cancel))
        deadline = time.monotonic() + self.settings.deadline_s
        while True:
            done, _ = await asyncio.wait({task}, timeout=0.25)
            if done:
                try:
                    return task.result(), "miss"
                except BriefCancelled:  # cancelled between our check and its finish
                    return None, "miss"
            if await gone():
                cancel.set()
                self.metrics.count_brief("cancelled")
                return None, "miss"
            if time.monotonic() > deadline:
                cancel.set()
                self.metrics.count_brief("timeout")
                raise TimeoutError

    async def stream(self, story: Story, fmt: Format) -> tuple[AsyncIterator[dict[str, Any]], str]:
        """(events, "hit"|"miss"): a ``sentence`` event as each sentence is verified, then the
        ``brief`` event, or an ``error`` event. A full queue raises ``QueueFull`` here, before
        any event, so it is a plain 429."""
        cached = await asyncio.to_thread(self.cache.get, story.key)
        if cached is not None:
            self.metrics.count_brief("cached")
            return _replayed(cached, fmt), "hit"
        if self.summarizer is None:
            return self._stream_by_worker(story, fmt), "miss"
        loop = asyncio.get_running_loop()
        ready: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        written = 0

        def on_sentence(sentence: dict[str, Any]) -> None:  # in the worker thread
            nonlocal written
            written += 1
            loop.call_soon_threadsafe(ready.put_nowait, sentence_event(written, sentence))

        task, cancel = self._admit(lambda cancel: self.write(story, cancel, on_sentence))

        async def events() -> AsyncIterator[dict[str, Any]]:
            deadline = time.monotonic() + self.settings.deadline_s
            next_event: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(ready.get())
            try:
                while True:
                    done, _ = await asyncio.wait({task, next_event}, timeout=0.25, return_when=asyncio.FIRST_COMPLETED)
                    if next_event in done:
                        yield next_event.result()
                        next_event = asyncio.ensure_future(ready.get())
                        continue
                    if task in done:
                        # the worker scheduled its sentence events before its result: drain them
                        while not ready.empty():
                            yield ready.get_nowait()
                        try:
                            result = task.result()
                        except BriefCancelled:
                            return
                        except Exception as error:
                            yield self.error_event(error)
                            return
                        yield brief_event(result, fmt)
                        return
                    if time.monotonic() > deadline:
                        cancel.set()
                        self.metrics.count_brief("timeout")
                        yield self.error_event(TimeoutError())
                        return
            finally:
                next_event.cancel()
                if not task.done() and not cancel.is_set():  # the client went away (Starlette cancels the stream)
                    cancel.set()
                    self.metrics.count_brief("cancelled")

        return events(), "miss"

    def error_event(self, error: BaseException) -> dict[str, Any]:
        explained = failure(error, self.settings)
        if explained is None:
            raise error
        error_object = explained.error_object()
        if (request_id := request_ids.current()) is not None:
            error_object["request_id"] = request_id
        return {"event": "error", "status": explained.status, "error": error_object}

    async def check_claims(
        self, articles: Sequence[Mapping[str, Any]], claims: Sequence[str]
    ) -> tuple[ClaimCheck, ...]:
        """Each claim checked against the articles as brief sentences are (embedder only; one
        check at a time: two at once only split the same cores)."""
        from summarizer.brief.check import check_claims

        claims = validate_claims(claims)
        limits = self.summarizer.limits if self.summarizer else Limits()
        linked = await asyncio.to_thread(fetch_links, articles, self.fetcher)
        all_fetched(linked.unavailable)
        articles = linked.articles
        prepare(articles, limits)  # bad articles are refused before waiting for the lock
        async with self._check_lock:
            embedder = self.summarizer.embedder if self.summarizer else await asyncio.to_thread(self._embedder)
            return await asyncio.to_thread(check_claims, articles, claims, embedder, limits)

    def _embedder(self) -> Any:
        if self._check_embedder is None:
            from summarizer.models.embed import MiniLMEmbedder

            embedder = MiniLMEmbedder()
            embedder.warm_up()
            self._check_embedder = embedder
        return self._check_embedder

    # -- jobs -------------------------------------------------------------------------------------

    def submit_job(self, request: JobRequest, owner: str | None) -> dict[str, Any]:
        """Admit a job: every story checked now (a bad one is stored as that story's error; all
        bad is an ``InputError``), the callback URL checked, then each story queued. With
        ``group``, the articles are grouped into stories first (``group_articles``, here, before
        the answer: about 20 ms an article), each story briefed with the request's options."""
        stories = request.story_requests()
        grouping = None
        if request.group:
            gathered = gather(
                [article.model_dump(exclude_none=True) for article in request.articles or []],
                self.fetcher,
                feeds=request.feeds or (),
                since=parse_since(request.since),
            )
            grouped = group_articles(
                gathered.articles,
                self.summarizer.embedder if self.summarizer else self._embedder(),
                unavailable=gathered.unavailable,
                origins=gathered.origins,
                refused_before=gathered.refused,
                max_articles=self.settings.max_group_articles,
                min_size=self.settings.group_min_size,
            )
            options = request.options or OptionsIn()
            stories = [
                BriefRequest(articles=[ArticleIn(**article) for article in briefed], options=options)
                for briefed in grouped.briefed
            ]
            grouping = grouped.grouping()
        elif len(stories) > self.settings.max_stories:
            raise InputTooLargeError(
                f"a batch holds at most {self.settings.max_stories} stories (SUMMARIZER_MAX_STORIES); "
                f"got {len(stories)}. Split it into several jobs.",
                field="stories",
            )
        if request.callback_url is not None:
            if self.settings.webhook_secret is None:
                raise InputError(
                    "this service has no webhook secret (SUMMARIZER_WEBHOOK_SECRET), so it cannot sign "
                    "callbacks; poll GET /v1/jobs/{id} instead.",
                    field="callback_url",
                )
            webhook.check_callback_url(request.callback_url, allow_private=self.settings.webhook_allow_private)
        checked: list[dict[str, Any]] = []
        refused: list[dict[str, Any] | None] = []
        for number, story_request in enumerate(stories):
            try:
                checked.append(self.story(story_request).request())
                refused.append(None)
            except InputError as error:
                if request.stories is None and not request.group:
                    raise
                prefix = f"stories[{number}]"
                explained = failure(error, self.settings)
                assert explained is not None
                checked.append(story_request.model_dump(exclude_none=True))
                refused.append({**explained.error_object(), "field": f"{prefix}.{error.field}"})
        if all(r is not None for r in refused):
            first = next(r for r in refused if r is not None)
            raise InputError(
                f"no story of the batch can be briefed; the first: {first['message']}", field=first["field"]
            )
        job = NewJob(
            owner, tuple(checked), tuple(refused), request.callback_url, self.settings.job_ttl_s, grouping=grouping
        ).with_id()
        self.store.create(job)
        self.metrics.jobs_accepted.inc()
        # the job's own log lines (written by the job thread or a worker, outside this request) name
        # the job id: this line ties it to the request id
        queued = sum(problem is None for problem in refused)
        log.info("job %s accepted: %d stories, %d queued", job.id, len(refused), queued)
        assert self.queue is not None
        for index, problem in enumerate(refused):
            if problem is None:
                self.queue.enqueue_story(job.id, index)
        state = self.store.get(job.id)
        assert state is not None
        return job_document(state, "json")

    def job(self, job_id: str, owner: str | None, fmt: Format = "json") -> dict[str, Any]:
        return job_document(self._owned(job_id, owner), fmt)

    def cancel_job(self, job_id: str, owner: str | None) -> dict[str, Any]:
        job = self._owned(job_id, owner)
        if not self.store.cancel(job_id):
            raise Conflict(f"job {job_id} has already ended ({job.status}); there is nothing to cancel.")
        return self.job(job_id, owner)

    def _owned(self, job_id: str, owner: str | None) -> JobState:
        job = self.store.get(job_id)
        # another key's job is "not found", not "forbidden": its existence is not revealed
        if job is None or job.owner != owner:
            raise NotFound(
                f"no job {job_id} for this API key (jobs expire {self.settings.job_ttl_s:,} s after creation)."
            )
        return job

    def run_story(self, job_id: str, index: int) -> None:
        """Write one story of a job (what the embedded job thread and a Redis worker call)."""
        assert self.queue is not None
        status = run_story(
            self.store,
            self.queue,
            lambda request, cancel, on_sentence, on_plan: self.write(
                self.story(request), cancel, on_sentence, on_plan, deadline_s=self.settings.deadline_s
            ),
            lambda error: (f := failure(error, self.settings)) and f.error_object(),
            job_id,
            index,
            tries=self.settings.job_tries,
            webhooks=self.webhooks,
        )
        if status is not None:
            self.metrics.stories_finished.labels(status).inc()
            if status == "cancelled":
                self.metrics.count_brief("cancelled")

    def deliver(self, job_id: str, attempt: int) -> None:
        assert self.queue is not None
        deliver(self.store, self.queue, job_id, attempt, self.webhooks)

    # -- the Redis backend's synchronous briefs: a one-story job, waited for ------------------------

    async def _brief_by_worker(self, story: Story, gone: Callable[[], Awaitable[bool]]) -> dict[str, Any] | None:
        job_id = self._submit_internal(story)
        deadline = time.monotonic() + self.settings.deadline_s
        while True:
            state = await asyncio.to_thread(self.store.get, job_id)
            if state is not None and state.stories[0].status in FINISHED:
                return _story_result(state)
            if await gone():
                await asyncio.to_thread(self.store.cancel, job_id)
                return None
            if time.monotonic() > deadline:
                await asyncio.to_thread(self.store.cancel, job_id)
                raise TimeoutError
            await asyncio.sleep(0.25)

    async def _stream_by_worker(self, story: Story, fmt: Format) -> AsyncIterator[dict[str, Any]]:
        job_id = self._submit_internal(story)
        deadline = time.monotonic() + self.settings.deadline_s
        sent = 0
        finished = False
        try:
            while True:
                state = await asyncio.to_thread(self.store.get, job_id)
                if state is None:
                    return
                for sentence in state.stories[0].sentences[sent:]:
                    sent += 1
                    yield sentence_event(sent, sentence)
                if state.stories[0].status in FINISHED:
                    finished = True
                    try:
                        result = _story_result(state)
                    except Exception as error:
                        yield self.error_event(error)
                        return
                    if result is not None:
                        yield brief_event(result, fmt)
                    return
                if time.monotonic() > deadline:
                    yield self.error_event(TimeoutError())
                    return
                await asyncio.sleep(0.25)
        finally:
            if not finished:
                await asyncio.to_thread(self.store.cancel, job_id)

    def _submit_internal(self, story: Story) -> str:
        job = NewJob(None, (story.request(),), (None,), None, self.settings.job_ttl_s).with_id()
        self.store.create(job)
        assert self.queue is not None
        self.queue.enqueue_story(job.id, 0)
        return job.id


def _story_result(state: JobState) -> dict[str, Any] | None:
    """A finished one-story job's renderings; its error re-raised as the service's error."""
    story = state.stories[0]
    if story.result and "renderings" in story.result:
        return story.result["renderings"]
    if story.status == "cancelled":
        return None
    error = (story.result or {}).get("error", {})
    raise StoryFailed(error)


class StoryFailed(Exception):
    """A story a worker failed, carrying its error object (the Redis backend's synchronous briefs)."""

    def __init__(self, error: Mapping[str, Any]) -> None:
        super().__init__(error.get("message", "the brief failed"))
        self.error = dict(error)


def _replayed(result: dict[str, Any], fmt: Format) -> AsyncIterator[dict[str, Any]]:
    """A cached brief as the events a fresh one would have streamed."""

    async def events() -> AsyncIterator[dict[str, Any]]:
        for number, sentence in enumerate(result["json"]["sentences"], 1):
            yield sentence_event(number, sentence)
        yield brief_event(result, fmt)

    return events()
