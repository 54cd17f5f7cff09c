"""The fleet's queue of source runs, on Redis Streams with a consumer group (redis-py).

Why Streams and not a task framework: see docs/fleet.md. Redis does delivery (``XREADGROUP``:
each entry to one consumer), acknowledgement (``XACK``) and redelivery (``XAUTOCLAIM``: an
entry a consumer has held longer than the visibility timeout without renewing goes to
another). This module only names the keys and wraps the few atomic steps in Lua:

- ``<prefix>runs``: the stream of runs, one entry per due run: ``{source, trigger}``.
- ``<prefix>queued:<source>``: the entry id of the source's run still queued or running, so
  a source is never queued twice (exactly one run per due run, fleet-wide).
- ``<prefix>attempt:<entry>``: the run row a worker opened for an entry, so the worker that
  gets it redelivered closes the dead worker's row as ``interrupted``.
- ``<prefix>host:<host>``: the host lease; one job at a time crawls a host, fleet-wide, and a
  released lease lingers for the host's delay so the next job keeps the gap.
- ``<prefix>worker:<id>``: each live worker, what it runs, refreshed by its heartbeat.
- ``<prefix>stash:...``: article pages fetched and not yet stored, for a redelivered run
  (:mod:`aggregator.fleet.stash`).

It never imports Scrapy: the scheduler, ``aggregator status`` and ``crawl --enqueue`` use it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import redis

from aggregator.errors import ConfigError, CrawlError

PREFIX = "aggregator:fleet:"
GROUP = "workers"

# Renew our own pending entries only: an entry another worker has claimed is not taken back.
_RENEW = """
local out = {}
for i, id in ipairs(ARGV) do
  if i > 1 then
    local p = redis.call('XPENDING', KEYS[1], KEYS[2], id, id, 1)
    if #p == 1 and p[1][2] == ARGV[1] then
      redis.call('XCLAIM', KEYS[1], KEYS[2], ARGV[1], 0, id, 'JUSTID')
      table.insert(out, id)
    end
  end
end
return out
"""
# Queue a run unless the source has one queued or running (an entry that still exists).
_ENQUEUE = """
local current = redis.call('GET', KEYS[2])
if current and #redis.call('XRANGE', KEYS[1], current, current, 'COUNT', 1) > 0 then
  return false
