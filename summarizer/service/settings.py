"""The service's settings, read from the environment when the app starts (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from summarizer.errors import ConfigError
from summarizer.service.links import FetchPolicy


class ServiceSettings(BaseSettings):
    """HTTP service settings, read from the environment by pydantic-settings when the app is
    created (never at import); fields given to the constructor win over the environment.

    ``SUMMARIZER_API_KEYS``: comma-separated bearer tokens; empty means no authentication.
    ``SUMMARIZER_QUEUE``: briefs that may wait behind the one being written (default 4): one
    brief takes 15–30 s on 2 vCPUs, so a longer queue only turns 429s into 504s.
    ``SUMMARIZER_DEADLINE_S``: seconds a request may take, waiting included (default 120).
    ``SUMMARIZER_MODEL``: the generation model served (a name from ``summarizer models list``,
    a ``.gguf`` file or a Hugging Face folder; default the default model).
    ``SUMMARIZER_CACHE``: the result cache's SQLite file (default ``$SUMMARIZER_HOME/cache.sqlite``).
    ``SUMMARIZER_REDIS_URL``: use the Redis backend (queue, job store, result cache in Redis; briefs
    written by ``summarizer worker`` processes) instead of the embedded one.
    ``SUMMARIZER_JOB_TTL_S``: seconds a job and its results are kept after it is created (default a day).
    ``SUMMARIZER_MAX_STORIES``: stories in one batch job (default 20).
    ``SUMMARIZER_MAX_GROUP_ARTICLES``: articles in one ``"group": true`` job (default 300).
    ``SUMMARIZER_GROUP_MIN_SIZE``: articles a grouped story needs to get a brief (default 2; the
    rest are listed as left on their own).
    ``SUMMARIZER_JOB_TRIES``: times a story is started before it is failed (a worker killed mid-brief
    costs one try; default 3).
    ``SUMMARIZER_WORKER_HEARTBEAT_S``: seconds without a heartbeat before a worker counts as dead
    and its story goes back to the queue (Redis backend; default 60).
    ``SUMMARIZER_WEBHOOK_SECRET``: the HMAC-SHA256 key webhooks are signed with; jobs with a
    ``callback_url`` are refused without it. ``SUMMARIZER_WEBHOOK_ATTEMPTS``: deliveries tried (default 5).
    ``SUMMARIZER_WEBHOOK_ALLOW_PRIVATE``: allow callback URLs on loopback/private addresses (default
    false: a service that posts wherever a client says is an SSRF hole).
    ``SUMMARIZER_FETCH_TIMEOUT_S``: seconds one article link (or feed) may take to fetch, redirects
    and body included (default 10). ``SUMMARIZER_FETCH_MAX_BYTES``: the most a fetched page may
    hold (default 2,000,000). ``SUMMARIZER_FETCH_CACHE_S``: seconds a fetched page is reused for
    the same URL (default 600; 0 turns the cache off). ``SUMMARIZER_FETCH_ALLOW_PRIVATE``: allow
    links and feeds on loopback/private addresses (default false, as for webhooks; for tests and
    intranets).
    ``SUMMARIZER_METRICS_PORT``: serve ``GET /metrics`` on this port instead of the API's, without
    an API key (and ``summarizer worker`` serves its own metrics there); unset, the API serves it,
    behind the API key when keys are set, and a worker serves none.
    ``SUMMARIZER_METRICS_HOST``: the address that port listens on (default 127.0.0.1: the metrics
    are not protected there; use 0.0.0.0 only on a private network, e.g. in Compose).
    ``SUMMARIZER_LOG_FORMAT``: ``text`` (default) or ``json`` (one JSON object a line: time, level,
    logger, message, request_id), for ``summarizer serve`` and ``summarizer worker``.
    A value out of range stops the service at start with ``ConfigError`` naming the variable.
    """

    model_config = SettingsConfigDict(frozen=True, populate_by_name=True, env_ignore_empty=True, extra="ignore")

    api_keys: Annotated[frozenset[str], NoDecode] = Field(frozenset(), validation_alias="SUMMARIZER_API_KEYS")
    queue_size: int = Field(4, ge=0, le=1000, validation_alias="SUMMARIZER_QUEUE")
    deadline_s: float = Field(120.0, ge=0.1, le=86_400, validation_alias="SUMMARIZER_DEADLINE_S")
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1, validation_alias="SUMMARIZER_MAX_BODY_BYTES")
    model: str | None = Field(None, validation_alias="SUMMARIZER_MODEL")
    cache_path: Path | None = Field(None, validation_alias="SUMMARIZER_CACHE")
    redis_url: str | None = Field(None, validation_alias="SUMMARIZER_REDIS_URL")
    job_ttl_s: int = Field(86_400, ge=60, le=30 * 86_400, validation_alias="SUMMARIZER_JOB_TTL_S")
    max_stories: int = Field(20, ge=1, le=500, validation_alias="SUMMARIZER_MAX_STORIES")
    max_group_articles: int = Field(300, ge=2, le=2000, validation_alias="SUMMARIZER_MAX_GROUP_ARTICLES")
    group_min_size: int = Field(2, ge=1, le=20, validation_alias="SUMMARIZER_GROUP_MIN_SIZE")
    job_tries: int = Field(3, ge=1, le=10, validation_alias="SUMMARIZER_JOB_TRIES")
    worker_heartbeat_s: float = Field(60.0, ge=2, le=3600, validation_alias="SUMMARIZER_WORKER_HEARTBEAT_S")
    webhook_secret: str | None = Field(None, validation_alias="SUMMARIZER_WEBHOOK_SECRET")
    webhook_attempts: int = Field(5, ge=1, le=20, validation_alias="SUMMARIZER_WEBHOOK_ATTEMPTS")
    webhook_allow_private: bool = Field(False, validation_alias="SUMMARIZER_WEBHOOK_ALLOW_PRIVATE")
    fetch_timeout_s: float = Field(10.0, ge=1, le=120, validation_alias="SUMMARIZER_FETCH_TIMEOUT_S")
    fetch_max_bytes: int = Field(2_000_000, ge=10_000, le=50_000_000, validation_alias="SUMMARIZER_FETCH_MAX_BYTES")
    fetch_cache_s: float = Field(600.0, ge=0, le=86_400, validation_alias="SUMMARIZER_FETCH_CACHE_S")
    fetch_allow_private: bool = Field(False, validation_alias="SUMMARIZER_FETCH_ALLOW_PRIVATE")
    metrics_port: int | None = Field(None, ge=1, le=65_535, validation_alias="SUMMARIZER_METRICS_PORT")
    metrics_host: str = Field("127.0.0.1", min_length=1, validation_alias="SUMMARIZER_METRICS_HOST")
    log_format: Literal["text", "json"] = Field("text", validation_alias="SUMMARIZER_LOG_FORMAT")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(key.strip() for key in value.split(",") if key.strip())
        return value

    @field_validator("redis_url", mode="after")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("not a Redis URL")
        return value

    @field_validator("cache_path", mode="after")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    def fetch_policy(self) -> FetchPolicy:
        """How article links and feeds are fetched (``links.Fetcher``)."""
        return FetchPolicy(self.fetch_allow_private, self.fetch_timeout_s, self.fetch_max_bytes, self.fetch_cache_s)

    @classmethod
    def from_env(cls) -> ServiceSettings:
        """The settings of this process's environment; ``ConfigError`` names the variable, its
        value and the range allowed."""
        try:
            return cls()
        except ValidationError as error:
            raise ConfigError(_explain(error)) from None


def _explain(error: ValidationError) -> str:
    """The first problem, as "SUMMARIZER_QUEUE='4x' is not a whole number; use a whole number from 0 to 1000."."""
    problem = error.errors()[0]
    variable = str(problem["loc"][0])
    name = next((n for n, f in ServiceSettings.model_fields.items() if f.validation_alias == variable), variable)
    field = ServiceSettings.model_fields[name]
    value = problem.get("input")
    if field.annotation is bool:
        return f"{variable}={value!r} is not true or false; use true or false."
    if name == "redis_url":
        return f"{variable}={value!r} is not a Redis URL; use redis://HOST:PORT/DB (or rediss://, unix://)."
    if name == "log_format":
        return f"{variable}={value!r} is neither text nor json; use text or json."
    kind = "a whole number" if field.annotation in (int, int | None) else "a number"
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    allowed = f"{kind} from {low:g} to {high:g}" if low is not None and high is not None else kind
    wrong = "is out of range" if problem["type"].endswith(("_equal", "_than")) else f"is not {kind}"
    return f"{variable}={value!r} {wrong}; use {allowed}."
