"""Request ids: every HTTP request gets one (``X-Request-ID`` taken from the client when sane,
else made), returned in the response header, put in error bodies and on every log record made
while the request is handled.

The id lives in a ``ContextVar``: asyncio tasks and ``asyncio.to_thread`` copy the context they
start from, so the admission task and the brief's worker thread see the id of the request that
queued the brief. Threads of their own (the embedded job thread, webhook timers) are outside any
request: their records say ``-``.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# what a client's id may be: printable, no spaces, at most 128 characters (what proxies and
# tracing systems send: uuids, hex, ulids, "svc:1234-5"), so it is safe in headers and log lines
SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
NONE = "-"

_current: ContextVar[str | None] = ContextVar("summarizer_request_id", default=None)


def current() -> str | None:
    """The id of the request being handled here, or None outside a request."""
    return _current.get()


def accepted(given: str | None) -> str:
    """``given`` when it is a sane id, else a new one (32 hex digits)."""
    if given is not None and SANE.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIds:
    """Pure ASGI middleware, outermost but for Starlette's error middleware: sets the request's
    id for everything inside and adds ``X-Request-ID`` to its response. The id is left set after
    an exception, so the 500 handler outside (and uvicorn's log of it) still sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(HEADER.lower().encode())
        request_id = accepted(raw.decode("latin-1") if raw is not None else None)
        _current.set(request_id)  # each request runs in a task (a context) of its own
        header = (HEADER.lower().encode(), request_id.encode())

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == header[0] for name, _ in headers):
                    message = {**message, "headers": [*headers, header]}
            await send(message)

        await self.app(scope, receive, with_id)


_factory_installed = False


def install_record_factory() -> None:
    """Give every ``LogRecord`` made from now on a ``request_id`` attribute (the current
    request's, or ``-``), whatever logger or handler it goes to (pytest's caplog included).
    A record factory rather than a handler filter: a filter on one handler misses the others.
    Idempotent."""
    global _factory_installed
    if _factory_installed:
        return
    make = logging.getLogRecordFactory()

    def with_request_id(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make(*args, **kwargs)
        record.request_id = _current.get() or NONE
        return record

    logging.setLogRecordFactory(with_request_id)
    _factory_installed = True
