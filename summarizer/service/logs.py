"""Logging of the long-running commands (``summarizer serve``, ``summarizer worker``): one handler
on stderr for every logger (the service's, uvicorn's, Dramatiq's), each line carrying the
request id (``request_ids.py``), as text or as JSON lines (``SUMMARIZER_LOG_FORMAT``)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

from summarizer.service.request_ids import NONE, install_record_factory

TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object a line: ``time`` (ISO 8601, UTC, milliseconds), ``level``, ``logger``,
    ``message``, ``request_id`` (``-`` outside a request), and ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NONE),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):  # a record made before the factory was installed
            record.request_id = NONE
        return super().format(record)


def formatter(fmt: Literal["text", "json"]) -> logging.Formatter:
    return JsonLines() if fmt == "json" else _Text(TEXT)


def configure_logging(fmt: Literal["text", "json"], *, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Every record at ``level`` or above to ``stream`` (stderr) in ``fmt``: the root logger gets
    the one handler (replacing any), and uvicorn's loggers hand theirs up to it (uvicorn is then
    started with ``log_config=None``, so it does not install its own)."""
    install_record_factory()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
