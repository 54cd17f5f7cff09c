"""A test DNS resolver for crawls: chosen names answer chosen loopback addresses.

Set ``TWISTED_DNS_RESOLVER = "tests.hostile.resolver.MappedResolver"`` and ``TEST_HOSTS`` to
``{"name": [[first answer...], [second answer...]]}``: each lookup of the name gets the next
answer (the last one repeats), which plays DNS rebinding. Other names go to the system
resolver. Nothing here edits /etc/hosts or leaves 127.0.0.0/8.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from zope.interface import implementer


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        pass


@implementer(IHostnameResolver)
class MappedResolver:
    """Answers the names of ``TEST_HOSTS``; the reactor's own resolver answers the rest."""

    def __init__(self, reactor: Any, hosts: dict[str, list[list[str]]]) -> None:
        self.reactor = reactor
        self.system = reactor.nameResolver
        self.answers = {name: list(answers) for name, answers in hosts.items()}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> MappedResolver:
        return cls(reactor, crawler.settings.getdict("TEST_HOSTS"))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(  # Twisted's interface
        self,
        receiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Any = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        answers = self.answers.get(hostName)
        if answers is None:
            return self.system.resolveHostName(
                receiver, hostName, portNumber, addressTypes, transportSemantics
            )
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        resolution = _Resolution(hostName)
        receiver.resolutionBegan(resolution)
        for address in answer:
            receiver.addressResolved(IPv4Address("TCP", address, portNumber))
        receiver.resolutionComplete()
        return resolution
