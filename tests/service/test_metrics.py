"""Metrics and request ids (metrics.py, request_ids.py, logs.py) through the real app and model:
``/metrics`` parsed as Prometheus parses it, a real Prometheus scraping a live service, a real
``summarizer worker``'s own metrics port, and request ids in headers, error bodies and log lines."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
import pytest
from conftest import Gated, _free_port, wait_until
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from summarizer.service.settings import ServiceSettings

SHORT = {"id": "a", "text": "The council approved the budget on Monday. Three new schools will be built by 2027."}
# the model is called only for a sentence with a phrase a brief is better without ("also", "this week")
WRITTEN = {"id": "a", "text": "The council also approved the budget this week. Three schools will be built by 2027."}
KEY = {"Authorization": "Bearer s3cret"}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus text exposition: (name, labels) → value."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    """One sample's value; 0 when the series is absent (a counter not yet incremented)."""
    return scraped.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_requests_briefs_stages_llm_use_and_cache_hits(app_factory):
    with TestClient(app_factory()) as client:
        body = {"articles": [WRITTEN]}
        written = client.post("/v1/briefs", json=body)
        assert written.headers["x-cache"] == "miss"
        assert client.post("/v1/briefs", json=body).headers["x-cache"] == "hit"
        assert client.post("/v1/briefs", json={"articles": []}).status_code == 422
        assert client.get("/v1/jobs/0123abc").status_code == 404
        assert client.get("/no/such/path").status_code == 404
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    scraped = samples(response.text)
    requests = "summarizer_http_requests_total"
    assert value(scraped, requests, method="POST", route="/v1/briefs", status="200") == 2
    assert value(scraped, requests, method="POST", route="/v1/briefs", status="422") == 1
    # the route template, never the raw path; unknown paths share one label
    assert value(scraped, requests, method="GET", route="/v1/jobs/{job_id}", status="404") == 1
    assert value(scraped, requests, method="GET", route="unmatched", status="404") == 1
    assert not any("0123abc" in str(labels) or "/no/such" in str(labels) for _, labels in scraped)
    assert value(scraped, "summarizer_briefs_total", outcome="written") == 1
    assert value(scraped, "summarizer_briefs_total", outcome="cached") == 1
    # the histogram saw the one brief written, not the cache hit
    assert value(scraped, "summarizer_brief_duration_seconds_count") == 1
    assert value(scraped, "summarizer_brief_duration_seconds_bucket", le="+Inf") == 1
    assert value(scraped, "summarizer_brief_duration_seconds_sum") > 0
    assert value(scraped, "summarizer_brief_first_sentence_seconds_count") == 1
    # a series per stage the brief timed, holding its time (rounded to 0.1 ms, as in the brief's JSON)
    timings = written.json()["timings"]
    stages = {
        dict(labels)["stage"]: count
        for (name, labels), count in scraped.items()
        if name == "summarizer_brief_stage_seconds_total"
    }
    assert set(stages) == set(timings) - {"total", "first_sentence"}
    assert all(stages[stage] == pytest.approx(timings[stage] / 1000) for stage in stages)
    assert stages["write"] > 0
    assert value(scraped, "summarizer_llm_calls_total") >= 1
    assert value(scraped, "summarizer_llm_tokens_total", kind="prompt") > 0
    assert value(scraped, "summarizer_llm_tokens_total", kind="completion") > 0
    assert value(scraped, "summarizer_llm_seconds_total", phase="decode") > 0
    assert value(scraped, "summarizer_queue_depth") == 0
    assert value(scraped, "summarizer_queue_capacity") == 5
    assert value(scraped, "summarizer_queue_rejections_total") == 0


def test_a_full_queue_is_counted_as_a_429_and_a_rejection(app_factory, smollm):
    gated = Gated(smollm)
    with TestClient(app_factory(ServiceSettings(queue_size=0), generator=gated)) as client:
        results: dict = {}
        first = threading.Thread(
            target=lambda: results.setdefault("first", client.post("/v1/briefs", json={"articles": [WRITTEN]}))
        )
        first.start()
        assert gated.entered.wait(60)
        during = samples(client.get("/metrics").text)
        busy = client.post("/v1/briefs", json={"articles": [SHORT]})
        gated.release.set()
        first.join()
        after = samples(client.get("/metrics").text)
    assert busy.status_code == 429 and results["first"].status_code == 200
    assert value(during, "summarizer_queue_depth") == 1  # the held brief, read when scraped
    assert value(after, "summarizer_queue_depth") == 0
    assert value(after, "summarizer_queue_rejections_total") == 1
    assert value(after, "summarizer_http_requests_total", method="POST", route="/v1/briefs", status="429") == 1
    assert value(after, "summarizer_briefs_total", outcome="written") == 1


