"""Shared fixtures: real models loaded once per session, and no network for any test."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from summarizer.files import read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection outside loopback fails the test: models must be provisioned, not fetched."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address) -> None:  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1") or "/" in host):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def seeds() -> list[dict]:
    return read_articles([SEEDS])


@pytest.fixture(scope="session")
def embedder():
    from summarizer.embed import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    embedder.warm_up()
    return embedder


def _generator(name: str):
    from summarizer import models

    if models.status(name) != "ready":
        pytest.fail(f"model {name} is not provisioned: run `summarizer models pull {name}` (make test does)")
    generator = models.load_generator(name)
    generator.warm_up()
    return generator


@pytest.fixture(scope="session")
def smollm():
    """SmolLM2-135M: real GGUF weights, fast; for plumbing, not quality."""
    return _generator("smollm2-135m")


@pytest.fixture(scope="session")
def qwen():
    """The default model (Qwen2.5-Coder-1.5B): quality tests, marked slow."""
    return _generator("qwen2.5-coder-1.5b")


@pytest.fixture(scope="session")
def small_summarizer(embedder, smollm):
    from summarizer.pipeline import Summarizer

    return Summarizer(embedder, smollm)
