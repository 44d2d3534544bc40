"""The Redis backend (``SUMMARIZER_REDIS_URL``): job store, result cache and queue in Redis, so
any number of ``summarizer worker`` processes, on any machines with the models, write the briefs.

The queue is Dramatiq's (https://dramatiq.io) Redis broker, chosen over RQ, Celery and arq for
what this service needs (README "Scaling out"): workers run jobs on threads of a process that
loaded the models once (RQ forks per job); a killed worker's unacknowledged message goes back to
the queue once its heartbeat is ``SUMMARIZER_WORKER_HEARTBEAT_S`` old, whatever the job's length
(arq and RQ wait for the job's timeout; Celery on Redis for a visibility timeout of an hour);
retries with exponential backoff, per-message time limits and delayed messages (webhook retries)
are built in. The job store below keeps the state Dramatiq does not: a story's attempts,
progress and result, written exactly once by Lua scripts that run atomically in Redis.
"""

from __future__ import annotations

import json
import logging
import math
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker

from summarizer.service.jobs import JobState, NewJob, StoryState
from summarizer.service.settings import ServiceSettings

log = logging.getLogger("summarizer.redis")

PREFIX = "summarizer:"
QUEUE = "summarizer"
# Content-addressed (the package version is in the key), so an entry never goes stale; a month
# bounds how long Redis holds one.
CACHE_TTL_S = 30 * 86_400
# Share of the broker's Redis calls (out of 1,000,000) that also requeue dead workers' messages.
# Dramatiq's default (0.1 %) suits queues with thousands of calls a second; ours sees a few (an
# idle worker polls at most every 5 s), so every call does it: a lost story is back in the queue
# within about 5 s of its worker's heartbeat expiring. Without a dead worker it costs two
# ZRANGEBYSCOREs per call.
MAINTENANCE_CHANCE = 1_000_000


def client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


class RedisBriefCache:
    """The result cache in Redis; like ``BriefCache`` an optimisation that never fails a brief."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            value = self._redis.get(PREFIX + "brief:" + key)
        except redis.RedisError as error:
            log.warning("cache unavailable (%s); continuing uncached", error)
            return None
        return json.loads(value) if value else None  # type: ignore[arg-type]

    def put(self, key: str, value: dict[str, Any]) -> None:
        try:
            self._redis.set(PREFIX + "brief:" + key, json.dumps(value, ensure_ascii=False), ex=CACHE_TTL_S)
        except redis.RedisError as error:
            log.warning("cache unavailable (%s); the brief is not cached", error)


# Each script takes the job's key as KEYS[1]; a story's keys are "<job>:s:<index>" (+ ":sentences").
_START = """
if redis.call('exists', KEYS[1]) == 0 then return -1 end
local story = KEYS[1] .. ':s:' .. ARGV[1]
local status = redis.call('hget', story, 'status')
if status ~= 'queued' and status ~= 'running' then return -1 end
if redis.call('hget', KEYS[1], 'cancelled') == '1' then
  redis.call('hset', story, 'status', 'cancelled')
  return -1
end
redis.call('hset', story, 'status', 'running', 'worker', ARGV[2])
redis.call('hdel', story, 'planned')
redis.call('del', story .. ':sentences')
return redis.call('hincrby', story, 'attempts', 1)
"""

_FINISH = """
local story = KEYS[1] .. ':s:' .. ARGV[1]
local status = redis.call('hget', story, 'status')
if status ~= 'queued' and status ~= 'running' then return {0, 0} end
redis.call('hset', story, 'status', ARGV[2], 'result', ARGV[3])
local n = tonumber(redis.call('hget', KEYS[1], 'stories'))
for i = 0, n - 1 do
  local other = redis.call('hget', KEYS[1] .. ':s:' .. i, 'status')
  if other == 'queued' or other == 'running' then return {1, 0} end
