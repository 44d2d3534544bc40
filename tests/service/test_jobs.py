"""Job stores (SQLite and Redis, the same contract) and the story runner."""

from __future__ import annotations

import threading
import time

import pytest

from summarizer.errors import InputError
from summarizer.service.jobs import NewJob, SqliteJobStore, Webhooks, job_document, job_status, run_story

NO_WEBHOOKS = Webhooks(secret=None, attempts=1, allow_private=False)
STORY = {"articles": [{"id": "a", "text": "The council approved the budget on Monday."}], "options": {}}


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteJobStore(tmp_path / "jobs.sqlite")
    from summarizer.service.redis_backend import RedisJobStore, client

    return RedisJobStore(client(request.getfixturevalue("redis_url")))


class RecordingQueue:
    """The JobQueue protocol, recording what would be queued (the real queues are tested in
    test_service.py and test_redis_backend.py)."""

    def __init__(self) -> None:
        self.stories: list[tuple[str, int]] = []
        self.deliveries: list[tuple[str, int, float]] = []

    def enqueue_story(self, job_id: str, index: int) -> None:
        self.stories.append((job_id, index))

    def enqueue_delivery(self, job_id: str, attempt: int, delay_s: float) -> None:
        self.deliveries.append((job_id, attempt, delay_s))


def new_job(stories: int = 2, *, ttl_s: int = 3600, callback_url: str | None = None, refused=None) -> NewJob:
    refused = refused or (None,) * stories
    return NewJob("owner-1", (STORY,) * stories, tuple(refused), callback_url, ttl_s).with_id()


def test_a_result_is_stored_once_and_exactly_one_finish_completes_the_job(store):
    job = new_job(2)
    store.create(job)
    assert store.start_story(job.id, 0, "w1") == 1
    assert store.start_story(job.id, 1, "w2") == 1
    assert store.finish_story(job.id, 0, "done", {"renderings": {"json": {"n": 1}}}) == (True, False)
    # the same story finished again (a worker lost after finishing, its story run twice): not stored
    assert store.finish_story(job.id, 0, "done", {"renderings": {"json": {"n": 2}}}) == (False, False)
    assert store.start_story(job.id, 0, "w3") is None  # a finished story is never started again
    assert store.finish_story(job.id, 1, "failed", {"error": {"code": "deadline"}}) == (True, True)
    assert store.finish_story(job.id, 1, "done", {"renderings": {}}) == (False, False)
    state = store.get(job.id)
    assert [s.status for s in state.stories] == ["done", "failed"]
    assert state.stories[0].result == {"renderings": {"json": {"n": 1}}}
    assert [s.worker for s in state.stories] == ["w1", "w2"]
    assert state.status == "done" and state.owner == "owner-1"


def test_progress_is_the_sentences_written_of_those_planned_and_a_retry_starts_over(store):
    job = new_job(1)
    store.create(job)
    store.start_story(job.id, 0, "w1")
    store.plan(job.id, 0, 4)
    store.add_sentence(job.id, 0, {"text": "One."})
    store.add_sentence(job.id, 0, {"text": "Two."})
    document = job_document(store.get(job.id), "json")
    assert document["status"] == "running"
    assert document["progress"] == {
        "stories": 1,
        "stories_finished": 0,
        "sentences_written": 2,
        "sentences_planned": 4,
    }
    assert store.start_story(job.id, 0, "w2") == 2  # the worker was lost: the next try starts afresh
    state = store.get(job.id)
    assert state.stories[0].sentences == () and state.stories[0].planned is None


def test_cancel_stops_unstarted_stories_and_a_finished_job_cannot_be_cancelled(store):
    job = new_job(2)
    store.create(job)
    store.start_story(job.id, 0, "w1")
    assert store.cancel(job.id) is True
    assert store.is_cancelled(job.id)
    assert store.start_story(job.id, 1, "w1") is None
    state = store.get(job.id)
    assert state.status == "cancelled" and state.stories[1].status == "cancelled"
    assert store.cancel(job.id) is False  # once is enough
    # the running story ends as cancelled (its worker saw the flag), and the job is over
    assert store.finish_story(job.id, 0, "cancelled", {}) == (True, True)
    assert store.cancel(job.id) is False

    finished = new_job(1)
    store.create(finished)
    store.start_story(finished.id, 0, "w1")
    store.finish_story(finished.id, 0, "done", {"renderings": {}})
    assert store.cancel(finished.id) is False
    assert store.get(finished.id).status == "done"


