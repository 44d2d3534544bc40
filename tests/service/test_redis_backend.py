"""The Redis backend end to end: a real redis-server, real `summarizer worker` processes (the
small model), the API admitting and answering without a model of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ASIDES, wait_until
from fastapi.testclient import TestClient
from test_brief_service import SECRET, finished, hook  # noqa: F401 - hook is a fixture

from summarizer.service import webhook
from summarizer.service.api import create_app
from summarizer.service.redis_backend import RedisBriefCache, client
from summarizer.service.settings import ServiceSettings

SUMMARIZER = Path(sys.executable).with_name("summarizer")


class Workers:
    """`summarizer worker` processes sharing one Redis."""

    def __init__(self, redis_url: str, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "SUMMARIZER_REDIS_URL": redis_url,
            "SUMMARIZER_MODEL": "smollm2-135m",
            "SUMMARIZER_WORKER_HEARTBEAT_S": "3",
            "SUMMARIZER_WEBHOOK_SECRET": SECRET,
            "SUMMARIZER_WEBHOOK_ALLOW_PRIVATE": "true",
        }
        self.tmp_path = tmp_path
        self.processes: dict[int, subprocess.Popen] = {}

    def start(self, count: int) -> None:
        started = []
        for _ in range(count):
            log = open(self.tmp_path / f"worker-{len(self.processes) + len(started)}.log", "w+")  # noqa: SIM115
            process = subprocess.Popen([str(SUMMARIZER), "worker"], env=self.env, stderr=log, stdout=log)
            started.append((process, log))
        for process, log in started:

            def ready(log=log, process=process) -> bool:
                assert process.poll() is None, Path(log.name).read_text()
                return "worker ready" in Path(log.name).read_text()

            wait_until(ready, 120)
            self.processes[process.pid] = process

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture()
def workers(redis_url, tmp_path):
    pool = Workers(redis_url, tmp_path)
    pool.start(2)
    yield pool
    pool.stop()


@pytest.fixture()
def api(redis_url, workers):
    settings = ServiceSettings(
        redis_url=redis_url,
        model="smollm2-135m",
        webhook_secret=SECRET,
        webhook_allow_private=True,
        api_keys="key-a,key-b",
    )
    with TestClient(create_app(settings=settings)) as client:
        yield client


A = {"Authorization": "Bearer key-a"}
B = {"Authorization": "Bearer key-b"}


def _pid(worker: str) -> int:
    return int(worker.rsplit(":", 1)[1])


def _being_written(api, location: str) -> dict:
    """Wait until the job's one story is being written by a worker; its result entry."""
    running: dict = {}

    def writing() -> bool:
        nonlocal running
        running = api.get(location, headers=A).json()["results"][0]
        return running["status"] == "running" and running["worker"] is not None

    wait_until(writing, 60)
    return running


def test_a_batch_is_spread_over_both_workers_and_each_result_stored_once(api, workers, seeds, redis_url):
    stories = [{"articles": seeds, "options": {"max_sentences": n}} for n in (1, 2, 3, 4)]
    response = api.post("/v1/jobs", json={"stories": stories}, headers=A)
    assert response.status_code == 202
    job = finished(api, response.headers["location"], **A)
    assert job["status"] == "done"
    assert [r["status"] for r in job["results"]] == ["done"] * 4
    assert [len(r["brief"]["sentences"]) <= n for r, n in zip(job["results"], (1, 2, 3, 4), strict=True)]
    assert {_pid(r["worker"]) for r in job["results"]} == set(workers.processes)  # both took stories
    assert all(r["attempts"] == 1 for r in job["results"])
    # the API process has no model: every brief came from a worker, and each is in Redis's cache
    assert api.app.state.service.summarizer is None
    cache = RedisBriefCache(client(redis_url))
    story = api.app.state.service.story(stories[0])
    assert cache.get(story.key)["json"]["sentences"] == job["results"][0]["brief"]["sentences"]
    # another key does not see the job
    assert api.get(response.headers["location"], headers=B).status_code == 404


def test_a_grouped_job_is_grouped_by_the_api_and_its_stories_written_by_the_workers(api, seeds):
    from test_brief_service import _morning_articles

    body = {"articles": _morning_articles(seeds), "group": True, "options": {"max_sentences": 1}}
    response = api.post("/v1/jobs", json=body, headers=A)
    assert response.status_code == 202, response.text
    job = finished(api, response.headers["location"], **A)
    assert api.app.state.service.summarizer is None  # grouped with the API's own embedder, no LLM
    assert job["status"] == "done" and job["unassigned"] == ["bridge"]
    assert [len(r["article_ids"]) for r in job["results"]] == [3, 2]  # most outlets first
    for result in job["results"]:
        cited = {c["article_id"] for s in result["brief"]["sentences"] for c in s["citations"]}
        assert cited and cited <= set(result["article_ids"])
        assert result["worker"] is not None