end
return {1, 1}
"""

_CANCEL = """
if redis.call('hget', KEYS[1], 'cancelled') == '1' then return 0 end
local n = tonumber(redis.call('hget', KEYS[1], 'stories') or '0')
local open = 0
for i = 0, n - 1 do
  local status = redis.call('hget', KEYS[1] .. ':s:' .. i, 'status')
  if status == 'queued' or status == 'running' then open = open + 1 end
end
if open == 0 then return 0 end
redis.call('hset', KEYS[1], 'cancelled', '1')
for i = 0, n - 1 do
  local story = KEYS[1] .. ':s:' .. i
  if redis.call('hget', story, 'status') == 'queued' then redis.call('hset', story, 'status', 'cancelled') end
end
return 1
"""

_DELIVERY = """
if redis.call('exists', KEYS[1]) == 0 or redis.call('hget', KEYS[1], 'delivered') == '1' then return 0 end
redis.call('rpush', KEYS[1] .. ':deliveries', ARGV[1])
redis.call('expireat', KEYS[1] .. ':deliveries', redis.call('hget', KEYS[1], 'expires'))
if ARGV[2] == '1' then redis.call('hset', KEYS[1], 'delivered', '1') end
return 1
"""


class RedisJobStore:
    """``JobStore`` in Redis: a hash per job and per story, lists for sentences and deliveries,
    every key expiring with the job (EXPIREAT), state changes in Lua scripts (atomic)."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client
        self._start = redis_client.register_script(_START)
        self._finish = redis_client.register_script(_FINISH)
        self._cancel = redis_client.register_script(_CANCEL)
        self._delivery = redis_client.register_script(_DELIVERY)

    @staticmethod
    def _job(job_id: str) -> str:
        return f"{PREFIX}job:{job_id}"

    def create(self, job: NewJob) -> None:
        now = time.time()
        expires = math.ceil(now + job.ttl_s)  # EXPIREAT takes whole seconds: never before the TTL
        key = self._job(job.id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                key,
                mapping={
                    "owner": job.owner or "",
                    "created": now,
                    "expires": expires,
                    "cancelled": "0",
                    "callback_url": job.callback_url or "",
                    "stories": len(job.stories),
                    "delivered": "0",
                    "grouping": "" if job.grouping is None else json.dumps(job.grouping),
                },
            )
            pipe.expireat(key, expires)
            for index, (story, refused) in enumerate(zip(job.stories, job.refused, strict=True)):
                story_key = f"{key}:s:{index}"
                fields = {"request": json.dumps(story), "status": "queued", "attempts": 0}
                if refused is not None:
                    fields.update(status="failed", result=json.dumps({"error": refused}))
                pipe.hset(story_key, mapping=fields)
                pipe.expireat(story_key, expires)
            pipe.execute()

    def get(self, job_id: str) -> JobState | None:
        key = self._job(job_id)
        job = self._redis.hgetall(key)
        if not job or float(job["expires"]) <= time.time():
            return None
        count = int(job["stories"])
        with self._redis.pipeline(transaction=True) as pipe:
            for index in range(count):
                pipe.hgetall(f"{key}:s:{index}")
                pipe.lrange(f"{key}:s:{index}:sentences", 0, -1)
            pipe.lrange(f"{key}:deliveries", 0, -1)
            replies = pipe.execute()
        stories = []
        for index in range(count):
            story, sentences = replies[2 * index], replies[2 * index + 1]
            stories.append(
                StoryState(
                    status=story.get("status", "queued"),
                    attempts=int(story.get("attempts", 0)),
                    worker=story.get("worker"),
                    planned=int(story["planned"]) if story.get("planned") else None,
                    sentences=tuple(json.loads(s) for s in sentences),
                    result=json.loads(story["result"]) if story.get("result") else None,
                )
            )
        return JobState(
            id=job_id,
            owner=job["owner"] or None,
            created=float(job["created"]),
            expires=float(job["expires"]),
            cancelled=job["cancelled"] == "1",
            callback_url=job["callback_url"] or None,
            stories=tuple(stories),
            deliveries=tuple(json.loads(d) for d in replies[-1]),
            grouping=json.loads(job["grouping"]) if job.get("grouping") else None,
        )

    def request(self, job_id: str, index: int) -> dict[str, Any] | None:
        value = self._redis.hget(f"{self._job(job_id)}:s:{index}", "request")
        return json.loads(value) if value else None  # type: ignore[arg-type]

    def start_story(self, job_id: str, index: int, worker: str) -> int | None:
        attempt = int(self._start(keys=[self._job(job_id)], args=[index, worker]))
        return None if attempt < 0 else attempt

    def plan(self, job_id: str, index: int, planned: int) -> None:
        self._redis.hset(f"{self._job(job_id)}:s:{index}", "planned", planned)

    def add_sentence(self, job_id: str, index: int, sentence: dict[str, Any]) -> None:
        key = self._job(job_id)
        sentences = f"{key}:s:{index}:sentences"
        expires = self._redis.hget(key, "expires")
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(sentences, json.dumps(sentence, ensure_ascii=False))
            if expires:
                pipe.expireat(sentences, int(float(expires)))
            pipe.execute()

    def finish_story(self, job_id: str, index: int, status: str, result: dict[str, Any]) -> tuple[bool, bool]:
        stored, complete = self._finish(
            keys=[self._job(job_id)], args=[index, status, json.dumps(result, ensure_ascii=False)]
        )
        return bool(stored), bool(complete)

    def cancel(self, job_id: str) -> bool:
        return bool(self._cancel(keys=[self._job(job_id)]))

    def is_cancelled(self, job_id: str) -> bool:
        return self._redis.hget(self._job(job_id), "cancelled") == "1"

    def add_delivery(self, job_id: str, delivery: dict[str, Any], *, delivered: bool) -> bool:
        return bool(self._delivery(keys=[self._job(job_id)], args=[json.dumps(delivery), int(delivered)]))