def test_a_job_expires_with_everything_it_stored(store, request):
    job = new_job(1, ttl_s=2)
    store.create(job)
    store.start_story(job.id, 0, "w1")
    store.add_sentence(job.id, 0, {"text": "One."})
    store.add_delivery(job.id, {"attempt": 1, "ok": False}, delivered=False)
    assert store.get(job.id) is not None
    time.sleep(3.1)  # Redis expires at a whole second (EXPIREAT, rounded up)
    assert store.get(job.id) is None
    assert store.request(job.id, 0) is None
    assert store.start_story(job.id, 0, "w1") is None
    if "redis" in request.node.callspec.id:
        import redis

        keys = redis.Redis.from_url(request.getfixturevalue("redis_url")).keys("summarizer:job:*")
        assert keys == []


def test_a_delivery_is_recorded_until_one_succeeds(store):
    job = new_job(1, callback_url="https://example.org/hook")
    store.create(job)
    assert store.add_delivery(job.id, {"attempt": 1, "ok": False, "status": 503}, delivered=False)
    assert store.add_delivery(job.id, {"attempt": 2, "ok": True, "status": 200}, delivered=True)
    assert not store.add_delivery(job.id, {"attempt": 3, "ok": True, "status": 200}, delivered=True)
    assert [d["attempt"] for d in store.get(job.id).deliveries] == [1, 2]


def test_stories_refused_at_admission_are_stored_as_failed(store):
    job = new_job(
        2, refused=(None, {"code": "invalid", "message": "articles is empty", "field": "stories[1].articles"})
    )
    store.create(job)
    state = store.get(job.id)
    assert [s.status for s in state.stories] == ["queued", "failed"]
    assert job_document(state, "json")["results"][1]["error"]["field"] == "stories[1].articles"
    assert state.status == "queued"


@pytest.mark.parametrize(
    ("cancelled", "statuses", "expected"),
    [
        (False, ["queued", "queued"], "queued"),
        (False, ["running", "queued"], "running"),
        (False, ["done", "queued"], "running"),
        (False, ["done", "failed"], "done"),
        (False, ["failed", "failed"], "failed"),
        (False, ["queued", "failed"], "queued"),  # only refused at admission: nothing started yet
        (True, ["done", "cancelled"], "cancelled"),
    ],
)
def test_job_status(cancelled, statuses, expected):
    assert job_status(cancelled, statuses) == expected


def _writer(outcomes):
    """A writer that takes each outcome in turn: an exception to raise, or renderings to return."""

    def write(request, cancel, on_sentence, on_plan):
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        on_plan(1)
        on_sentence({"text": "One."})
        return outcome

    return write


def _explain(error):
    return {"code": "invalid", "message": str(error), "field": error.field} if isinstance(error, InputError) else None


def test_run_story_stores_a_brief_or_the_story_error_and_queues_the_webhook(store):
    queue = RecordingQueue()
    job = new_job(2, callback_url="https://example.org/hook")
    store.create(job)
    hooks = Webhooks("secret", 3, False)
    run_story(store, queue, _writer([{"json": {}}]), _explain, job.id, 0, tries=3, webhooks=hooks)
    assert queue.deliveries == []  # one story left
    bad = InputError("articles[0].text is empty.", field="articles[0].text")
    run_story(store, queue, _writer([bad]), _explain, job.id, 1, tries=3, webhooks=hooks)
    state = store.get(job.id)
    assert [s.status for s in state.stories] == ["done", "failed"]
    assert state.stories[1].result["error"]["field"] == "articles[0].text"
    assert queue.deliveries == [(job.id, 1, 0.0)]  # the job ended: its webhook, once


