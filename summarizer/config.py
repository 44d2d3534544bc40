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
    """

    api_keys: frozenset[str] = frozenset()
    queue_size: int = 4
    deadline_s: float = 120.0
    max_body_bytes: int = 2 * 1024 * 1024

    @classmethod
    def from_env(cls) -> ServiceSettings:
        keys = frozenset(k.strip() for k in os.environ.get("SUMMARIZER_API_KEYS", "").split(",") if k.strip())
        return cls(
            api_keys=keys,
            queue_size=int(os.environ.get("SUMMARIZER_QUEUE", cls.queue_size)),
            deadline_s=float(os.environ.get("SUMMARIZER_DEADLINE_S", cls.deadline_s)),
        )
