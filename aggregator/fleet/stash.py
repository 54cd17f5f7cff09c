"""Article pages a worker fetched but has not stored yet, kept in Redis for the run's redelivery.

A worker killed with -9 loses the pages it had downloaded and not yet stored (those being
extracted, those waiting in a store batch). The worker that takes the redelivered run would
download them again: the outlet sees the same page twice. So each fleet run writes every article
response to this stash as it arrives and deletes it once the article is stored; only a
*redelivered* run reads it, and serves a stashed page instead of requesting it
(:mod:`aggregator.middlewares.stash`).

Keys (on the broker's Redis, under its prefix):

- ``<prefix>stash:page:<source>:<sha1(url)>``: one response: a JSON line (URL, status,
  headers) then the body as received; it expires after the TTL (a few visibility timeouts: long
  enough for a redelivery, short enough that an abandoned page does not linger).
- ``<prefix>stash:sizes``/``<prefix>stash:expiry``: each page's size and expiry, and
  ``<prefix>stash:bytes`` their total. A page is stashed only when it fits the per-page bound
  and the total (expired pages are subtracted first, in the same Lua script): the stash never
  grows past its bound, whatever dies when.

It never imports Scrapy; the middleware turns entries back into responses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast

import redis

PAGE_BYTES = 2 * 1024 * 1024  # a page larger than this is downloaded again, not stashed
TOTAL_BYTES = 128 * 1024 * 1024  # every worker's stash together

# KEYS: page, sizes, expiry, total. ARGV: value, ttl ms, max total. Prunes expired pages from the
# accounting, then stores the page if it fits. Returns 1 stored, 0 no room.
_PUT = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now_ms)
for _, key in ipairs(expired) do
  local size = tonumber(redis.call('HGET', KEYS[2], key) or '0')
  redis.call('HDEL', KEYS[2], key)
  redis.call('DECRBY', KEYS[4], size)
end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now_ms) end
local old = tonumber(redis.call('HGET', KEYS[2], KEYS[1]) or '0')
local size = string.len(ARGV[1])
local total = tonumber(redis.call('GET', KEYS[4]) or '0') - old
if total + size > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[2], KEYS[1], size)
redis.call('ZADD', KEYS[3], now_ms + tonumber(ARGV[2]), KEYS[1])
redis.call('INCRBY', KEYS[4], size - old)
return 1
"""
# KEYS: sizes, expiry, total, then the pages. Deletes them and their accounting.
_DELETE = """
for i = 4, #KEYS do
  local size = redis.call('HGET', KEYS[1], KEYS[i])
  if size then
    redis.call('HDEL', KEYS[1], KEYS[i])
    redis.call('ZREM', KEYS[2], KEYS[i])
    redis.call('DECRBY', KEYS[3], tonumber(size))
  end
  redis.call('DEL', KEYS[i])
end
return 1
"""


@dataclass(frozen=True)
class StashedPage:
    """One article response as it arrived: enough to extract it and keep its validators."""

    url: str
    status: int
    headers: list[tuple[str, list[str]]]  # as received (latin-1), repeated names kept
    body: bytes

    def encode(self) -> bytes:
        head = {"url": self.url, "status": self.status, "headers": self.headers}
        return json.dumps(head, separators=(",", ":")).encode() + b"\n" + self.body

    @classmethod
    def decode(cls, raw: bytes) -> StashedPage:
        head, _, body = raw.partition(b"\n")
        meta: dict[str, Any] = json.loads(head)
        headers = [(str(name), [str(v) for v in values]) for name, values in meta["headers"]]
        return cls(str(meta["url"]), int(meta["status"]), headers, body)


class PageStash:
    """The stash on one Redis database (the fleet's broker), bounded per page and in total."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        ttl_ms: int,
        page_bytes: int = PAGE_BYTES,
        total_bytes: int = TOTAL_BYTES,
    ) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=10)  # bytes: bodies are bytes
        self.prefix = prefix + "stash:"
        self.ttl_ms = ttl_ms
        self.page_bytes = page_bytes
        self.total_bytes = total_bytes
        self._put = self.client.register_script(_PUT)
        self._delete = self.client.register_script(_DELETE)
        self._accounting = [self.prefix + "sizes", self.prefix + "expiry", self.prefix + "bytes"]

    def key(self, source: str, url: str) -> str:
        """The page's key: per source (two sources may share a URL, not a run)."""
        digest = hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()
        return f"{self.prefix}page:{source}:{digest}"

    def put(self, source: str, page: StashedPage) -> bool:
        """Stash ``page``; False when it is larger than a page may be or the stash is full."""
        value = page.encode()
        if len(value) > self.page_bytes:
            return False
        sizes, expiry, total = self._accounting
        keys = [self.key(source, page.url), sizes, expiry, total]
        return bool(self._put(keys=keys, args=[value, self.ttl_ms, self.total_bytes]))

    def get(self, source: str, url: str) -> StashedPage | None:
        """The stashed response for ``url``, or None."""
        raw = self.client.get(self.key(source, url))
        return StashedPage.decode(cast(bytes, raw)) if raw else None

    def stashed_keys(self, source: str) -> set[str]:
        """The keys of ``source``'s stashed pages (read once when a redelivered run opens)."""
        pattern = f"{self.prefix}page:{source}:*"
        return {k.decode() for k in self.client.scan_iter(match=pattern, count=500)}

    def delete(self, keys: list[str]) -> None:
        """Forget pages (stored, or left over by a run that finished)."""
        if keys:
            self._delete(keys=[*self._accounting, *keys])

    def total(self) -> int:
        """Bytes stashed now (expired pages are subtracted at the next ``put``)."""
        return int(cast(bytes, self.client.get(self._accounting[2])) or 0)

    def close(self) -> None:
        self.client.close()