def test_jobs_and_stories_by_state_and_fetches(app_factory, seeds):
    from web import WebServer, as_page

    with WebServer().running() as web, TestClient(app_factory(ServiceSettings(fetch_allow_private=True))) as client:
        # the first story by link (the second fetch of each page is a cache hit), plus a dead link
        links = [{"id": a["id"], "url": web.page(f"/{a['id']}", as_page(a))} for a in seeds]
        first = {"articles": [*links, {"url": web.base + "/gone"}], "options": {"max_sentences": 1}}
        body = {"stories": [first, {"articles": [{"text": " "}]}]}
        location = client.post("/v1/jobs", json=body).headers["location"]
        wait_until(lambda: client.get(location).json()["status"] == "done", 120)
        client.post("/v1/check", json={"articles": links, "claims": ["A claim."]})
        scraped = samples(client.get("/metrics").text)
    assert value(scraped, "summarizer_jobs_accepted_total") == 1
    assert value(scraped, "summarizer_jobs", status="done") == 1
    assert value(scraped, "summarizer_jobs", status="running") == 0
    # the good story written by the job thread, the blank one refused at admission (failed, never run)
    assert value(scraped, "summarizer_stories", status="done") == 1
    assert value(scraped, "summarizer_stories", status="failed") == 1
    assert value(scraped, "summarizer_stories_finished_total", status="done") == 1
    assert value(scraped, "summarizer_briefs_total", outcome="written") == 1
    assert value(scraped, "summarizer_job_queue_depth") == 0
    assert value(scraped, "summarizer_fetches_total", outcome="ok") == 2
    assert value(scraped, "summarizer_fetches_total", outcome="cache_hit") == 2
    assert value(scraped, "summarizer_fetches_total", outcome="http_status") == 1


def test_metrics_need_the_key_when_keys_are_set(app_factory):
    with TestClient(app_factory(ServiceSettings(api_keys=frozenset({"s3cret"})))) as client:
        missing = client.get("/metrics")
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        allowed = client.get("/metrics", headers=KEY)
        assert allowed.status_code == 200
        scraped = samples(allowed.text)
    assert value(scraped, "summarizer_http_requests_total", method="GET", route="/metrics", status="401") == 2


def test_a_metrics_port_serves_them_there_without_a_key_and_not_on_the_api(app_factory):
    port = _free_port()
    settings = ServiceSettings(api_keys=frozenset({"s3cret"}), metrics_port=port)
    with TestClient(app_factory(settings)) as client:
        assert client.get("/metrics", headers=KEY).status_code == 404
        assert client.post("/v1/briefs", json={"articles": [SHORT]}, headers=KEY).status_code == 200
        response = httpx.get(f"http://127.0.0.1:{port}/metrics")
        assert response.status_code == 200
        scraped = samples(response.text)
        assert value(scraped, "summarizer_briefs_total", outcome="written") == 1
    # the port is closed with the app: a restarted service can take it again
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/metrics")


def test_a_worker_serves_its_own_metrics_with_its_heartbeat(redis_url, tmp_path):
    from test_redis_backend import Workers

    from summarizer.service.api import create_app

    port = _free_port()
    pool = Workers(redis_url, tmp_path)  # its heartbeat timeout is 3 s: a beat every second
    pool.env["SUMMARIZER_METRICS_PORT"] = str(port)
    pool.start(1)
    url = f"http://127.0.0.1:{port}/metrics"
    heartbeat = "summarizer_worker_heartbeat_timestamp_seconds"
    try:
        first = value(samples(httpx.get(url).text), heartbeat)
        assert first > 0
        wait_until(lambda: value(samples(httpx.get(url).text), heartbeat) > first, 30)  # it beats while idle
        with TestClient(create_app(settings=ServiceSettings(redis_url=redis_url, model="smollm2-135m"))) as api:
            location = api.post("/v1/jobs", json={"articles": [WRITTEN]}).headers["location"]
            wait_until(lambda: api.get(location).json()["status"] == "done", 120)
            on_api = samples(api.get("/metrics").text)
        on_worker = samples(httpx.get(url).text)
    finally:
        pool.stop()
    assert value(on_worker, "summarizer_briefs_total", outcome="written") == 1
    assert value(on_worker, "summarizer_brief_duration_seconds_count") == 1
    assert value(on_worker, "summarizer_llm_calls_total") >= 1
    assert value(on_worker, "summarizer_stories_finished_total", status="done") == 1
    # the API admitted the job and wrote nothing itself; its queue is Redis's, empty again
    assert value(on_api, "summarizer_jobs_accepted_total") == 1
    assert value(on_api, "summarizer_briefs_total", outcome="written") == 0
    assert value(on_api, "summarizer_job_queue_depth") == 0