class DramatiqQueue:
    """``JobQueue`` on Dramatiq: a ``write_story`` and a ``deliver_webhook`` actor. The API process
    only sends; a worker process sets ``handlers`` and consumes."""

    def __init__(self, settings: ServiceSettings) -> None:
        assert settings.redis_url is not None
        self.broker = RedisBroker(
            url=settings.redis_url,
            namespace=PREFIX + "queue",
            heartbeat_timeout=int(settings.worker_heartbeat_s * 1000),
            maintenance_chance=MAINTENANCE_CHANCE,
        )
        self.run_story: Callable[[str, int], None] | None = None
        self.deliver: Callable[[str, int], None] | None = None

        def write_story(job_id: str, index: int) -> None:
            assert self.run_story is not None, "a worker sets run_story before consuming"
            self.run_story(job_id, index)

        def deliver_webhook(job_id: str, attempt: int) -> None:
            assert self.deliver is not None, "a worker sets deliver before consuming"
            self.deliver(job_id, attempt)

        # Retries: an unexpected error (Redis hiccup, a bug) gets the story's next try after a
        # backoff; the store counts tries and fails the story past SUMMARIZER_JOB_TRIES, so
        # Dramatiq's own count only has to be at least as high. The time limit is a backstop:
        # the brief stops itself at SUMMARIZER_DEADLINE_S.
        self._story = dramatiq.actor(
            write_story,
            broker=self.broker,
            queue_name=QUEUE,
            actor_name="write_story",
            max_retries=settings.job_tries,
            min_backoff=1_000,
            max_backoff=60_000,
            time_limit=int((settings.deadline_s + 120) * 1000),
        )
        self._delivery = dramatiq.actor(
            deliver_webhook, broker=self.broker, queue_name=QUEUE, actor_name="deliver_webhook", max_retries=0
        )

    def enqueue_story(self, job_id: str, index: int) -> None:
        self._story.send(job_id, index)

    def depth(self) -> int:
        """Messages waiting in the queue, not yet taken by a worker (metrics). Read with LLEN on
        Dramatiq's list (``<namespace>:<queue>``, dispatch.lua) rather than through the broker,
        whose every call also heartbeats and runs maintenance."""
        return int(self.broker.client.llen(f"{self.broker.namespace}:{QUEUE}"))

    def enqueue_delivery(self, job_id: str, attempt: int, delay_s: float) -> None:
        self._delivery.send_with_options(args=(job_id, attempt), delay=int(delay_s * 1000))


