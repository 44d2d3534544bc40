"""What every room of the package may use: where summarizer keeps its files (read at call time),
progress reporting, and quieting libraries whose noise would mix with our progress on stderr."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

Progress = Callable[[str], None]
"""Receives one line of progress for a person (the CLI prints it to stderr)."""


def home() -> Path:
    """``$SUMMARIZER_HOME``, default ``~/.cache/summarizer``: models, NLTK data, cache."""
    configured = os.environ.get("SUMMARIZER_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "summarizer"


def quiet_transformers() -> None:
    """Silence transformers' per-load progress bars and warnings: stderr is for our progress."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
