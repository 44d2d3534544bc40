"""A real ``summarizer serve`` (uvicorn on ``summarizer.service.api:create_app``) on a free loopback port, for the
load and fuzz benchmarks (the tests run theirs in-process; see tests/conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_status_mb(field: str, pid: int | str = "self") -> float:
    """A memory figure of a process in MiB from /proc (Linux): ``VmRSS`` now, ``VmHWM`` its peak."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def serving(log_path: Path, **env: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """(process, base URL) of a ready server with ``env`` added; SIGTERM and wait on exit."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("summarizer")), "serve", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 300
            while not _ready(base):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start; see {log_path}")
                time.sleep(0.5)
            yield server, base
        finally:
            server.terminate()
            server.wait(timeout=120)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz").status_code == 200
    except httpx.TransportError:
        return False