def test_an_unexpected_error_is_retried_then_failed_with_its_reason(store):
    queue = RecordingQueue()
    job = new_job(1)
    store.create(job)
    outcomes = [RuntimeError("redis hiccup"), RuntimeError("redis hiccup again")]
    with pytest.raises(RuntimeError):  # handed back to the queue, which retries
        run_story(store, queue, _writer(outcomes), _explain, job.id, 0, tries=2, webhooks=NO_WEBHOOKS)
    run_story(store, queue, _writer(outcomes), _explain, job.id, 0, tries=2, webhooks=NO_WEBHOOKS)
    story = store.get(job.id).stories[0]
    assert story.status == "failed" and story.attempts == 2
    assert story.result["error"]["code"] == "internal"
    assert "try 2 of 2" in story.result["error"]["message"] and "redis hiccup again" in story.result["error"]["message"]


def test_a_story_whose_worker_was_lost_every_time_is_failed_not_run_again(store):
    job = new_job(1)
    store.create(job)
    for worker in ("w1", "w2"):  # two workers killed mid-brief: started, never finished
        store.start_story(job.id, 0, worker)
    ran = []
    run_story(store, RecordingQueue(), lambda *a: ran.append(1), _explain, job.id, 0, tries=2, webhooks=NO_WEBHOOKS)
    story = store.get(job.id).stories[0]
    assert ran == [] and story.status == "failed"
    assert story.result["error"]["code"] == "worker_lost"
    assert "started 2 time(s)" in story.result["error"]["message"]


def test_a_cancelled_job_stops_the_story_being_written(store):
    job = new_job(1, callback_url="https://example.org/hook")
    queue = RecordingQueue()
    store.create(job)
    started = threading.Event()

    def slow_write(request, cancel, on_sentence, on_plan):
        started.set()
        assert cancel.wait(10), "the cancellation never reached the brief"
        from summarizer.errors import BriefCancelled

        raise BriefCancelled("stopped")

    runner = threading.Thread(
        target=run_story,
        args=(store, queue, slow_write, _explain, job.id, 0),
        kwargs={"tries": 1, "webhooks": NO_WEBHOOKS},
    )
    runner.start()
    assert started.wait(10)
    store.cancel(job.id)
    runner.join(10)
    state = store.get(job.id)
    assert state.status == "cancelled" and state.stories[0].status == "cancelled"
    assert queue.deliveries == []  # a cancelled job is not posted


def test_a_grouped_job_keeps_its_stories_and_labels_them_from_their_briefs(store):
    from dataclasses import replace

    grouping = {
        "stories": [
            {"article_ids": ["a", "b"], "label": "Council approves budget"},
            {"article_ids": ["c", "d"], "label": "x"},
        ],
        "unassigned": ["e"],
        "articles_refused": [
            {"code": "invalid", "message": "articles[5].text is missing", "field": "articles[5].text"}
        ],
    }
    job = replace(new_job(2), grouping=grouping)
    store.create(job)
    store.start_story(job.id, 0, "w1")
    brief = {"headline": None, "sentences": [{"text": "The council approved the budget."}]}
    store.finish_story(job.id, 0, "done", {"renderings": {"json": brief, "markdown": "…"}})
    document = job_document(store.get(job.id), "markdown")
    # a finished story is labelled by its brief, one still waiting by its first article's title
    assert [(r["label"], r["article_ids"]) for r in document["results"]] == [
        ("The council approved the budget.", ["a", "b"]),
        ("x", ["c", "d"]),
    ]
    assert document["unassigned"] == ["e"] and document["articles_refused"] == grouping["articles_refused"]
    # a job that was not grouped has none of these
    plain = new_job(1)
    store.create(plain)
    document = job_document(store.get(plain.id), "json")
    assert "unassigned" not in document and "label" not in document["results"][0]


def test_a_jobs_file_from_before_grouped_jobs_is_opened_and_used(tmp_path):
    import sqlite3

    path = tmp_path / "jobs.sqlite"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE jobs (id TEXT PRIMARY KEY, owner TEXT, created REAL NOT NULL, expires REAL NOT NULL, "
        "cancelled INTEGER NOT NULL DEFAULT 0, callback_url TEXT, deliveries TEXT NOT NULL DEFAULT '[]', "
        "delivered INTEGER NOT NULL DEFAULT 0)"
    )
    old.commit()
    old.close()
    store = SqliteJobStore(path)
    job = new_job(1)
    store.create(job)
    assert store.get(job.id).grouping is None
