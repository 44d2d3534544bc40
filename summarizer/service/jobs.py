"""Jobs: briefs handed in now and collected later (``POST /v1/jobs``), one or a batch of stories.

A job is its stories (each a brief request) plus who owns it, when it expires, an optional
webhook and the deliveries tried. Each story is queued on its own, so a batch spreads over
workers, and goes ``queued → running → done | failed | cancelled``; the job's status is derived
from its stories' (``job_status``). Two backends implement the same two protocols:
``JobStore`` (state) and ``JobQueue`` (work): the embedded one here (SQLite + one thread in the
API process) and the Redis one in ``redis_backend.py`` (Redis + Dramatiq workers).

Guarantees both stores give: a story's result is stored exactly once (``finish_story`` writes
only over an unfinished story, so a story run twice — a worker lost after finishing — keeps the
first result); exactly one ``finish_story`` call reports the job complete (that caller sends the
webhook); a story started more than ``tries`` times is failed with the reason instead of run again.
"""

from __future__ import annotations

import json
import logging
import os
import queue as stdlib_queue
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from summarizer.brief.render import story_label
from summarizer.errors import BriefCancelled
from summarizer.service import webhook

log = logging.getLogger("summarizer.service.jobs")

FINISHED = ("done", "failed", "cancelled")
STORY_STATUSES = ("queued", "running", *FINISHED)
JOB_STATUSES = STORY_STATUSES  # a job's status is one of its stories' (``job_status``)
WORKER = f"{socket.gethostname()}:{os.getpid()}"
# seconds between a running story's looks at its job for a cancellation
CANCEL_POLL_S = 0.5


@dataclass(frozen=True)
class NewJob:
    """What a job is created from: its stories' brief requests (``{"articles", "options"}``), and
    per story an error object when the request was refused at admission (stored as failed)."""

    owner: str | None
    stories: tuple[dict[str, Any], ...]
    refused: tuple[dict[str, Any] | None, ...]
    callback_url: str | None
    ttl_s: int
    id: str = ""
    # a ``"group": true`` job: per story its ``article_ids`` and a ``label`` to show until its
    # brief gives one, the ``unassigned`` article ids and the ``articles_refused`` (error objects)
    grouping: dict[str, Any] | None = None

    def with_id(self) -> NewJob:
        return replace(self, id=uuid.uuid4().hex)


@dataclass(frozen=True)
class StoryState:
    status: str
    attempts: int
    worker: str | None  # host:pid of the process that last started it
    planned: int | None
    sentences: tuple[dict[str, Any], ...]
    result: dict[str, Any] | None  # {"renderings": {...}} when done, {"error": {...}} when failed


@dataclass(frozen=True)
class JobState:
    id: str
    owner: str | None
    created: float
    expires: float
    cancelled: bool
    callback_url: str | None
    stories: tuple[StoryState, ...]
    deliveries: tuple[dict[str, Any], ...]
    grouping: dict[str, Any] | None = None  # as ``NewJob.grouping``

    @property
    def status(self) -> str:
        return job_status(self.cancelled, [s.status for s in self.stories])


def job_status(cancelled: bool, statuses: Sequence[str]) -> str:
    """``cancelled`` once cancelled; ``done`` when every story finished and one has a brief,
    ``failed`` when every story failed; ``running`` once one is running or done; else ``queued``
    (a story refused at admission is failed without having started)."""
    if cancelled:
        return "cancelled"
    if all(s in FINISHED for s in statuses):
        return "failed" if all(s == "failed" for s in statuses) else "done"
    return "running" if any(s in ("running", "done") for s in statuses) else "queued"


class JobStore(Protocol):
    """Job state, shared by every process of one backend. Expired jobs are never returned."""

    def create(self, job: NewJob) -> None: ...
    def get(self, job_id: str) -> JobState | None: ...
    def request(self, job_id: str, index: int) -> dict[str, Any] | None: ...
    def start_story(self, job_id: str, index: int, worker: str) -> int | None:
        """Mark the story running (by ``worker``) and count the attempt; None when it must not run (finished,
        cancelled, expired)."""
        ...

    def plan(self, job_id: str, index: int, planned: int) -> None: ...
    def add_sentence(self, job_id: str, index: int, sentence: dict[str, Any]) -> None: ...
    def finish_story(self, job_id: str, index: int, status: str, result: dict[str, Any]) -> tuple[bool, bool]:
        """(stored, job_complete): stored only over an unfinished story; job_complete is true for
        exactly one call, the one that finished the job's last story."""
        ...

    def cancel(self, job_id: str) -> bool:
        """Cancel the job and its unstarted stories; False when it had already finished or been cancelled."""
        ...

    def is_cancelled(self, job_id: str) -> bool: ...
    def unfinished(self) -> list[tuple[str, int]]: ...
    def add_delivery(self, job_id: str, delivery: dict[str, Any], *, delivered: bool) -> bool:
        """Record an attempt; returns False (recording nothing) when the job was already delivered."""
        ...


