"""Shared fixtures: real models loaded once per session, and no network for any test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from summarizer.brief.pipeline import Summarizer
from summarizer.brief.write import is_deletion
from summarizer.nlp.analyze import parse
from summarizer.service.api import create_app
from summarizer.service.files import read_articles
from summarizer.service.settings import ServiceSettings

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
    from summarizer.models.embed import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    embedder.warm_up()
    return embedder


def _generator(name: str):
    from summarizer.models import registry as models

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
    from summarizer.brief.pipeline import Summarizer

    return Summarizer(embedder, smollm)


# --- the HTTP service, for the API and editor tests ----------------------------------------


@pytest.fixture()
def app_factory(embedder, smollm, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))

    def make(settings: ServiceSettings = ServiceSettings(), generator=None):
        return create_app(lambda: Summarizer(embedder, generator or smollm), settings)

    return make


class Gated:
    """The real SmolLM2, except that each call waits until ``release`` is set: a brief that is
    surely still running while a test looks (a brief that calls the model once takes well under a
    second, too short to catch by polling)."""

    def __init__(self, generator) -> None:
        self._generator = generator
        self.name = generator.name
        self.entered = threading.Event()
        self.release = threading.Event()

    def warm_up(self) -> None:
        self._generator.warm_up()

    def generate(self, messages, *, max_tokens, grammar=None):
        self.entered.set()
        assert self.release.wait(120), "the test never released the model"
        return self._generator.generate(messages, max_tokens=max_tokens, grammar=grammar)


def wait_until(condition, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def served(app_factory):
    """The app under real uvicorn in a thread of this process (so the test can see its state)."""
    app = app_factory()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started)
    yield f"http://127.0.0.1:{server.config.port}", app
    server.should_exit = True
    thread.join(timeout=30)


# --- a real redis-server for the Redis backend's tests --------------------------------------


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """redis-server (Debian's package; `make test` installs it) on a free loopback port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `make test` installs Debian's redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    wait_until(answers, 20)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def redis_url(redis_server):
    """The session's redis-server, emptied for this test."""
    import redis

    redis.Redis.from_url(redis_server).flushall()
    return redis_server


def written_from(headline: str, sentence: str) -> bool:
    """Whether ``headline`` is ``sentence`` with words left out and only headline grammar changed:
    its words, in order, are the sentence's by lemma (a verb's tense aside), "to" for "will"."""
    return is_deletion(" ".join(t.lemma_ for t in parse(headline) if t.lower_ != "to"), lemmas(sentence))


def lemmas(text: str) -> str:
    """``text`` as the lemmas of its words."""
    return " ".join(t.lemma_ for t in parse(text))


# A story of ten facts, each with an aside in parentheses: each sentence is a model call, so a
# brief of it is still being written when a test cancels it, kills its worker or drops its client
# (the seeds' brief needs no model call and is over in a second).
ASIDES = [
    {
        "id": "council",
        "text": "The city council (meeting in the old town hall) approved a budget of 40 million dollars for schools. "
        "The mayor (a former teacher) said the first school would open in the north district next spring. "
        "Parents (many of whom had protested for months) welcomed the decision at a packed meeting. "
        "The opposition (led by councillor Jane Roe) voted against the plan, citing rising debt. "
        "Construction firms (from three regions) will bid for the contracts in a tender this summer. "
        "The river (swollen by a week of rain) flooded two farms near the bridge on Sunday. "
        "Firefighters (called from a nearby village) pumped water out of the cellars overnight. "
        "A local bakery (open since 1921) closed its doors after the owner retired. "
        "The football club (founded by miners) signed a new coach from the capital. "
        "Hospital staff (working double shifts) asked the region for more nurses.",
    }
]
