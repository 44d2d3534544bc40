"""BriefService through its routes on the embedded backend: jobs, batches, webhooks, scoping,
and the one options schema. (The Redis backend: test_redis_backend.py.)"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import Gated, wait_until
from fastapi.testclient import TestClient

from summarizer.brief.pipeline import BriefOptions
from summarizer.service import webhook
from summarizer.service.brief_service import OptionsIn
from summarizer.service.jobs import NewJob, SqliteJobStore
from summarizer.service.settings import ServiceSettings

SECRET = "test-secret"


def finished(client: TestClient, location: str, timeout_s: float = 120, **headers) -> dict:
    """Poll a job until it ends."""
    document: dict = {}

    def ended() -> bool:
        nonlocal document
        document = client.get(location, headers=headers).json()
        return document["status"] in ("done", "failed", "cancelled")

    wait_until(ended, timeout_s)
    return document


def test_a_batch_is_answered_story_by_story_in_request_order(app_factory, seeds):
    with TestClient(app_factory()) as client:
        body = {
            "stories": [
                {"articles": seeds, "options": {"max_sentences": 2}},
                {"articles": []},  # refused at admission: reported, not fatal
                {"articles": seeds[:1], "options": {"max_sentences": 1, "headline": False}},
            ]
        }
        response = client.post("/v1/jobs", json=body)
        assert response.status_code == 202
        location = response.headers["location"]
        assert location == f"/v1/jobs/{response.json()['id']}"
        assert response.json()["status"] in ("queued", "running")
        job = finished(client, location)
        assert job["status"] == "done"
        assert [r["status"] for r in job["results"]] == ["done", "failed", "done"]
        assert job["results"][1]["error"]["field"] == "stories[1].articles"
        assert 1 <= len(job["results"][0]["brief"]["sentences"]) <= 2
        assert job["results"][2]["brief"]["headline"] is None
        assert job["progress"]["stories_finished"] == 3
        assert job["progress"]["sentences_written"] == sum(
            len(r["brief"]["sentences"]) for r in job["results"] if "brief" in r
        )
        markdown = client.get(location, params={"format": "markdown"}).json()
        assert markdown["results"][0]["brief"].endswith("\n") and "[^1]:" in markdown["results"][0]["brief"]
        # the same story again is answered from the cache the synchronous briefs share
        again = client.post("/v1/briefs", json=body["stories"][0])
        assert again.headers["x-cache"] == "hit"
        assert again.json()["sentences"] == job["results"][0]["brief"]["sentences"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"stories": [{"articles": [{"text": "x"}]}] * 3}, 413, "stories"),
        ({"stories": [{"articles": []}, {"articles": [{"text": " "}]}]}, 422, "stories[0].articles"),
        ({"articles": []}, 422, "articles"),
        ({"articles": [{"text": "A sentence."}], "stories": []}, 422, "body"),
        # found by schemathesis: an empty batch hung the request (a StopIteration in a worker thread)
        ({"stories": [], "callback_url": None}, 422, "stories"),
        ({}, 422, "body"),
        ({"stories": [{"articles": [{"text": "A sentence."}]}], "options": {}}, 422, "options"),
        ({"articles": [{"text": "A sentence."}], "options": {"max_words": 5}}, 422, "options.max_words"),
        ({"articles": [{"text": "A sentence."}], "callback_url": "http://example.org/x"}, 422, "callback_url"),
    ],
)
def test_job_requests_that_are_refused_name_the_field(app_factory, body, status, field):
    with TestClient(app_factory(ServiceSettings(max_stories=2))) as client:
        response = client.post("/v1/jobs", json=body)
        assert response.status_code == status, response.text
        assert response.json()["error"]["field"] == field
    if field == "callback_url":  # no webhook secret on this service
        assert "SUMMARIZER_WEBHOOK_SECRET" in response.json()["error"]["message"]


def _morning_articles(seeds: list[dict]) -> list[dict]:
    """The seeds (one story, two outlets), three reports of a council vote from three outlets
    (another), a page about a bridge (on its own) and an article without text (refused)."""
    from pathlib import Path

    from stories import COUNCIL, COUNCIL_AGAIN, COUNCIL_THIRD

    page = (Path(__file__).parents[1] / "data" / "page_bridge.html").read_text()
    return [
        *seeds,
        {**COUNCIL, "source": "Gazette"},
        {"id": "bridge", "html": page},
        {**COUNCIL_AGAIN, "source": "Herald"},
        {"id": "empty", "title": "No body"},
        {**COUNCIL_THIRD, "url": "https://www.courier.example/council"},
    ]


def test_a_grouped_job_briefs_each_story_from_its_own_articles_only(app_factory, seeds):
    with TestClient(app_factory()) as client:
        body = {"articles": _morning_articles(seeds), "group": True, "options": {"max_sentences": 2}}
        response = client.post("/v1/jobs", json=body)
        assert response.status_code == 202, response.text
        job = finished(client, response.headers["location"])
    assert job["status"] == "done"
    # the story carried by three outlets comes before the seeds' two
    assert [set(r["article_ids"]) for r in job["results"]] == [
        {"council", "council-2", "council-3"},
        {a["id"] for a in seeds},
    ]
    assert job["unassigned"] == ["bridge"]
    assert [(p["field"], p["code"]) for p in job["articles_refused"]] == [("articles[5].text", "invalid")]
    for result in job["results"]:
        assert result["status"] == "done"
        cited = {c["article_id"] for s in result["brief"]["sentences"] for c in s["citations"]}
        assert cited and cited <= set(result["article_ids"])  # never another story's article
        first = result["brief"]["headline"] or result["brief"]["sentences"][0]
        assert result["label"] == first["text"]
        assert len(result["brief"]["sentences"]) <= 2  # the request's options apply to each story


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"articles": [{"text": "A sentence."}] * 4, "group": True}, 413, "articles", "too_large"),
        ({"stories": [{"articles": [{"text": "A sentence."}]}], "group": True}, 422, "group", "invalid"),
        ({"articles": [{"title": "no text"}, {"text": " "}], "group": True}, 422, "articles[0].text", "invalid"),
    ],
)
def test_grouped_job_requests_that_are_refused_name_the_field(app_factory, body, status, field, code):
    with TestClient(app_factory(ServiceSettings(max_group_articles=3))) as client:
        response = client.post("/v1/jobs", json=body)
        assert response.status_code == status, response.text
        assert (response.json()["error"]["field"], response.json()["error"]["code"]) == (field, code)


def test_a_grouped_job_of_unrelated_articles_says_no_story_was_found(app_factory, seeds):
    from stories import COUNCIL

    with TestClient(app_factory()) as client:
        response = client.post("/v1/jobs", json={"articles": [seeds[0], COUNCIL], "group": True})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "no_story"
        assert "each was left on its own" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/hook",
        "file:///etc/passwd",
        "gopher://example.org/",
    ],
)
def test_callback_urls_to_private_addresses_or_other_schemes_are_refused(app_factory, seeds, url):
    with TestClient(app_factory(ServiceSettings(webhook_secret=SECRET))) as client:
        response = client.post("/v1/jobs", json={"articles": seeds, "callback_url": url})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "callback_url"


def test_an_api_key_sees_only_its_own_jobs(app_factory, seeds):
    keys = ServiceSettings(api_keys="key-a,key-b")
    with TestClient(app_factory(keys)) as client:
        assert client.post("/v1/jobs", json={"articles": seeds}).status_code == 401
        a = {"Authorization": "Bearer key-a"}
        b = {"Authorization": "Bearer key-b"}
        location = client.post("/v1/jobs", json={"articles": seeds}, headers=a).headers["location"]
        assert client.get(location, headers=b).status_code == 404
        assert client.delete(location, headers=b).status_code == 404
        assert client.get(location).status_code == 401
        assert finished(client, location, **a)["status"] == "done"
        assert client.get("/v1/jobs/no-such-job", headers=a).json()["error"]["code"] == "not_found"


def test_cancel_stops_the_job_and_a_finished_job_is_409(app_factory, smollm):
    gated = Gated(smollm)  # the first story is held in its model call until the job is cancelled
    article = {
        "id": "a",
        "text": "The council also approved the budget this week. Three schools will be built by 2027.",
    }
    with TestClient(app_factory(generator=gated)) as client:
        stories = [{"articles": [article], "options": {"max_sentences": n}} for n in (1, 2, 3)]
        location = client.post("/v1/jobs", json={"stories": stories}).headers["location"]
        assert gated.entered.wait(60)
        cancelled = client.delete(location)
        gated.release.set()
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        job = finished(client, location)
        assert job["status"] == "cancelled"
        assert job["results"][-1]["status"] == "cancelled"  # never started
        assert client.delete(location).status_code == 409
        assert client.delete(location).json()["error"]["code"] == "finished"


class Hook(BaseHTTPRequestHandler):
    """A callback receiver that refuses its first delivery (503) and accepts the rest."""

    received: list[tuple[dict, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(503 if len(self.received) == 1 else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def hook():
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", Hook.received
    server.shutdown()


def test_the_webhook_is_signed_retried_after_a_refusal_and_delivered_once(app_factory, seeds, hook):
    url, received = hook
    settings = ServiceSettings(webhook_secret=SECRET, webhook_allow_private=True)
    with TestClient(app_factory(settings)) as client:
        location = client.post("/v1/jobs", json={"articles": seeds, "callback_url": url}).headers["location"]
        assert finished(client, location)["status"] == "done"
        wait_until(lambda: len(received) == 2, 30)  # refused, then (after a 2 s backoff) accepted
        time.sleep(webhook.retry_delay_s(2) + 1)  # nothing more comes
        assert len(received) == 2
        headers, body = received[1]
        assert webhook.verify(body, headers[webhook.SIGNATURE_HEADER], SECRET)
        assert not webhook.verify(body, headers[webhook.SIGNATURE_HEADER], "another secret")
        posted = json.loads(body)
        assert posted["id"] == location.rsplit("/", 1)[1] and posted["status"] == "done"
        deliveries = client.get(location).json()["deliveries"]
        assert [(d["attempt"], d["status"], d["ok"]) for d in deliveries] == [(1, 503, False), (2, 200, True)]


def test_stories_left_unfinished_by_a_stopped_service_are_written_after_a_restart(app_factory, seeds, tmp_path):
    # a job as a service that stopped mid-job left it: one story running, one queued
    store = SqliteJobStore(tmp_path / "jobs.sqlite")
    stories = tuple({"articles": seeds, "options": {"max_sentences": n}} for n in (1, 2))
    job = NewJob(None, stories, (None, None), None, 3600).with_id()
    store.create(job)
    store.start_story(job.id, 0, "stopped-process")
    with TestClient(app_factory()) as client:
        document = finished(client, f"/v1/jobs/{job.id}")
    assert [r["status"] for r in document["results"]] == ["done", "done"]
    assert document["results"][0]["attempts"] == 2


def test_the_options_schema_is_the_pipelines():
    """One definition of the options (BriefOptions): the HTTP schema's defaults and ranges follow it."""
    schema = OptionsIn.model_json_schema()["properties"]
    for name, (low, high) in BriefOptions.RANGES.items():
        assert (schema[name]["minimum"], schema[name]["maximum"]) == (low, high)
        assert schema[name]["default"] == getattr(BriefOptions, name)
    assert schema["headline"]["default"] is BriefOptions.headline