class JobQueue(Protocol):
    """Where stories wait for a process with the models, and webhook deliveries for their turn."""

    def enqueue_story(self, job_id: str, index: int) -> None: ...
    def enqueue_delivery(self, job_id: str, attempt: int, delay_s: float) -> None: ...


# What writes one brief: (request, cancel, on_sentence(dict), on_plan(n)) -> its renderings.
Writer = Callable[
    [Mapping[str, Any], threading.Event, Callable[[dict[str, Any]], None], Callable[[int], None]], dict[str, Any]
]
# An exception raised while writing → the story's error object, or None for an unexpected one
# (which the queue retries).
Explain = Callable[[BaseException], dict[str, Any] | None]


@dataclass(frozen=True)
class Webhooks:
    secret: str | None
    attempts: int
    allow_private: bool


def run_story(
    store: JobStore,
    queue: JobQueue,
    write: Writer,
    explain: Explain,
    job_id: str,
    index: int,
    *,
    tries: int,
    webhooks: Webhooks,
) -> str | None:
    """Write one story of a job and store its result once. An exception ``explain`` maps to
    an error object ends the story as failed; any other is re-raised (the queue retries it)
    unless this was the last try, when it too fails the story with its reason. Returns the
    status this call stored (``done``, ``failed``, ``cancelled``; for metrics), else None."""
    attempt = store.start_story(job_id, index, WORKER)
    if attempt is None:
        return None
    if attempt > tries:
        return _finish(store, queue, job_id, index, "failed", _lost(tries), webhooks)
    request = store.request(job_id, index)
    if request is None:  # expired meanwhile
        return None
    cancel = threading.Event()
    stop_watching = threading.Event()

    def watch() -> None:  # a DELETE on the job stops the brief at its next sentence
        while not stop_watching.wait(CANCEL_POLL_S):
            if store.is_cancelled(job_id):
                cancel.set()
                return

    watcher = threading.Thread(target=watch, name=f"cancel-{job_id[:8]}", daemon=True)
    watcher.start()
    try:
        renderings = write(
            request,
            cancel,
            lambda sentence: store.add_sentence(job_id, index, sentence),
            lambda planned: store.plan(job_id, index, planned),
        )
    except BaseException as error:  # noqa: BLE001 - every outcome is stored or handed back to the queue
        if isinstance(error, BriefCancelled) and store.is_cancelled(job_id):
            return _finish(store, queue, job_id, index, "cancelled", {}, webhooks)
        explained = explain(error)
        if explained is None and attempt < tries and not isinstance(error, KeyboardInterrupt):
            log.warning("story %s/%d failed on try %d of %d (%s); retrying", job_id, index, attempt, tries, error)
            raise
        message = f"the story failed on try {attempt} of {tries}: {error}"
        error_object = explained or {"code": "internal", "message": message, "field": None}
        stored = _finish(store, queue, job_id, index, "failed", {"error": error_object}, webhooks)
        if isinstance(error, KeyboardInterrupt):
            raise
        return stored
    finally:
        stop_watching.set()
    return _finish(store, queue, job_id, index, "done", {"renderings": renderings}, webhooks)


def _lost(tries: int) -> dict[str, Any]:
    message = (
        f"the story was started {tries} time(s) and its worker stopped each time before finishing "
        "(killed or lost); it is not tried again."
    )
    return {"error": {"code": "worker_lost", "message": message, "field": None}}