def run_worker(settings: ServiceSettings, progress: Callable[[str], None]) -> int:
    """``summarizer worker``: load the models once, then write stories from the queue one at a
    time until SIGTERM or SIGINT (the story in hand is finished first, up to the deadline).
    With ``SUMMARIZER_METRICS_PORT``, its own metrics (briefs, LLM use, stories, heartbeat) are
    served there from the start, so a worker still loading is seen."""
    from summarizer.service.brief_service import load_summarizer
    from summarizer.service.metrics import WorkerMetrics

    assert settings.redis_url is not None
    metrics = WorkerMetrics()
    server = None
    if settings.metrics_port is not None:
        from prometheus_client import start_http_server

        server, _ = start_http_server(settings.metrics_port, settings.metrics_host, registry=metrics.registry)
        progress(f"metrics on http://{settings.metrics_host}:{settings.metrics_port}/metrics")
    service = redis_service(settings, load_summarizer(settings.model), metrics)
    assert service.summarizer is not None
    progress(f"loading models (generator {service.model_name})")
    service.summarizer.warm_up()
    queue = service.queue
    assert isinstance(queue, DramatiqQueue)
    queue.run_story, queue.deliver = service.run_story, service.deliver
    worker = dramatiq.Worker(queue.broker, worker_threads=1)
    # one story in hand at a time: a prefetched second would wait here while another worker idles
    worker.queue_prefetch = 1
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.start()
    beating = threading.Thread(
        target=_heartbeat, args=(worker, queue, metrics, stop, settings.worker_heartbeat_s), daemon=True
    )
    beating.start()
    progress(f"worker ready: taking stories from {settings.redis_url} (queue {QUEUE!r})")
    stop.wait()
    progress("stopping: finishing the story in hand")
    worker.stop(timeout=int((settings.deadline_s + 30) * 1000))
    queue.broker.close()
    if server is not None:
        server.shutdown()
        server.server_close()
    return 0


def _heartbeat(
    worker: dramatiq.Worker, queue: DramatiqQueue, metrics: Any, stop: threading.Event, timeout_s: float
) -> None:
    """Set the worker's heartbeat gauge to now every few seconds while its Dramatiq threads are
    alive and Redis answers: a stale value is a worker stuck or cut off from Redis (a dead one
    fails its scrape). A third of the heartbeat timeout, so a dead worker shows before Dramatiq
    gives its story to another; at most every 5 s."""
    interval = min(5.0, timeout_s / 3)
    while not stop.wait(interval):
        threads = [*worker.consumers.values(), *worker.workers]
        try:
            answering = bool(queue.broker.client.ping())
        except redis.RedisError:
            answering = False
        if answering and threads and all(t.is_alive() for t in threads):
            metrics.beat()


def redis_service(settings: ServiceSettings, summarizer: Any | None, metrics: Any | None = None) -> Any:
    """A ``BriefService`` on the Redis backend (``summarizer`` None in the API process)."""
    from summarizer.models.registry import model_name as served_model
    from summarizer.service.brief_service import BriefService

    assert settings.redis_url is not None
    redis_client = client(settings.redis_url)
    model_name = summarizer.generator.name if summarizer is not None else served_model(settings.model)
    return BriefService(
        settings,
        summarizer,
        model_name=model_name,
        cache=RedisBriefCache(redis_client),
        store=RedisJobStore(redis_client),
        queue=DramatiqQueue(settings),
        metrics=metrics,
    )
