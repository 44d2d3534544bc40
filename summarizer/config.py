"""Process-wide settings: where summarizer keeps its files (read at call time), library noise."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def home() -> Path:
    """``$SUMMARIZER_HOME``, default ``~/.cache/summarizer``: models, NLTK data, cache."""
    configured = os.environ.get("SUMMARIZER_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "summarizer"


def quiet_transformers() -> None:
    """Silence transformers' per-load progress bars and warnings: stderr is for our progress."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


@dataclass(frozen=True)
class ServiceSettings:
    """HTTP service settings, from the environment when the app is created (never at import).

    ``SUMMARIZER_API_KEYS``: comma-separated bearer tokens; empty means no authentication.
    ``SUMMARIZER_QUEUE``: briefs that may wait behind the one being written (default 4): one
    brief takes 15–30 s on 2 vCPUs, so a longer queue only turns 429s into 504s.
    ``SUMMARIZER_DEADLINE_S``: seconds a request may take, waiting included (default 120).
    ``SUMMARIZER_MODEL``: the generation model served (a name from ``summarizer models list``,
    a ``.gguf`` file or a Hugging Face folder; default the default model).
    ``SUMMARIZER_CACHE``: the result cache's SQLite file (default ``$SUMMARIZER_HOME/cache.sqlite``).
    A value out of range stops the service at start with ``ConfigError`` naming the variable.
    """

    api_keys: frozenset[str] = frozenset()
    queue_size: int = 4
    deadline_s: float = 120.0
    max_body_bytes: int = 2 * 1024 * 1024
    model: str | None = None
    cache_path: Path | None = None

    @classmethod
    def from_env(cls) -> ServiceSettings:
        keys = frozenset(k.strip() for k in os.environ.get("SUMMARIZER_API_KEYS", "").split(",") if k.strip())
        return cls(
            api_keys=keys,
            queue_size=int(_number("SUMMARIZER_QUEUE", cls.queue_size, 0, 1000, whole=True)),
            deadline_s=_number("SUMMARIZER_DEADLINE_S", cls.deadline_s, 1, 86_400),
            model=os.environ.get("SUMMARIZER_MODEL") or None,
            cache_path=Path(cache).expanduser() if (cache := os.environ.get("SUMMARIZER_CACHE")) else None,
        )


def _number(variable: str, default: float, low: float, high: float, *, whole: bool = False) -> float:
    from summarizer.errors import ConfigError

    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    kind = "a whole number" if whole else "a number"
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise ConfigError(f"{variable}={raw!r} is not {kind}; use {kind} from {low:g} to {high:g}.") from None
    if not low <= value <= high:
        raise ConfigError(f"{variable}={raw!r} is out of range; use {kind} from {low:g} to {high:g}.")
    return value