def _finish(
    store: JobStore,
    queue: JobQueue,
    job_id: str,
    index: int,
    status: str,
    result: dict[str, Any],
    webhooks: Webhooks,
) -> str | None:
    """Store the story's ``status`` and result; the status when stored, None when the story had
    already finished. The call that finished the job's last story queues its webhook."""
    stored, complete = store.finish_story(job_id, index, status, result)
    if not stored:
        log.info("story %s/%d was already finished; this result is not stored", job_id, index)
    if complete:
        job = store.get(job_id)
        # a job its client cancelled is not posted: the client knows how it ended
        if job is not None and job.callback_url and job.status != "cancelled":
            queue.enqueue_delivery(job_id, 1, 0.0)
    return status if stored else None


def deliver(store: JobStore, queue: JobQueue, job_id: str, attempt: int, webhooks: Webhooks) -> None:
    """One webhook attempt for a finished job; a failure queues the next after ``retry_delay_s``."""
    job = store.get(job_id)
    if job is None or not job.callback_url or webhooks.secret is None:
        return
    if any(d.get("ok") for d in job.deliveries):
        return
    body = json.dumps(job_document(job, "json"), ensure_ascii=False, sort_keys=True).encode()
    delivery = webhook.post(
        job.callback_url, body, webhooks.secret, attempt=attempt, allow_private=webhooks.allow_private
    )
    record = {**asdict(delivery), "ok": delivery.ok}
    if not store.add_delivery(job_id, record, delivered=delivery.ok):
        return
    if not delivery.ok and attempt < webhooks.attempts:
        queue.enqueue_delivery(job_id, attempt + 1, webhook.retry_delay_s(attempt))


def job_document(job: JobState, fmt: str) -> dict[str, Any]:
    """The job as ``GET /v1/jobs/{id}`` answers it: status, progress, one result per story in
    request order (the brief in ``fmt``, or the story's error object), and webhook deliveries; a
    grouped job's results also carry ``label`` and ``article_ids``, and it lists ``unassigned`` and
    ``articles_refused``."""
    results = []
    grouped = job.grouping["stories"] if job.grouping else [None] * len(job.stories)
    for story, group in zip(job.stories, grouped, strict=True):
        entry: dict[str, Any] = {"status": story.status, "attempts": story.attempts, "worker": story.worker}
        result = story.result or {}
        renderings = result.get("renderings")
        if group is not None:
            label = story_label(renderings["json"] if renderings else None, group["label"])
            entry.update(label=label, article_ids=group["article_ids"])
        if renderings:
            entry["brief"] = renderings[fmt]
        if "error" in result:
            entry["error"] = result["error"]
        results.append(entry)
    grouping = (
        {"unassigned": job.grouping["unassigned"], "articles_refused": job.grouping["articles_refused"]}
        if job.grouping
        else {}
    )
    return {
        "id": job.id,
        "status": job.status,
        "created": _iso(job.created),
        "expires": _iso(job.expires),
        "progress": {
            "stories": len(job.stories),
            "stories_finished": sum(s.status in FINISHED for s in job.stories),
            "sentences_written": sum(len(s.sentences) for s in job.stories),
            "sentences_planned": sum(s.planned or 0 for s in job.stories),
        },
        "results": results,
        **grouping,
        "callback_url": job.callback_url,
        "deliveries": list(job.deliveries),
    }


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


