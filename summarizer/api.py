"""HTTP API: a thin FastAPI layer over ``Summarizer`` (pydantic lives only here).

``create_app()`` builds everything from the environment (``ServiceSettings``); its
lifespan loads and warms the models once. Briefs run one at a time in a worker thread
behind a bounded queue (``admission.py``) and are cached by content (``cache.py``). Claim
checks (``POST /v1/check``, embedder only, about a second) skip that queue: they run one at a
time in a thread of their own, beside a brief. Every error is JSON ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summarizer import __version__
from summarizer.admission import Admission, QueueFull
from summarizer.cache import BriefCache, cache_key
from summarizer.check import MAX_CLAIM_CHARS, MAX_CLAIMS, validate_claims
from summarizer.config import ServiceSettings, home
from summarizer.errors import BriefCancelled, GenerationError, InputError, InputTooLargeError, ModelError
from summarizer.files import read_articles
from summarizer.pipeline import BriefOptions, Summarizer
from summarizer.render import brief_event, check_dict, renderings, sentence_dict, sentence_event
from summarizer.types import BriefSentence

log = logging.getLogger("summarizer.api")

MEDIA_TYPES = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, description="unique within the request; default article-N")
    title: str | None = None
    url: str | None = Field(default=None, description="http(s) link shown in citations")
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
    max_sentences: int = Field(default=5, ge=1, le=20)
    max_words: int = Field(default=150, ge=20, le=600)
    headline: bool = Field(
        default=True,
        description="a one-line headline cut from an opening sentence, checked like the sentences; null if none passes",
    )
    model: str | None = Field(default=None, description="must be the served model (GET /v1/models) or null")


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


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(
    status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status, headers=headers, content={"error": {"code": code, "message": message, "field": field}}
    )


class RequestGuard:
    """Pure ASGI middleware for request bodies: 415 unless JSON, 413 past ``max_bytes``
    (checked on ``Content-Length`` and again while reading, so a chunked body cannot get round it)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media != b"application/json" and not media.endswith(b"+json"):
            shown = media.decode("latin-1") or "none"
            await error_response(
                415,
                "unsupported_media_type",
                f"the body must be JSON (Content-Type: application/json); got {shown}.",
                "content-type",
            )(scope, receive, send)
            return
        too_large = error_response(413, "too_large", f"the body is larger than {self.max_bytes:,} bytes.", "body")
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _field_path(location: tuple | list) -> str:
    """``("body", "articles", 0, "text")`` → ``articles[0].text``, as ingest names fields."""
    path = ""
    for part in location:
        if part == "body":
            continue
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _example_articles() -> list[dict[str, Any]]:
    """The seeds as the OpenAPI request example when running from a checkout."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    try:
        return read_articles([seeds])
    except InputError:
        return [
            {"id": "a", "text": "Russia and Ukraine agreed to swap 1,000 prisoners of war each."},
            {
                "id": "b",
                "text": "The two countries will exchange 1,000 prisoners, negotiators said in Istanbul. "
                "Though a ceasefire agreement is still elusive, the release of 1,000 PoWs is the biggest "
                "prisoner of war swap between the nations so far.",
            },
        ]


def create_app(
    summarizer_factory: Callable[[], Summarizer] | None = None, settings: ServiceSettings | None = None
) -> FastAPI:
    """The app. ``summarizer_factory`` defaults to MiniLM + the default GGUF model; ``settings``
    to ``ServiceSettings.from_env()``."""
    settings = settings or ServiceSettings.from_env()
    example = {"articles": _example_articles(), "options": {"max_sentences": 5, "max_words": 150}}
    check_example = {
        "articles": example["articles"],
        "claims": [
            # a seed's sentence, and the same with its number changed (the seeds never say 2,000)
            "Though a ceasefire agreement is still elusive, the release of 1,000 PoWs is the biggest prisoner "
            "of war swap between the nations so far.",
            "Though a ceasefire agreement is still elusive, the release of 2,000 PoWs is the biggest prisoner "
            "of war swap between the nations so far.",
        ],
    }

    def default_factory() -> Summarizer:
        from summarizer.embed import MiniLMEmbedder
        from summarizer.models import load_generator

        return Summarizer(MiniLMEmbedder(), load_generator(settings.model))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            summarizer = (summarizer_factory or default_factory)()
            await asyncio.to_thread(summarizer.warm_up)
        except ModelError as error:
            # one line that says what to run, before uvicorn's own "startup failed"
            log.critical("cannot start: %s", error)
            raise
        app.state.summarizer = summarizer
        app.state.admission = Admission(settings.queue_size)
        app.state.cache = BriefCache(settings.cache_path or home() / "cache.sqlite")
        app.state.check_lock = asyncio.Lock()
        app.state.ready = True
        yield
        app.state.ready = False

    app = FastAPI(
        title="summarizer",
        version=__version__,
        lifespan=lifespan,
        description="Cited briefs of several news articles about one story. Every sentence of a brief "
        "cites the source sentences that support it; `POST /v1/check` checks any claim the same way.",
    )
    app.state.ready = False
    app.add_middleware(RequestGuard, max_bytes=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        if first.get("type") == "json_invalid":
            return error_response(422, "invalid_json", f"the body is not valid JSON: {first.get('msg')}.")
        field = _field_path(first.get("loc", ()))
        return error_response(422, "invalid", f"{field or 'body'}: {first['msg']}.", field or None)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:
            # FastAPI's only 400: a body it cannot decode at all (not UTF-8), found by schemathesis.
            # Same answer as malformed JSON, so clients meet one documented code for both.
            return error_response(422, "invalid_json", "the body is not valid JSON: it must be UTF-8 encoded JSON.")
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(error.status_code, "error")
        return error_response(error.status_code, code, str(error.detail), None, getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "an unexpected server error occurred; it has been logged.")

    def authorize(request: Request) -> None:
        if not settings.api_keys:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not any(hmac.compare_digest(token.strip(), k) for k in settings.api_keys):
            raise StarletteHTTPException(
                401,
                "a valid API key is required: send `Authorization: Bearer <key>`.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": description}
        for status, description in {
            401: "missing or wrong API key (when SUMMARIZER_API_KEYS is set)",
            413: "too many articles, an article too long, or the body too large",
            415: "the body is not JSON",
            422: "a field breaks a rule; `field` names it",
            429: "the queue is full; retry after `Retry-After` seconds",
            503: "the model failed on this request",
            504: "the brief was not finished before the deadline",
        }.items()
    }

    static = Path(__file__).with_name("static")
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    async def editor() -> FileResponse:
        """The brief editor page (static; it calls the API below)."""
        return FileResponse(static / "index.html", media_type="text/html")

    @app.get("/v1/examples/seeds", summary="the seed articles, as a request example")
    async def seeds_example() -> dict[str, Any]:
        return example

    @app.get("/healthz", summary="the process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="the models are loaded", responses={503: {"model": ErrorResponse}})
    async def readyz() -> Any:
        if app.state.ready:
            # briefs running or waiting, against their bound: what a load balancer or a load test watches
            return {"status": "ready", "briefs": app.state.admission.inside, "max_briefs": settings.queue_size + 1}
        return error_response(503, "not_ready", "models are still loading.")

    @app.get(
        "/v1/models",
        summary="the served model and the known ones",
        dependencies=[Depends(authorize)],
        responses={401: errors[401]},
    )
    async def list_models() -> dict[str, Any]:
        from summarizer import models

        summarizer: Summarizer = app.state.summarizer
        return {
            "served": summarizer.generator.name,
            "embedder": summarizer.embedder.name,
            "models": [
                {"name": name, "status": models.status(name), "description": spec.description}
                for name, spec in models.MODELS.items()
            ],
        }

    @app.post(
        "/v1/briefs",
        summary="write a cited brief of the articles",
        dependencies=[Depends(authorize)],
        responses={
            200: {
                "content": {"text/markdown": {}, "text/html": {}, "text/event-stream": {}},
                "description": "the brief: JSON (default), or Markdown / HTML by `format` or `Accept`; "
                "with `stream=true`, server-sent events",
            },
            **errors,
        },
    )
    async def create_brief(
        request: Request,
        body: BriefRequest = Body(openapi_examples={"seeds": {"summary": "the two seed articles", "value": example}}),
        output: Literal["json", "markdown", "html"] | None = Query(
            default=None, alias="format", description="overrides the Accept header"
        ),
        stream: bool = Query(
            default=False,
            description="server-sent events (also with `Accept: text/event-stream`): a `sentence` event as "
            "soon as each sentence is verified, then a `brief` event carrying the whole brief in `format` "
            "(or an `error` event)",
        ),
    ) -> Response:
        summarizer: Summarizer = app.state.summarizer
        fmt = output or _negotiate(request.headers.get("accept", ""))
        stream = stream or "text/event-stream" in request.headers.get("accept", "").lower()
        if body.options.model not in (None, summarizer.generator.name):
            return error_response(
                422,
                "model_not_served",
                f"model {body.options.model!r} is not served here; "
                f"this server runs {summarizer.generator.name!r} (see GET /v1/models).",
                "options.model",
            )
        raw = [article.model_dump(exclude_none=True) for article in body.articles]
        options = BriefOptions(body.options.max_sentences, body.options.max_words, body.options.headline)
        key = cache_key(
            raw,
            {"max_sentences": options.max_sentences, "max_words": options.max_words, "headline": options.headline},
            summarizer.generator.name,
        )
        cache: BriefCache = app.state.cache
        try:
            summarizer.check(raw, options)  # bad input is refused before it can wait in the queue
            cached = await asyncio.to_thread(cache.get, key)
            if cached is not None:
                if stream:
                    return _event_stream(_replayed(cached, fmt), "hit")
                return _rendered(cached, fmt, "hit")
            if stream:
                return _event_stream(_streamed(summarizer, raw, options, key, fmt), "miss")
            task, cancel = _submit(summarizer, raw, options)
            result = await _finished(request, task, cancel)
        except (QueueFull, TimeoutError, InputError, GenerationError, ModelError) as error:
            return error_response(*_failure(error))
        if result is None:  # the client went away; nobody reads this
            return Response(status_code=499)
        await asyncio.to_thread(cache.put, key, result)
        return _rendered(result, fmt, "miss")

    @app.post(
        "/v1/check",
        summary="check claims against the articles, as the brief's own sentences are checked",
        dependencies=[Depends(authorize)],
        responses={
            200: {"description": "per claim: supported or not, its score, and per sentence its citations and problems"},
            **{status: errors[status] for status in (401, 413, 415, 422)},
        },
    )
    async def check_claims(
        body: CheckRequest = Body(
            openapi_examples={
                "seeds": {
                    "summary": "the two seed articles, one claim they support and one they do not",
                    "value": check_example,
                }
            }
        ),
    ) -> Response:
        """Each claim is split into sentences; each sentence cites the articles' sentences closest
        to it and is checked against them claim by claim (verify.py). A claim is
        supported only if all its sentences are. Uses the embedder only; not cached."""
        summarizer: Summarizer = app.state.summarizer
        raw = [article.model_dump(exclude_none=True) for article in body.articles]
        try:
            claims = validate_claims(body.claims)
            summarizer.check(raw, BriefOptions())  # bad articles are refused before waiting for the lock
            # One check at a time: the embedder is shared with the brief worker (MiniLMEmbedder is
            # safe to call from two threads), but two checks at once only split the same cores.
            async with app.state.check_lock:
                results = await asyncio.to_thread(summarizer.check_claims, raw, claims)
        except InputError as error:
            return error_response(*_failure(error))
        return JSONResponse(check_dict(results))

    def _failure(error: Exception) -> tuple[int, str, str, str | None, dict[str, str] | None]:
        """(status, code, message, field, headers) of an error a brief can end in."""
        if isinstance(error, QueueFull):
            message = f"{error}; at most {settings.queue_size} briefs wait at once."
            return 429, "busy", message, None, {"Retry-After": str(error.retry_after_s)}
        if isinstance(error, TimeoutError):
            message = (
                f"the brief was not finished within {settings.deadline_s:g} s; "
                "it was stopped. Retry later or send fewer articles."
            )
            return 504, "deadline", message, None, None
        if isinstance(error, InputTooLargeError):
            return 413, error.code, str(error), error.field, None
        if isinstance(error, InputError):
            return 422, error.code, str(error), error.field, None
        log.error("generation failed: %s", error)
        return 503, "generation_failed", f"the model failed on this request: {error}", None, None

    def _submit(
        summarizer: Summarizer,
        raw: list[dict[str, Any]],
        options: BriefOptions,
        on_sentence: Callable[[int, BriefSentence], None] | None = None,
    ) -> tuple[asyncio.Task[dict[str, Any]], threading.Event]:
        """Queue the brief for the worker (``QueueFull`` at once when the queue is full)."""
        admission: Admission = app.state.admission

        def work(cancel: threading.Event) -> dict[str, Any]:
            return renderings(summarizer.brief(raw, options, cancel=cancel, on_sentence=on_sentence))

        return admission.submit(work)

    async def _finished(
        request: Request, task: asyncio.Task[dict[str, Any]], cancel: threading.Event
    ) -> dict[str, Any] | None:
        """The brief's renderings; None when the client disconnected, TimeoutError past the deadline."""
        deadline = time.monotonic() + settings.deadline_s
        while True:
            done, _ = await asyncio.wait({task}, timeout=0.25)
            if done:
                try:
                    return task.result()
                except BriefCancelled:  # cancelled between our check and its finish
                    return None
            if await request.is_disconnected():
                cancel.set()
                return None
            if time.monotonic() > deadline:
                cancel.set()
                raise TimeoutError

    def _streamed(
        summarizer: Summarizer, raw: list[dict[str, Any]], options: BriefOptions, key: str, fmt: str
    ) -> AsyncIterator[dict[str, Any]]:
        """Queue the brief now (so a full queue is a plain 429) and stream its events: each
        sentence as the worker verifies it, then the whole brief, or an ``error`` event."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        def on_sentence(number: int, sentence: BriefSentence) -> None:  # in the worker thread
            loop.call_soon_threadsafe(ready.put_nowait, sentence_event(number, sentence_dict(sentence)))

        task, cancel = _submit(summarizer, raw, options, on_sentence)

        async def events() -> AsyncIterator[dict[str, Any]]:
            deadline = time.monotonic() + settings.deadline_s
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
                        except (GenerationError, ModelError, InputError) as error:
                            yield _error_event(error)
                            return
                        await asyncio.to_thread(app.state.cache.put, key, result)
                        yield brief_event(result, fmt)  # type: ignore[arg-type]
                        return
                    if time.monotonic() > deadline:
                        cancel.set()
                        yield _error_event(TimeoutError())
                        return
            finally:
                next_event.cancel()
                if not task.done():  # the client went away (Starlette cancels the stream)
                    cancel.set()

        return events()

    def _error_event(error: Exception) -> dict[str, Any]:
        status, code, message, field, _ = _failure(error)
        return {"event": "error", "status": status, "error": {"code": code, "message": message, "field": field}}

    return app


def _negotiate(accept: str) -> str:
    accept = accept.lower()
    if "text/markdown" in accept:
        return "markdown"
    if "text/html" in accept:
        return "html"
    return "json"


def _rendered(result: dict[str, Any], fmt: str, cache_state: str) -> Response:
    headers = {"X-Cache": cache_state}
    if fmt == "json":
        return JSONResponse(result["json"], headers=headers)
    return Response(result[fmt], media_type=MEDIA_TYPES[fmt], headers=headers)


async def _replayed(result: dict[str, Any], fmt: str) -> AsyncIterator[dict[str, Any]]:
    """A cached brief as the events a fresh one would have streamed."""
    for number, sentence in enumerate(result["json"]["sentences"], 1):
        yield sentence_event(number, sentence)
    yield brief_event(result, fmt)  # type: ignore[arg-type]


def _event_stream(events: AsyncIterator[dict[str, Any]], cache_state: str) -> StreamingResponse:
    """Server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html):
    one ``event:`` line named after the event, its JSON on one ``data:`` line."""

    async def encoded() -> AsyncIterator[str]:
        async for event in events:
            yield f"event: {event['event']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"

    headers = {"X-Cache": cache_state, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(encoded(), media_type="text/event-stream", headers=headers)