# --- request ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", True),
        ("svc:frontend.1234_x", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("has space", False),
        ("line\nbreak", False),
        ("ünïcode", False),
        ("", False),
    ],
    ids=["uuid", "punctuated", "128", "129", "space", "newline", "non-ascii", "empty"],
)
def test_a_sane_request_id_is_echoed_and_any_other_replaced(client_factory, given, kept):
    client = client_factory()
    raw = [(b"x-request-id", given.encode())]
    response = client.get("/healthz", headers=raw)
    assert response.status_code == 200
    returned = response.headers["x-request-id"]
    if kept:
        assert returned == given
    else:
        assert returned != given and len(returned) == 32 and int(returned, 16) >= 0


@pytest.fixture()
def client_factory(app_factory):
    clients: list[TestClient] = []

    def make(settings: ServiceSettings = ServiceSettings()) -> TestClient:
        client = TestClient(app_factory(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_errors_carry_the_request_id_in_body_and_header(client_factory):
    client = client_factory(ServiceSettings(max_body_bytes=100))
    made = client.post("/v1/briefs", json={"articles": []})
    assert made.status_code == 422
    assert made.json()["error"]["request_id"] == made.headers["x-request-id"]
    given = client.post("/v1/briefs", json={"articles": []}, headers={"X-Request-ID": "abc-123"})
    assert given.json()["error"]["request_id"] == given.headers["x-request-id"] == "abc-123"
    # answered by the body guard, before any route
    too_large = client.post("/v1/briefs", json={"articles": [SHORT] * 5}, headers={"X-Request-ID": "big-1"})
    assert too_large.status_code == 413
    assert too_large.json()["error"]["request_id"] == too_large.headers["x-request-id"] == "big-1"
    not_json = client.post("/v1/briefs", content=b"x", headers={"Content-Type": "text/plain", "X-Request-ID": "t-1"})
    assert not_json.status_code == 415 and not_json.json()["error"]["request_id"] == "t-1"
    missing = client.get("/v1/jobs/nope", headers={"X-Request-ID": "nf-1"})
    assert missing.status_code == 404 and missing.json()["error"]["request_id"] == "nf-1"
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ErrorBody"]
    assert "request_id" in schema["required"]


class _Unexpected:
    """A model that raises an error no handler words: the app's 500."""

    name = "unexpected"

    def warm_up(self) -> None:
        pass

    def generate(self, messages, *, max_tokens, grammar=None):
        raise ZeroDivisionError("a bug")


def test_a_500_carries_the_request_id_and_its_log_line_too(app_factory, caplog):
    with TestClient(app_factory(generator=_Unexpected()), raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR, logger="summarizer.service.api"):
            response = client.post("/v1/briefs", json={"articles": [WRITTEN]}, headers={"X-Request-ID": "bug-7"})
        scraped = samples(client.get("/metrics").text)
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "bug-7" and response.json()["error"]["request_id"] == "bug-7"
    logged = [r for r in caplog.records if r.name == "summarizer.service.api" and "unhandled" in r.getMessage()]
    assert [r.request_id for r in logged] == ["bug-7"]
    assert value(scraped, "summarizer_http_requests_total", method="POST", route="/v1/briefs", status="500") == 1
    assert value(scraped, "summarizer_briefs_total", outcome="failed") == 1


def test_the_brief_s_log_line_written_in_the_worker_thread_carries_its_request_id(app_factory, caplog):
    with TestClient(app_factory()) as client, caplog.at_level(logging.INFO, logger="summarizer.service"):
        given = client.post("/v1/briefs", json={"articles": [WRITTEN]}, headers={"X-Request-ID": "given-1"})
        made = client.post("/v1/briefs", json={"articles": [SHORT]})
    written = [r for r in caplog.records if r.getMessage().startswith("brief written")]
    assert given.status_code == made.status_code == 200
    assert [r.request_id for r in written] == ["given-1", made.headers["x-request-id"]]
    assert all(r.threadName != threading.main_thread().name for r in written)  # written off the event loop


def test_serve_logs_json_lines_with_the_request_id(tmp_path):
    from summarizer.models import registry as models

    port = _free_port()
    env = {
        **os.environ,
        "SUMMARIZER_HOME": str(tmp_path),
        "SUMMARIZER_MODEL": str(models.model_path("smollm2-135m")),
        "SUMMARIZER_LOG_FORMAT": "json",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("summarizer")), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                return httpx.get(f"{base}/readyz").status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, 120)
        body = {"articles": [WRITTEN]}
        assert httpx.post(f"{base}/v1/briefs", json=body, headers={"X-Request-ID": "json-1"}).status_code == 200
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines and all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    mine = [line for line in lines if line["request_id"] == "json-1"]
    assert any(line["logger"] == "summarizer.service.brief_service" for line in mine)  # the brief's own line
    assert any(line["logger"] == "uvicorn.access" and "/v1/briefs" in line["message"] for line in mine)
    assert any(line["message"] == "Application startup complete." and line["request_id"] == "-" for line in lines)


# --- a real Prometheus scraping a live service ----------------------------------------------------------


def _prometheus(tmp_path: Path, target: str, key: str) -> tuple[subprocess.Popen, str]:
    """Debian's prometheus on a free loopback port, scraping ``target`` every second with ``key``."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is not installed: run `make test` (it installs Debian's prometheus)")
    config = tmp_path / "prometheus.yml"
    # the scrape config README's "Metrics and request ids" shows, at a test's pace
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "scrape_configs:\n"
        "  - job_name: summarizer\n"
        "    authorization:\n"
        f"      credentials: {key}\n"
        "    static_configs:\n"
        f"      - targets: ['{target}']\n"
    )
    port = _free_port()
    log = open(tmp_path / "prometheus.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.poll() is None, (tmp_path / "prometheus.log").read_text()[-3000:]
        try:
            return httpx.get(f"{base}/-/ready").status_code == 200
        except httpx.TransportError:
            return False

    wait_until(ready, 60)
    return process, base


def _query(base: str, query: str) -> list[dict]:
    response = httpx.get(f"{base}/api/v1/query", params={"query": query})
    response.raise_for_status()
    return response.json()["data"]["result"]


def test_a_real_prometheus_scrapes_briefs_and_a_job(app_factory, seeds):
    import uvicorn

    app = app_factory(ServiceSettings(api_keys=frozenset({"s3cret"})))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started)
    service = f"127.0.0.1:{server.config.port}"
    with tempfile.TemporaryDirectory() as scratch:
        prometheus, base = _prometheus(Path(scratch), service, "s3cret")
        try:
            # Prometheus reaches the service (with the key) before anything happens
            wait_until(lambda: [r["value"][1] for r in _query(base, 'up{job="summarizer"}')] == ["1"], 60)
            body = {"articles": [WRITTEN]}
            assert httpx.post(f"http://{service}/v1/briefs", json=body, headers=KEY, timeout=120).status_code == 200
            job = httpx.post(
                f"http://{service}/v1/jobs", json={"articles": seeds, "options": {"max_sentences": 1}}, headers=KEY
            )
            assert job.status_code == 202
            location = f"http://{service}{job.headers['location']}"
            wait_until(lambda: httpx.get(location, headers=KEY).json()["status"] == "done", 120)

            def seen(query: str, expected: float) -> bool:
                return [float(r["value"][1]) for r in _query(base, query)] == [expected]

            # the brief and the job's story, both written by the model: counter and histogram
            wait_until(lambda: seen('summarizer_briefs_total{outcome="written"}', 2), 60)
            wait_until(lambda: seen("summarizer_brief_duration_seconds_count", 2), 60)
            wait_until(lambda: seen('summarizer_brief_duration_seconds_bucket{le="+Inf"}', 2), 60)
            wait_until(lambda: seen('summarizer_jobs{status="done"}', 1), 60)
            median = _query(base, "histogram_quantile(0.5, summarizer_brief_duration_seconds_bucket)")
            assert len(median) == 1 and float(median[0]["value"][1]) > 0
            routes = _query(base, 'summarizer_http_requests_total{route="/v1/jobs/{job_id}",status="200"}')
            assert len(routes) == 1 and float(routes[0]["value"][1]) >= 1
        finally:
            prometheus.terminate()
            prometheus.wait(timeout=30)
            server.should_exit = True
            thread.join(timeout=30)


def test_a_job_s_acceptance_is_logged_with_its_request_id_and_job_id(app_factory, caplog):
    # the job's own lines are written outside the request (job thread, workers) and name the job
    # id; this line ties the two together
    with TestClient(app_factory()) as client, caplog.at_level(logging.INFO, logger="summarizer.service"):
        body = {"stories": [{"articles": [SHORT]}, {"articles": [{"text": " "}]}]}
        job = client.post("/v1/jobs", json=body, headers={"X-Request-ID": "job-req-1"}).json()
        # finished before the app closes: a brief cut off at exit can abort the process
        wait_until(lambda: client.get(f"/v1/jobs/{job['id']}").json()["status"] == "done", 120)
    (accepted,) = [r for r in caplog.records if r.getMessage().startswith("job ")]
    assert accepted.request_id == "job-req-1"
    assert accepted.getMessage() == f"job {job['id']} accepted: 2 stories, 1 queued"
