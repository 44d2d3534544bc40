"""HTTP API: routes over ``BriefService`` (service.py), which owns everything but HTTP.

``create_app()`` builds the service from the environment (``ServiceSettings``); its lifespan
loads and warms the models once (embedded backend) or connects to Redis (Redis backend). Routes
keep status codes, headers, negotiation and streaming encodings. Every error is JSON
``{"error": {"code", "message", "field", "request_id"}}``; service errors are worded by
``service.failure``. Every response carries ``X-Request-ID`` (``request_ids.py``); ``GET /metrics``
answers in Prometheus' text format (``metrics.py``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, start_http_server
from prometheus_client.exposition import choose_encoder
from pydantic import BaseModel, Field
from redis.exceptions import ConnectionError as RedisUnavailable
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summarizer import __version__
from summarizer.brief.pipeline import Summarizer
from summarizer.brief.render import check_dict
from summarizer.errors import InputError, ModelError, SummarizerError
from summarizer.service.admission import QueueFull
from summarizer.service.brief_service import (
    BriefRequest,
    BriefService,
    CheckRequest,
    Conflict,
    JobRequest,
    NotFound,
    StoryFailed,
    failure,
    load_summarizer,
    owner_of,
)
from summarizer.service.files import read_articles
from summarizer.service.jobs import LocalQueue
from summarizer.service.metrics import CountRequests, Metrics
from summarizer.service.request_ids import RequestIds, install_record_factory
from summarizer.service.request_ids import current as current_request_id
from summarizer.service.settings import ServiceSettings

log = logging.getLogger("summarizer.service.api")

MEDIA_TYPES = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None
    request_id: str = Field(description="the request's X-Request-ID (the client's, or made here): quote it in reports")


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(
    status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON error, with the request's id in the body and in ``X-Request-ID`` (set here too:
    a 500 is answered outside the middleware that adds the header)."""
    request_id = current_request_id() or "-"
    return JSONResponse(
        status_code=status,
        headers={**(headers or {}), "X-Request-ID": request_id},
        content={"error": {"code": code, "message": message, "field": field, "request_id": request_id}},
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
    seeds = Path(__file__).resolve().parents[2] / "seeds"
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
    """The app. ``summarizer_factory`` defaults to MiniLM + the served GGUF model (not used on
    the Redis backend, whose workers hold the models); ``settings`` to ``ServiceSettings.from_env()``."""
    settings = settings or ServiceSettings.from_env()
    install_record_factory()  # every log record of a request carries its id
    metrics = Metrics()
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

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            if settings.redis_url:
                from summarizer.service.redis_backend import redis_service

                service = redis_service(settings, None, metrics)
                await asyncio.to_thread(service.store.get, "ping")  # Redis reachable, or fail at start
            else:
                summarizer = summarizer_factory() if summarizer_factory else load_summarizer(settings.model)
                await asyncio.to_thread(summarizer.warm_up)
                service = await asyncio.to_thread(BriefService.embedded, settings, summarizer, metrics)
            # on a port of its own, /metrics is served by prometheus_client's server, without a key
            metrics_server = (
                start_http_server(settings.metrics_port, settings.metrics_host, registry=metrics.registry)[0]
                if settings.metrics_port is not None
                else None
            )
        except (ModelError, OSError, RedisUnavailable) as error:
            # one line that says what to fix, before uvicorn's own "startup failed"
            log.critical("cannot start: %s", error)
            raise
        app.state.service = service
        app.state.ready = True
        yield
        app.state.ready = False
        if metrics_server is not None:
            metrics_server.shutdown()
            metrics_server.server_close()
        if isinstance(service.queue, LocalQueue):
            service.queue.close()

    app = FastAPI(
        title="summarizer",
        version=__version__,
        lifespan=lifespan,
        description="Cited briefs of several news articles about one story. Every sentence of a brief "
        "cites the source sentences that support it; `POST /v1/check` checks any claim the same way; "
        "`POST /v1/jobs` hands in one story, a batch, or a morning's articles to group into stories "
        "(`group: true`), and is called back (or polled) when they are written.",
    )
    app.state.ready = False
    app.state.metrics = metrics
    # the last added is the outermost: the id is set first, then the request counted, then the body guarded
    app.add_middleware(RequestGuard, max_bytes=settings.max_body_bytes)
    app.add_middleware(CountRequests, metrics=metrics)
    app.add_middleware(RequestIds)

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

    async def service_error(request: Request, error: Exception) -> JSONResponse:
        """An error a route let through, answered as the service words it (``service.failure``)."""
        if isinstance(error, NotFound):
            return error_response(404, "not_found", str(error))
        if isinstance(error, Conflict):
            return error_response(409, "finished", str(error))
        explained = failure(error, settings)
        if explained is None:
            raise error
        return error_response(explained.status, explained.code, explained.message, explained.field, explained.headers)

    for service_exception in (SummarizerError, QueueFull, TimeoutError, StoryFailed, NotFound, Conflict):
        app.add_exception_handler(service_exception, service_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "an unexpected server error occurred; it has been logged.")

    def owner(request: Request) -> str | None:
        """The caller's job owner; 401 without a valid key when keys are set."""
        if not settings.api_keys:
            return None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not any(hmac.compare_digest(token, k) for k in settings.api_keys):
            raise StarletteHTTPException(
                401,
                "a valid API key is required: send `Authorization: Bearer <key>`.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return owner_of(token)

    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": description}
        for status, description in {
            401: "missing or wrong API key (when SUMMARIZER_API_KEYS is set)",
            404: "no such job for this API key, or it expired",
            409: "the job has already finished",
            413: "too many articles or stories, an article too long, or the body too large",
            415: "the body is not JSON",
            422: "a field breaks a rule; `field` names it",
            429: "the queue is full; retry after `Retry-After` seconds",
            503: "the model failed on this request",
            504: "the brief was not finished before the deadline",
        }.items()
    }

    def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
        return {status: errors[status] for status in statuses}

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
            service: BriefService = app.state.service
            # briefs running or waiting, against their bound: what a load balancer or a load test watches
            return {"status": "ready", "briefs": service.admission.inside, "max_briefs": settings.queue_size + 1}
        return error_response(503, "not_ready", "models are still loading.")

    if settings.metrics_port is None:

        @app.get(
            "/metrics",
            summary="metrics in the Prometheus text format (README: Metrics and request ids)",
            response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_PLAIN_0_0_4.split(";")[0]: {}}}, **documented(401)},
        )
        async def prometheus_metrics(request: Request) -> Response:
            """Requests, briefs, stage times, LLM use, queue, jobs and fetches; behind the API key
            when keys are set (or on ``SUMMARIZER_METRICS_PORT`` without one, and not here)."""
            owner(request)
            # the text format, or OpenMetrics when the scraper asks for it (as prometheus_client's own server does)
            encode, media_type = choose_encoder(request.headers.get("accept", ""))
            return Response(encode(metrics.registry), media_type=media_type)

    @app.get("/v1/models", summary="the served model and the known ones", responses=documented(401))
    async def list_models(request: Request) -> dict[str, Any]:
        from summarizer.models import registry as models
        from summarizer.models.embed import MiniLMEmbedder

        owner(request)
        service: BriefService = app.state.service
        return {
            "served": service.model_name,
            "embedder": service.summarizer.embedder.name if service.summarizer else MiniLMEmbedder.name,
            "models": [
                {"name": name, "status": models.status(name), "description": spec.description}
                for name, spec in models.MODELS.items()
            ],
        }

    @app.post(
        "/v1/briefs",
        summary="write a cited brief of the articles",
        responses={
            200: {
                "content": {"text/markdown": {}, "text/html": {}, "text/event-stream": {}},
                "description": "the brief: JSON (default), or Markdown / HTML by `format` or `Accept`; "
                "with `stream=true`, server-sent events",
            },
            **documented(401, 413, 415, 422, 429, 503, 504),
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
        owner(request)
        service: BriefService = app.state.service
        fmt = output or _negotiate(request.headers.get("accept", ""))
        # bad input is refused before it can wait in the queue; links are fetched (a thread: seconds)
        story = await asyncio.to_thread(service.story, body)
        if stream or "text/event-stream" in request.headers.get("accept", "").lower():
            events, cache_state = await service.stream(story, fmt)
            return _event_stream(events, cache_state)
        result, cache_state = await service.brief(story, request.is_disconnected)
        if result is None:  # the client went away; nobody reads this
            return Response(status_code=499)
        return _rendered(result, fmt, cache_state)

    @app.post(
        "/v1/check",
        summary="check claims against the articles, as the brief's own sentences are checked",
        responses={
            200: {"description": "per claim: supported or not, its score, and per sentence its citations and problems"},
            **documented(401, 413, 415, 422),
        },
    )
    async def check_claims(
        request: Request,
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
        owner(request)
        service: BriefService = app.state.service
        raw = [article.model_dump(exclude_none=True) for article in body.articles]
        return JSONResponse(check_dict(await service.check_claims(raw, body.claims)))

    @app.post(
        "/v1/jobs",
        status_code=202,
        summary="hand in one story, a batch, or articles to group into stories; poll the job or be called back",
        responses={202: {"description": "the job, queued; `Location` is its URL"}, **documented(401, 413, 415, 422)},
    )
    async def create_job(
        request: Request,
        body: JobRequest = Body(
            openapi_examples={
                "one": {"summary": "one story", "value": example},
                "batch": {"summary": "a batch of two stories", "value": {"stories": [example, example]}},
                "group": {
                    "summary": "a morning's articles, grouped into stories, a brief each",
                    "value": {**example, "group": True},
                },
            }
        ),
    ) -> JSONResponse:
        service: BriefService = app.state.service
        job = await asyncio.to_thread(service.submit_job, body, owner(request))
        return JSONResponse(job, status_code=202, headers={"Location": f"/v1/jobs/{job['id']}"})

    @app.get(
        "/v1/jobs/{job_id}",
        summary="a job's status, progress and results (one per story, in request order)",
        responses=documented(401, 404),
    )
    async def get_job(
        request: Request,
        job_id: str,
        output: Literal["json", "markdown", "html"] = Query(
            default="json", alias="format", description="each finished story's brief as JSON, Markdown or HTML"
        ),
    ) -> dict[str, Any]:
        service: BriefService = app.state.service
        return await asyncio.to_thread(service.job, job_id, owner(request), output)

    @app.delete("/v1/jobs/{job_id}", summary="cancel a job", responses=documented(401, 404, 409))
    async def cancel_job(request: Request, job_id: str) -> dict[str, Any]:
        """Stories not started are cancelled; the one being written stops at its next sentence."""
        service: BriefService = app.state.service
        return await asyncio.to_thread(service.cancel_job, job_id, owner(request))

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


def _event_stream(events: AsyncIterator[dict[str, Any]], cache_state: str) -> StreamingResponse:
    """Server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html):
    one ``event:`` line named after the event, its JSON on one ``data:`` line."""

    async def encoded() -> AsyncIterator[str]:
        async for event in events:
            yield f"event: {event['event']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"

    headers = {"X-Cache": cache_state, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(encoded(), media_type="text/event-stream", headers=headers)
