"""A small, bounded HTTP GET for the commands that look at a site outside a crawl.

``aggregator sources add`` and ``sources check`` fetch a handful of pages; starting Scrapy's
reactor for that would be heavy, so they use the standard library with the crawl's own
User-Agent, a timeout and a size limit.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message

from aggregator.discovery.limits import MAX_LISTING_BYTES
from aggregator.errors import DiscoveryError

MAX_BYTES = MAX_LISTING_BYTES  # pages and listings alike: a listing's rest is cut, as in a crawl
TIMEOUT = 20.0


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer: final URL (after redirects), status, headers and the (bounded) body."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    truncated: bool = False  # the answer was longer than the size limit; body is its start

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        """The body as text, using the declared charset (UTF-8 when none)."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


Fetch = Callable[[str], Fetched]


def _opener() -> urllib.request.OpenerDirector:
    """HTTP(S) only: a redirect to file: or ftp: fails instead of reading local files."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OPENER = _opener()


def _headers(message: Message) -> dict[str, str]:
    return {k.lower(): v for k, v in message.items()}


def http_get(
    url: str,
    *,
    user_agent: str,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET ``url``; HTTP errors come back as a status, network failures raise DiscoveryError."""
    if not url.startswith(("http://", "https://")):
        raise DiscoveryError(f"{url}: only http(s) URLs can be fetched")
    # The scheme is checked above, and the opener has no file:/ftp: handlers for redirects.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": user_agent, **(headers or {})}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            return Fetched(
                response.geturl(),
                response.status,
                body[:max_bytes],
                _headers(response.headers),
                truncated=len(body) > max_bytes,
            )
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:  # a redirect urllib refused (loop, or to file:/ftp:)
            where = exc.headers.get("Location", "?") if exc.headers else "?"
            raise DiscoveryError(f"cannot fetch {url}: refused redirect to {where[:200]}") from None
        body = exc.read(64 * 1024) if exc.fp else b""
        return Fetched(exc.geturl() or url, exc.code, body, _headers(exc.headers))
    except urllib.error.URLError as exc:
        raise DiscoveryError(f"cannot fetch {url}: {_reason(exc.reason)}") from None
    except TimeoutError:
        raise DiscoveryError(f"cannot fetch {url}: timed out after {timeout:g}s") from None
    except (OSError, ValueError) as exc:
        raise DiscoveryError(f"cannot fetch {url}: {exc}") from None


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "host name not found (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    return str(reason)


def fetcher(
    user_agent: str, headers: Mapping[str, str] | None = None, timeout: float = TIMEOUT
) -> Fetch:
    """A one-argument fetch function with these options bound."""

    def fetch(url: str) -> Fetched:
        return http_get(url, user_agent=user_agent, headers=headers, timeout=timeout)

    return fetch
