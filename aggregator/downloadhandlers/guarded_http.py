"""Scrapy's HTTP(S) download handler with the network policy applied where it connects.

Why here and not in a middleware: a middleware that resolves a host and checks the answer
cannot stop the connection from resolving it again (DNS rebinding: public the first time,
10.0.0.1 the second). Twisted's ``HostnameEndpoint`` resolves a name and connects to exactly the
addresses its resolver returned, so :class:`GuardedHostnameEndpoint` hands it a resolver that
passes on only the addresses the request's :class:`~aggregator.network_policy.NetworkPolicy`
allows: the address checked is the address connected to. IP-literal hosts are checked without
resolution. When nothing is left the request fails with
:class:`~aggregator.errors.BlockedAddress` (recorded as ``blocked_address``), before any packet
is sent to the refused address.

Every request goes through here: listings, articles, each redirect hop (RedirectMiddleware
issues a new request) and robots.txt (:mod:`aggregator.middlewares.robots` gives it the
source). A request's policy is the global allowance (``AGGREGATOR_ALLOW_NETWORKS``) plus its
source's ``allow_networks`` (the source is named in ``meta["source"]``). Pooled keep-alive
connections are keyed by policy too, so a connection one source may use is never lent to another.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _BindAddressAgent,
    _ScrapyAgent,
)
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import HostnameEndpoint, wrapClientTLS
from twisted.internet.interfaces import (
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from twisted.python.failure import Failure
from twisted.web.client import URI
from zope.interface import implementer

from aggregator.errors import BlockedAddress
from aggregator.network_policy import NetworkPolicy, ip_literal

logger = logging.getLogger(__name__)


@implementer(IResolutionReceiver)
class _Filter:
    """Passes on the addresses the policy allows; remembers why the others were refused."""

    def __init__(self, receiver: Any, policy: NetworkPolicy, host: str, refused: list[str]):
        self._receiver = receiver
        self._policy = policy
        self._host = host
        self._refused = refused

    def resolutionBegan(self, resolution: Any) -> None:
        self._receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        reason = self._policy.check(address.host, host=self._host)
        if reason is None:
            self._receiver.addressResolved(address)
        else:
            self._refused.append(reason)

    def resolutionComplete(self) -> None:
        self._receiver.resolutionComplete()


@implementer(IHostResolution)
class _Literal:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - nothing to cancel
        pass


@implementer(IHostnameResolver)
class _GuardedResolver:
    """The reactor's resolver (Scrapy's, or a test's), filtered by a policy."""

    def __init__(self, inner: Any, policy: NetworkPolicy, refused: list[str]) -> None:
        self._inner = inner
        self._policy = policy
        self._refused = refused

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Any = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        receiver = _Filter(resolutionReceiver, self._policy, hostName, self._refused)
        literal = ip_literal(hostName)
        if literal is None:
            return self._inner.resolveHostName(
                receiver, hostName, portNumber, addressTypes, transportSemantics
            )
        # An IP-literal host skips resolution: it is checked as it is.
        literal_resolution = _Literal(hostName)
        receiver.resolutionBegan(literal_resolution)
        kind = IPv6Address if literal.version == 6 else IPv4Address
        receiver.addressResolved(kind("TCP", str(literal), portNumber))
        receiver.resolutionComplete()
        return literal_resolution


class GuardedHostnameEndpoint(HostnameEndpoint):
    """A HostnameEndpoint that connects only to addresses its policy allows."""

    def __init__(self, reactor: Any, host: str, port: int, policy: NetworkPolicy, **kw: Any):
        self._policy = policy
        self._refused: list[str] = []
        super().__init__(reactor, host, port, **kw)

    def _getNameResolverAndMaybeWarn(self, reactor: Any) -> Any:
        inner = super()._getNameResolverAndMaybeWarn(reactor)
        return _GuardedResolver(inner, self._policy, self._refused)

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        self._refused.clear()
        attempt: Deferred[Any] = super().connect(protocolFactory)

        def explain(failure: Failure) -> Failure:
            if self._refused and failure.check(error.DNSLookupError):
                raise BlockedAddress(self._hostText, list(self._refused))
            return failure

        return attempt.addErrback(explain)


class _GuardedEndpointFactory:
    """Twisted's standard endpoints (TCP for http, TLS over TCP for https), guarded."""

    def __init__(self, standard: Any, policy: NetworkPolicy) -> None:
        self._standard = standard
        self._policy = policy
        self._bindAddress = standard._bindAddress  # read by Scrapy's agent for its pool key

    def endpointForURI(self, uri: URI) -> Any:
        kwargs: dict[str, Any] = {"bindAddress": self._standard._bindAddress}
        if self._standard._connectTimeout is not None:
            kwargs["timeout"] = self._standard._connectTimeout
        host = uri.host.decode("ascii")
        endpoint: Any = GuardedHostnameEndpoint(
            self._standard._reactor, host, uri.port, self._policy, **kwargs
        )
        if uri.scheme == b"http":
            return endpoint
        if uri.scheme == b"https":
            creator = self._standard._policyForHTTPS.creatorForNetloc(uri.host, uri.port)
            return wrapClientTLS(creator, endpoint)
        raise ValueError(f"unsupported scheme {uri.scheme!r}")


class _GuardedAgent(_BindAddressAgent):
    """Scrapy's direct agent with guarded endpoints and the policy in the pool key."""

    def __init__(self, *, policy: NetworkPolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._policy = policy
        self._endpointFactory = _GuardedEndpointFactory(self._endpointFactory, policy)

    def _requestWithEndpoint(self, key: tuple[Any, ...], *args: Any, **kwargs: Any) -> Any:
        return super()._requestWithEndpoint((*key, self._policy.key), *args, **kwargs)


class _GuardedScrapyAgent(_ScrapyAgent):
    def __init__(self, *, policy: NetworkPolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._policy = policy

    def _get_agent(self, request: Request, timeout: float) -> Any:
        agent = super()._get_agent(request, timeout)
        if type(agent) is not _BindAddressAgent:
            # Through a proxy the proxy connects; only an IP-literal host can be checked here.
            return agent
        from twisted.internet import reactor

        return _GuardedAgent(
            policy=self._policy,
            reactor=reactor,
            contextFactory=self._contextFactory,
            connectTimeout=timeout,
            bindAddress=agent._endpointFactory._bindAddress,
            pool=self._pool,
        )


class GuardedHTTPDownloadHandler(HTTP11DownloadHandler):
    """``http``/``https`` handler: HTTP11DownloadHandler plus the network policy."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._global = tuple(crawler.settings.getlist("AGGREGATOR_ALLOW_NETWORKS"))
        self._policies: dict[str | None, NetworkPolicy] = {
            None: NetworkPolicy.allowing(self._global)
        }

    def policy_for(self, request: Request) -> NetworkPolicy:
        """The global allowance plus that of the request's source (``meta["source"]``)."""
        name = request.meta.get("source")
        if name not in self._policies:
            sources = getattr(self._crawler.spider, "sources", None) or []
            own: list[str] = next((s.allow_networks for s in sources if s.name == name), [])
            self._policies[name] = NetworkPolicy.allowing(self._global, own)
        return self._policies[name]

    async def download_request(self, request: Request) -> Response:
        policy = self.policy_for(request)
        host = urlparse_cached(request).hostname or ""
        literal = ip_literal(host)
        if literal is not None and (reason := policy.check(literal)) is not None:
            raise BlockedAddress(host, [reason])  # also covers requests sent through a proxy
        agent = _GuardedScrapyAgent(
            policy=policy,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                response: Response = await maybe_deferred_to_future(agent.download_request(request))
                return response
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
