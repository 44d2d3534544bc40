"""Where summarizer keeps its files. Read at call time, never at import time."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """``$SUMMARIZER_HOME``, default ``~/.cache/summarizer``: models, NLTK data, cache."""
    configured = os.environ.get("SUMMARIZER_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "summarizer"
