"""A small, bounded HTTP GET for the commands that look at a site outside a crawl.

``aggregator sources add`` and ``sources check`` fetch a handful of pages; starting Scrapy's
reactor for that would be heavy, so they use the standard library with the crawl's own
User-Agent, a timeout and a size limit, and the crawl's network policy: each connection
(every redirect hop included) resolves the host, checks every address with
:class:`~aggregator.network_policy.NetworkPolicy` and connects to the address it checked.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aggregator.discovery.limits import MAX_LISTING_BYTES
from aggregator.errors import BlockedAddress, DiscoveryError
from aggregator.network_policy import NetworkPolicy, ip_literal

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
PUBLIC_ONLY = NetworkPolicy()


def guarded_connect(policy: NetworkPolicy) -> Callable[..., socket.socket]:
    """``socket.create_connection`` that connects only to addresses ``policy`` allows."""

    def create_connection(
        address: tuple[str, int], timeout: Any = None, source_address: Any = None, **_: Any
    ) -> socket.socket:
        host, port = address
        literal = ip_literal(host)
        infos = socket.getaddrinfo(str(literal) if literal else host, port, type=socket.SOCK_STREAM)
        refused: list[str] = []
        last_error: OSError | None = None
        for family, kind, proto, _name, sockaddr in infos:
            reason = policy.check(str(sockaddr[0]), host=host)
            if reason is not None:
                refused.append(reason)
                continue
            sock = socket.socket(family, kind, proto)
            try:
                if isinstance(timeout, int | float):
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)  # the address just checked, not a new lookup
                return sock
            except OSError as exc:
                last_error = exc
                sock.close()
        if last_error is not None:
            raise last_error
        raise BlockedAddress(host, refused)

    return create_connection


def non_public_reason(url: str) -> str | None:
    """Why the host of ``url`` is not public (``127.0.0.1: loopback address``), or None when
    it is, or does not resolve (the fetch will say so)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return None
    reasons = (PUBLIC_ONLY.check(str(info[4][0])) for info in infos)
    return next((r for r in reasons if r is not None), None)


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, policy: NetworkPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connect(policy)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, policy: NetworkPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connect(policy)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, policy: NetworkPolicy) -> None:
        super().__init__()
        self.policy = policy

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(partial(_GuardedHTTPConnection, policy=self.policy), req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, policy: NetworkPolicy) -> None:
        super().__init__()
        self.policy = policy

    def https_open(self, req: urllib.request.Request) -> Any:
        connection = partial(_GuardedHTTPSConnection, policy=self.policy)
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def _opener(policy: NetworkPolicy) -> urllib.request.OpenerDirector:
    """HTTP(S) only: a redirect to file: or ftp: fails instead of reading local files; every
    connection obeys ``policy``."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        _GuardedHTTPHandler(policy),
        _GuardedHTTPSHandler(policy),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _headers(message: Message) -> dict[str, str]:
    return {k.lower(): v for k, v in message.items()}


def http_get(
    url: str,
    *,
    user_agent: str,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    policy: NetworkPolicy = PUBLIC_ONLY,
) -> Fetched:
    """GET ``url``; HTTP errors come back as a status, network failures (and addresses the
    policy refuses) raise DiscoveryError."""
    if not url.startswith(("http://", "https://")):
        raise DiscoveryError(f"{url}: only http(s) URLs can be fetched")
    # The scheme is checked above, and the opener has no file:/ftp: handlers for redirects.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": user_agent, **(headers or {})}
    )
    try:
        with _opener(policy).open(request, timeout=timeout) as response:
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
    except BlockedAddress as exc:
        raise DiscoveryError(f"cannot fetch {url}: {exc}") from None
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
    user_agent: str,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    policy: NetworkPolicy = PUBLIC_ONLY,
) -> Fetch:
    """A one-argument fetch function with these options bound."""

    def fetch(url: str) -> Fetched:
        return http_get(url, user_agent=user_agent, headers=headers, timeout=timeout, policy=policy)

    return fetch
