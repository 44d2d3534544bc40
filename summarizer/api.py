"""HTTP API: a thin FastAPI layer over ``Summarizer`` (pydantic lives only here).

``create_app()`` builds everything; the lifespan hook loads and warms the models once.
Generation runs in a worker thread so the event loop stays free.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from summarizer.errors import GenerationError, InputError, InputTooLargeError, ModelError
from summarizer.pipeline import BriefOptions, Summarizer
from summarizer.render import FORMATS, to_dict, to_html, to_markdown


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, max_length=128)
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    text: str


class OptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_sentences: int = Field(default=5, ge=1, le=20)
    max_words: int = Field(default=150, ge=20, le=600)
    model: str | None = None


class BriefRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn]
    options: OptionsIn = OptionsIn()


def _error(status: int, code: str, message: str, field: str | None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message, "field": field}})


def create_app(summarizer_factory: Callable[[], Summarizer] | None = None) -> FastAPI:
    """The app. ``summarizer_factory`` defaults to MiniLM + the default GGUF model."""

    def default_factory() -> Summarizer:
        from summarizer.embed import MiniLMEmbedder
        from summarizer.models import load_generator

        return Summarizer(MiniLMEmbedder(), load_generator())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        summarizer = (summarizer_factory or default_factory)()
        await asyncio.to_thread(summarizer.warm_up)
        app.state.summarizer = summarizer
        app.state.ready = True
        yield

    app = FastAPI(
        title="summarizer",
        version="0.1.0",
        lifespan=lifespan,
        description="Cited briefs of several news articles about one story.",
    )
    app.state.ready = False

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"] if part != "body")
        if first.get("type") == "json_invalid":
            return _error(422, "invalid_json", "the body is not valid JSON.", None)
        return _error(422, "invalid", f"{field}: {first['msg']}", field or None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        if app.state.ready:
            return JSONResponse({"status": "ready"})
        return _error(503, "not_ready", "models are still loading.", None)

    @app.get("/v1/models")
    async def list_models() -> dict[str, Any]:
        from summarizer import models

        summarizer: Summarizer = app.state.summarizer
        return {
            "default": summarizer.generator.name,
            "models": [
                {"name": name, "status": models.status(name), "description": spec.description}
                for name, spec in models.MODELS.items()
            ],
        }

    @app.post("/v1/briefs")
    async def create_brief(body: BriefRequest, format: str = "json") -> Any:
        summarizer: Summarizer = app.state.summarizer
        if format not in FORMATS:
            return _error(422, "invalid", f"format must be one of {', '.join(FORMATS)}.", "format")
        if body.options.model not in (None, summarizer.generator.name):
            return _error(
                422,
                "invalid",
                f"model {body.options.model!r} is not loaded; this server runs {summarizer.generator.name!r}.",
                "options.model",
            )
        raw = [article.model_dump(exclude_none=True) for article in body.articles]
        options = BriefOptions(body.options.max_sentences, body.options.max_words)
        try:
            brief = await asyncio.to_thread(summarizer.brief, raw, options)
        except InputTooLargeError as error:
            return _error(413, error.code, str(error), error.field)
        except InputError as error:
            return _error(422, error.code, str(error), error.field)
        except (GenerationError, ModelError) as error:
            return _error(503, "generation_failed", str(error), None)
        if format == "markdown":
            return PlainTextResponse(to_markdown(brief), media_type="text/markdown")
        if format == "html":
            return PlainTextResponse(to_html(brief), media_type="text/html")
        return to_dict(brief)

    return app