# --- links and feeds in jobs ----------------------------------------------------------------


def test_a_job_fetches_its_links_when_accepted_and_the_worker_reports_the_failed_one(app_factory, seeds):
    from web import WebServer, as_page

    with WebServer().running() as web:
        links = [{"id": a["id"], "url": web.page(f"/{a['id']}", as_page(a))} for a in seeds]
        body = {"articles": [*links, {"url": web.base + "/gone"}], "options": {"max_sentences": 2}}
        with TestClient(app_factory(ServiceSettings(fetch_allow_private=True))) as client:
            response = client.post("/v1/jobs", json=body)
            assert response.status_code == 202, response.text
            job = finished(client, response.headers["location"])
        # fetched when the job was accepted; the job thread never fetches (the dead link neither)
        assert [web.fetched(p) for p in (f"/{seeds[0]['id']}", "/gone")] == [1, 1]
    (result,) = job["results"]
    assert result["status"] == "done"
    assert [(w["code"], w["field"]) for w in result["brief"]["warnings"]] == [
        ("link_failed", "articles[2].url"),
        ("article_garbled", None),  # the seeds' machine translation
        ("sources_disagree", None),  # "accepted" against "took note of"
    ]
    assert {c["article_id"] for s in result["brief"]["sentences"] for c in s["citations"]} <= {a["id"] for a in seeds}