class SqliteJobStore:
    """The embedded backend's store: one SQLite file beside the cache, safe across threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5)
        self._db.executescript(
            """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY, owner TEXT, created REAL NOT NULL, expires REAL NOT NULL,
                cancelled INTEGER NOT NULL DEFAULT 0, callback_url TEXT,
                deliveries TEXT NOT NULL DEFAULT '[]', delivered INTEGER NOT NULL DEFAULT 0, grouping TEXT);
            CREATE TABLE IF NOT EXISTS stories (
                job_id TEXT NOT NULL, idx INTEGER NOT NULL, request TEXT NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, worker TEXT, planned INTEGER, sentences TEXT NOT NULL DEFAULT '[]',
                result TEXT, PRIMARY KEY (job_id, idx));
            """
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
        if "grouping" not in columns:  # a jobs.sqlite written before grouped jobs existed
            self._db.execute("ALTER TABLE jobs ADD COLUMN grouping TEXT")

    def _run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    def create(self, job: NewJob) -> None:
        now = time.time()

        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM stories WHERE job_id IN (SELECT id FROM jobs WHERE expires <= ?)", (now,))
            db.execute("DELETE FROM jobs WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO jobs (id, owner, created, expires, callback_url, grouping) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    job.id,
                    job.owner,
                    now,
                    now + job.ttl_s,
                    job.callback_url,
                    None if job.grouping is None else json.dumps(job.grouping),
                ),
            )
            db.executemany(
                "INSERT INTO stories (job_id, idx, request, status, result) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        job.id,
                        index,
                        json.dumps(story),
                        "queued" if refused is None else "failed",
                        None if refused is None else json.dumps({"error": refused}),
                    )
                    for index, (story, refused) in enumerate(zip(job.stories, job.refused, strict=True))
                ],
            )

        self._run(work)

    def get(self, job_id: str) -> JobState | None:
        def work(db: sqlite3.Connection) -> JobState | None:
            row = db.execute(
                "SELECT id, owner, created, expires, cancelled, callback_url, deliveries, grouping FROM jobs "
                "WHERE id = ? AND expires > ?",
                (job_id, time.time()),
            ).fetchone()
            if row is None:
                return None
            stories = db.execute(
                "SELECT status, attempts, worker, planned, sentences, result FROM stories "
                "WHERE job_id = ? ORDER BY idx",
                (job_id,),
            ).fetchall()
            return JobState(
                id=row[0],
                owner=row[1],
                created=row[2],
                expires=row[3],
                cancelled=bool(row[4]),
                callback_url=row[5],
                deliveries=tuple(json.loads(row[6])),
                grouping=json.loads(row[7]) if row[7] else None,
                stories=tuple(
                    StoryState(s[0], s[1], s[2], s[3], tuple(json.loads(s[4])), json.loads(s[5]) if s[5] else None)
                    for s in stories
                ),
            )

        return self._run(work)

    def request(self, job_id: str, index: int) -> dict[str, Any] | None:
        row = self._run(
            lambda db: db.execute(
                "SELECT request FROM stories JOIN jobs ON jobs.id = stories.job_id "
                "WHERE job_id = ? AND idx = ? AND expires > ?",
                (job_id, index, time.time()),
            ).fetchone()
        )
        return json.loads(row[0]) if row else None

    def start_story(self, job_id: str, index: int, worker: str) -> int | None:
        def work(db: sqlite3.Connection) -> int | None:
            row = db.execute(
                "SELECT status, attempts, cancelled FROM stories JOIN jobs ON jobs.id = stories.job_id "
                "WHERE job_id = ? AND idx = ? AND expires > ?",
                (job_id, index, time.time()),
            ).fetchone()
            if row is None or row[0] in FINISHED:
                return None
            if row[2]:
                db.execute("UPDATE stories SET status = 'cancelled' WHERE job_id = ? AND idx = ?", (job_id, index))
                return None
            db.execute(
                "UPDATE stories SET status = 'running', attempts = attempts + 1, worker = ?, sentences = '[]', "
                "planned = NULL WHERE job_id = ? AND idx = ?",
                (worker, job_id, index),
            )
            return row[1] + 1

        return self._run(work)

    def plan(self, job_id: str, index: int, planned: int) -> None:
        self._run(
            lambda db: db.execute(
                "UPDATE stories SET planned = ? WHERE job_id = ? AND idx = ?", (planned, job_id, index)
            )
        )

    def add_sentence(self, job_id: str, index: int, sentence: dict[str, Any]) -> None:
        self._run(
            lambda db: db.execute(
                "UPDATE stories SET sentences = json_insert(sentences, '$[#]', json(?)) WHERE job_id = ? AND idx = ?",
                (json.dumps(sentence), job_id, index),
            )
        )

    def finish_story(self, job_id: str, index: int, status: str, result: dict[str, Any]) -> tuple[bool, bool]:
        def work(db: sqlite3.Connection) -> tuple[bool, bool]:
            stored = db.execute(
                "UPDATE stories SET status = ?, result = ? WHERE job_id = ? AND idx = ? "
                "AND status NOT IN ('done', 'failed', 'cancelled')",
                (status, json.dumps(result), job_id, index),
            ).rowcount
            if not stored:
                return False, False
            left = db.execute(
                "SELECT COUNT(*) FROM stories WHERE job_id = ? AND status NOT IN ('done', 'failed', 'cancelled')",
                (job_id,),
            ).fetchone()[0]
            return True, left == 0

        return self._run(work)

    def cancel(self, job_id: str) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            if self.is_cancelled_in(db, job_id):
                return False
            left = db.execute(
                "SELECT COUNT(*) FROM stories WHERE job_id = ? AND status NOT IN ('done', 'failed', 'cancelled')",
                (job_id,),
            ).fetchone()[0]
            if not left:
                return False
            db.execute("UPDATE jobs SET cancelled = 1 WHERE id = ?", (job_id,))
            db.execute("UPDATE stories SET status = 'cancelled' WHERE job_id = ? AND status = 'queued'", (job_id,))
            return True

        return self._run(work)

    def is_cancelled(self, job_id: str) -> bool:
        return self._run(lambda db: self.is_cancelled_in(db, job_id))

    @staticmethod
    def is_cancelled_in(db: sqlite3.Connection, job_id: str) -> bool:
        row = db.execute("SELECT cancelled FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row[0])

    def unfinished(self) -> list[tuple[str, int]]:
        rows = self._run(
            lambda db: db.execute(
                "SELECT job_id, idx FROM stories JOIN jobs ON jobs.id = stories.job_id "
                "WHERE status IN ('queued', 'running') AND expires > ? ORDER BY created, idx",
                (time.time(),),
            ).fetchall()
        )
        return [(row[0], row[1]) for row in rows]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """(jobs by status, stories by status) of the jobs not expired: one query (metrics)."""
        rows = self._run(
            lambda db: db.execute(
                "SELECT jobs.cancelled, group_concat(stories.status) "
                "FROM jobs JOIN stories ON jobs.id = stories.job_id "
                "WHERE expires > ? GROUP BY jobs.id",
                (time.time(),),
            ).fetchall()
        )
        jobs: dict[str, int] = dict.fromkeys(JOB_STATUSES, 0)
        stories: dict[str, int] = dict.fromkeys(STORY_STATUSES, 0)
        for cancelled, statuses in rows:
            listed = statuses.split(",")
            jobs[job_status(bool(cancelled), listed)] += 1
            for status in listed:
                stories[status] = stories.get(status, 0) + 1
        return jobs, stories

    def add_delivery(self, job_id: str, delivery: dict[str, Any], *, delivered: bool) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT delivered FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None or row[0]:
                return False
            db.execute(
                "UPDATE jobs SET deliveries = json_insert(deliveries, '$[#]', json(?)), delivered = ? WHERE id = ?",
                (json.dumps(delivery), int(delivered), job_id),
            )
            return True

        return self._run(work)


class LocalQueue:
    """The embedded backend's queue: stories run one at a time on a thread of the API process
    (sharing the model with the synchronous briefs); webhook deliveries on timers of their own.
    Stories left unfinished by a stopped process are queued again by ``resume``."""

    def __init__(self, run_story: Callable[[str, int], None], deliver: Callable[[str, int], None]) -> None:
        self._run_story = run_story
        self._deliver = deliver
        self._stories: stdlib_queue.Queue[tuple[str, int] | None] = stdlib_queue.Queue()
        self._thread = threading.Thread(target=self._work, name="summarizer-jobs", daemon=True)
        self._timers: list[threading.Timer] = []
        self._thread.start()

    def enqueue_story(self, job_id: str, index: int) -> None:
        self._stories.put((job_id, index))

    def enqueue_delivery(self, job_id: str, attempt: int, delay_s: float) -> None:
        timer = threading.Timer(delay_s, self._deliver_safely, (job_id, attempt))
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def depth(self) -> int:
        """Stories waiting for the job thread (metrics)."""
        return self._stories.qsize()

    def resume(self, store: JobStore) -> int:
        unfinished = store.unfinished()
        for job_id, index in unfinished:
            self.enqueue_story(job_id, index)
        return len(unfinished)

    def close(self) -> None:
        self._stories.put(None)
        for timer in self._timers:
            timer.cancel()

    def _deliver_safely(self, job_id: str, attempt: int) -> None:
        try:
            self._deliver(job_id, attempt)
        except Exception:
            log.exception("webhook delivery of job %s failed", job_id)

    def _work(self) -> None:
        while (item := self._stories.get()) is not None:
            # an unexpected error gets the story's next try, as Dramatiq's retries do for workers
            for _ in range(10):
                try:
                    self._run_story(*item)
                    break
                except Exception:
                    log.exception("story %s/%d raised; trying again", *item)