def test_a_worker_killed_mid_brief_loses_nothing(api, workers):
    # long enough (a model call a sentence) that the kill lands mid-brief
    story = {"articles": ASIDES, "options": {"max_sentences": 10, "max_words": 400, "headline": False}}
    location = api.post("/v1/jobs", json=story, headers=A).headers["location"]
    running = _being_written(api, location)
    victim = _pid(running["worker"])
    os.kill(victim, signal.SIGKILL)
    workers.processes[victim].wait(timeout=10)
    assert api.get(location, headers=A).json()["results"][0]["status"] == "running"  # killed before finishing
    # the other worker takes the story once the victim's heartbeat (3 s here) has expired
    job = finished(api, location, timeout_s=120, **A)
    result = job["results"][0]
    assert job["status"] == "done" and result["status"] == "done"
    assert result["attempts"] == 2
    assert _pid(result["worker"]) != victim
    assert len(result["brief"]["sentences"]) >= 1


def test_a_worker_stopped_with_sigterm_finishes_the_story_in_hand(api, workers):
    story = {"articles": ASIDES, "options": {"max_sentences": 10, "max_words": 400, "headline": False}}
    location = api.post("/v1/jobs", json=story, headers=A).headers["location"]
    running = _being_written(api, location)
    stopping = workers.processes[_pid(running["worker"])]
    stopping.send_signal(signal.SIGTERM)
    assert stopping.wait(timeout=120) == 0
    result = api.get(location, headers=A).json()["results"][0]
    assert result["status"] == "done" and result["attempts"] == 1  # finished by the worker told to stop


def test_the_webhook_from_a_worker_is_signed_retried_and_delivered_once(api, seeds, hook):  # noqa: F811
    url, received = hook
    body = {"articles": seeds, "options": {"max_sentences": 2}, "callback_url": url}
    location = api.post("/v1/jobs", json=body, headers=A).headers["location"]
    assert finished(api, location, **A)["status"] == "done"
    wait_until(lambda: len(received) == 2, 60)  # refused (503), then accepted after the backoff
    time.sleep(webhook.retry_delay_s(2) + 1)
    assert len(received) == 2
    headers, posted = received[1]
    assert webhook.verify(posted, headers[webhook.SIGNATURE_HEADER], SECRET)
    deliveries = api.get(location, headers=A).json()["deliveries"]
    assert [(d["attempt"], d["ok"]) for d in deliveries] == [(1, False), (2, True)]


def test_cancel_on_the_redis_backend(api):
    stories = [{"articles": ASIDES, "options": {"max_sentences": n, "max_words": 400}} for n in (5, 6, 7, 8, 9, 10)]
    location = api.post("/v1/jobs", json={"stories": stories}, headers=A).headers["location"]
    assert api.delete(location, headers=A).json()["status"] == "cancelled"
    assert api.delete(location, headers=A).status_code == 409

    def settled() -> bool:
        results = api.get(location, headers=A).json()["results"]
        return all(r["status"] in ("done", "cancelled") for r in results)

    wait_until(settled, 60)
    results = api.get(location, headers=A).json()["results"]
    assert [r["status"] for r in results].count("cancelled") >= 4  # at most the two in hand were written


def test_synchronous_briefs_and_streams_are_written_by_the_workers(api, seeds):
    body = {"articles": seeds[:1], "options": {"max_sentences": 3}}
    events = []
    with api.stream("POST", "/v1/briefs?stream=true", json=body, headers=A) as response:
        assert response.status_code == 200 and response.headers["x-cache"] == "miss"
        for line in response.iter_lines():
            if line.startswith("event: "):
                events.append(line.removeprefix("event: "))
    assert events[-1] == "brief" and events.count("sentence") >= 1
    again = api.post("/v1/briefs", json=body, headers=A)
    assert again.status_code == 200 and again.headers["x-cache"] == "hit"
    bad = api.post("/v1/briefs", json={"articles": [{"text": " "}]}, headers=A)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "articles[0].text"


def test_a_worker_without_redis_url_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SUMMARIZER_REDIS_URL"}
    done = subprocess.run([str(SUMMARIZER), "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and "SUMMARIZER_REDIS_URL" in done.stderr


def test_the_api_refuses_to_start_when_redis_is_unreachable():
    settings = ServiceSettings(redis_url="redis://127.0.0.1:9/0")
    with pytest.raises(Exception, match="(?i)connect"), TestClient(create_app(settings=settings)):
        pass