def test_a_grouped_job_of_feeds_briefs_each_story_and_accounts_for_every_entry(app_factory, seeds):
    from datetime import UTC, datetime

    from stories import COUNCIL, COUNCIL_AGAIN, COUNCIL_THIRD
    from web import WebServer, as_page, atom, rss

    today, old = datetime(2026, 12, 4, 5, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    with WebServer().running() as web:
        wire = [  # the seeds with their full text in the feed; a council report only by link
            {"title": a.get("title", a["id"]), "content": a["text"], "published": today} for a in seeds
        ] + [{"title": "c2", "link": web.page("/c2", as_page(COUNCIL_AGAIN)), "published": today}]
        local = [
            {"title": "c1", "content": as_page(COUNCIL), "published": today},
            {"title": "c3", "link": web.page("/c3", as_page(COUNCIL_THIRD)), "published": today},
            {"title": "dead link", "link": web.base + "/gone", "published": today},
            {"title": "last month", "content": as_page(COUNCIL), "published": old},
            {"title": "nothing to read", "published": today},
        ]
        feeds = [
            web.page("/wire.xml", atom(wire), "application/atom+xml"),
            web.page("/local.xml", rss(local), "application/rss+xml"),
            web.page("/not-a-feed", "<html><body>hello</body></html>", "text/html"),
        ]
        body = {"feeds": feeds, "group": True, "since": "2026-12-01", "options": {"max_sentences": 2}}
        with TestClient(app_factory(ServiceSettings(fetch_allow_private=True))) as client:
            response = client.post("/v1/jobs", json=body)
            assert response.status_code == 202, response.text
            job = finished(client, response.headers["location"])
            # feeds need group; since needs feeds
            for wrong, field in (({"feeds": feeds}, "feeds"), ({"articles": seeds, "since": "2026-12-01"}, "since")):
                response = client.post("/v1/jobs", json=wrong)
                assert response.status_code == 422 and response.json()["error"]["field"] == field
    assert job["status"] == "done"
    assert [set(r["article_ids"]) for r in job["results"]] == [
        {"feed2-1", "feed1-3", "feed2-2"},  # the council, told by three entries (one full text, two by link)
        {"feed1-1", "feed1-2"},  # the seeds
    ]
    refused = {p["field"]: p["code"] for p in job["articles_refused"]}
    assert refused == {
        "feeds[2]": "link_failed",  # a web page, not a feed
        "feeds[1].entries[4]": "no_content",
        "feeds[1].entries[2].url": "link_failed",
    }