end
local entry = redis.call('XADD', KEYS[1], '*', 'source', ARGV[1], 'trigger', ARGV[2])
redis.call('SET', KEYS[2], entry)
return entry
"""
# Acknowledge an entry, delete it, and free its source for the next run.
_ACK = """
redis.call('XACK', KEYS[1], KEYS[2], ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
redis.call('DEL', KEYS[4])
return 1
"""
# Hand an entry back (a worker stopping): a fresh entry, and the old one acknowledged.
_REQUEUE = """
local fresh = redis.call(
  'XADD', KEYS[1], '*', 'source', ARGV[2], 'trigger', ARGV[3], 'resumed', '1')
redis.call('XACK', KEYS[1], KEYS[2], ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('SET', KEYS[3], fresh)
return fresh
"""
_RENEW_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# Release a host lease but keep it for the host's delay: the next job keeps the gap.
_RELEASE_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    redis.call('SET', KEYS[1], 'cooling', 'PX', ARGV[2])
  else
    redis.call('DEL', KEYS[1])
  end
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Job:
    """One queued run of one source, as a worker receives it."""

    entry: str  # the stream entry id
    source: str
    trigger: str
    deliveries: int = 1  # more than 1: redelivered after a worker stopped answering
    resumed: bool = False  # handed back by a worker that stopped (SIGTERM) during its run

    @property
    def redelivered(self) -> bool:
        """True when an earlier attempt may have downloaded pages it did not store: the
        run reads the page stash (:mod:`aggregator.fleet.stash`) before downloading."""
        return self.deliveries > 1 or self.resumed


@dataclass(frozen=True)
class QueueDepth:
    """How many runs wait, and how many workers hold."""

    waiting: int
    running: int

    def to_json(self) -> dict[str, int]:
        return {"waiting": self.waiting, "running": self.running}


def connect(url: str) -> redis.Redis:
    """A client for the broker at ``url`` (``redis://host:6379/3``); bad URLs name themselves."""
    try:
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10)
    except ValueError as exc:
        raise ConfigError(f"AGGREGATOR_BROKER_URL={shown_url(url)!r}: {exc}") from None
    return client


def shown_url(url: str) -> str:
    """``url`` with its password, if any, hidden."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Broker:
    """The queue of runs, the host leases and the worker registry on one Redis database."""

    def __init__(self, url: str, *, prefix: str = PREFIX) -> None:
        self.url = shown_url(url)  # for logs and messages: never the password
        self.client = connect(url)
        self.prefix = prefix
        self.stream = prefix + "runs"
        self._enqueue = self.client.register_script(_ENQUEUE)
        self._renew = self.client.register_script(_RENEW)
        self._ack = self.client.register_script(_ACK)
        self._requeue = self.client.register_script(_REQUEUE)
        self._renew_lease = self.client.register_script(_RENEW_LEASE)
        self._release_lease = self.client.register_script(_RELEASE_LEASE)
        self._group_ready = False

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def close(self) -> None:
        self.client.close()

    def ping(self) -> None:
        """Raise CrawlError naming the broker when it cannot be reached."""
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise CrawlError(f"the broker {self.url} cannot be reached: {exc}") from None

    def ensure_group(self) -> None:
        """Create the stream and its consumer group once (idempotent, safe under races)."""
        if self._group_ready:
            return
        try:
            self.client.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    # --- the scheduler's side ------------------------------------------------------------

    def enqueue(self, source: str, trigger: str = "scheduled") -> str | None:
        """Queue one run of ``source``; None when a run of it is already queued or running."""
        self.ensure_group()
        entry = self._enqueue(
            keys=[self.stream, self._key("queued", source)], args=[source, trigger]
        )
        return str(entry) if entry else None

    def depth(self) -> QueueDepth:
        """Runs waiting for a worker and runs being crawled (acknowledged entries are gone)."""
        self.ensure_group()
        total = int(self.client.xlen(self.stream))
        pending = self.client.xpending(self.stream, GROUP)
        running = int(pending["pending"]) if pending else 0
        return QueueDepth(max(0, total - running), running)

    # --- a worker's side -----------------------------------------------------------------

    def take(self, consumer: str, block_ms: int) -> Job | None:
        """The next new run for ``consumer`` (waiting up to ``block_ms``), or None."""
        self.ensure_group()
        answer: Any = self.client.xreadgroup(
            GROUP, consumer, {self.stream: ">"}, count=1, block=block_ms
        )
        for _stream, entries in answer or []:
            for entry, fields in entries:
                return Job(
                    entry,
                    fields["source"],
                    fields.get("trigger", "scheduled"),
                    resumed=fields.get("resumed") == "1",
                )
        return None

    def reclaim(self, consumer: str, visibility_ms: int, count: int = 1) -> list[Job]:
        """Runs another worker held longer than the visibility timeout without renewing."""
        self.ensure_group()
        answer: Any = self.client.xautoclaim(
            self.stream, GROUP, consumer, visibility_ms, "0-0", count=count
        )
        jobs = []
        for entry, fields in answer[1]:
            if not fields:  # deleted meanwhile
                continue
            jobs.append(Job(entry, fields["source"], fields.get("trigger", "scheduled"), 2))
        for entry in answer[2] if len(answer) > 2 else []:
            self.client.xack(self.stream, GROUP, entry)
        return jobs

    def renew(self, consumer: str, entries: list[str]) -> set[str]:
        """Reset the idle time of our entries; returns those still ours (others were taken)."""
        if not entries:
            return set()
        kept = self._renew(keys=[self.stream, GROUP], args=[consumer, *entries])
        return {str(e) for e in kept}

    def ack(self, job: Job) -> None:
        """The run is recorded: remove it from the queue and let the source be queued again."""
        self._ack(
            keys=[
                self.stream,
                GROUP,
                self._key("queued", job.source),
                self._key("attempt", job.entry),
            ],
            args=[job.entry],
        )

    def requeue(self, job: Job) -> str:
        """Give a run back to the queue at once (this worker stops before crawling it)."""
        return str(
            self._requeue(
                keys=[self.stream, GROUP, self._key("queued", job.source)],
                args=[job.entry, job.source, job.trigger],
            )
        )

    def note_attempt(self, job: Job, run_id: int, worker: str) -> None:
        """Remember which run row this delivery opened (read back on redelivery)."""
        self.client.set(
            self._key("attempt", job.entry),
            json.dumps({"run_id": run_id, "worker": worker}),
            ex=7 * 86400,
        )

    def last_attempt(self, job: Job) -> dict[str, Any] | None:
        """The run row a previous delivery of ``job`` opened, and by which worker."""
        raw = self.client.get(self._key("attempt", job.entry))
        return json.loads(cast(str, raw)) if raw else None

    # --- host leases ---------------------------------------------------------------------

    def lease_hosts(self, hosts: list[str], token: str, ttl_ms: int) -> bool:
        """Take the lease of every host, or of none (False: one is busy or cooling)."""
        taken: list[str] = []
        for host in sorted(set(hosts)):
            if not self.client.set(self._key("host", host), token, nx=True, px=ttl_ms):
                self.release_hosts(taken, token, 0)
                return False
            taken.append(host)
        return True

    def renew_hosts(self, hosts: list[str], token: str, ttl_ms: int) -> bool:
        """Extend our host leases; False when one was lost (it expired: we were too slow)."""
        renewed = [
            self._renew_lease(keys=[self._key("host", h)], args=[token, ttl_ms]) for h in set(hosts)
        ]
        return all(renewed)

    def release_hosts(self, hosts: list[str], token: str, cool_ms: int) -> None:
        """Give the leases up, keeping each for ``cool_ms`` so the politeness gap holds."""
        for host in set(hosts):
            self._release_lease(keys=[self._key("host", host)], args=[token, cool_ms])

    # --- the worker registry -------------------------------------------------------------

    def announce(self, worker: str, info: dict[str, Any], ttl_s: int) -> None:
        """Say this worker is alive and what it runs (expires unless renewed)."""
        self.client.set(
            self._key("worker", worker), json.dumps({**info, "heartbeat_at": time.time()}), ex=ttl_s
        )

    def retire(self, worker: str) -> None:
        self.client.delete(self._key("worker", worker))

    def workers(self) -> list[dict[str, Any]]:
        """Every live worker's last announcement, by name."""
        found = []
        for key in self._scan(self._key("worker", "*")):
            raw = self.client.get(key)
            if raw:
                info = json.loads(cast(str, raw))
                info["name"] = key[len(self._key("worker", "")) :]
                found.append(info)
        return sorted(found, key=lambda w: w["name"])

    def _scan(self, pattern: str) -> Iterator[str]:
        yield from (str(k) for k in self.client.scan_iter(match=pattern, count=200))
