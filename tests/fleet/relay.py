"""A TCP relay from local addresses to services on 127.0.0.1 (PostgreSQL, Redis), for workers in
network namespaces, which cannot reach this machine's loopback.

Run as its own process (``python -m tests.fleet.relay LISTEN=TARGET ...``, each
``host:port``) so that pumping the workers' database and broker traffic does not compete with
the test process's outlets, whose request stamps the politeness check reads.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading


class Relay:
    """A TCP relay from a local address to a service on 127.0.0.1 (PostgreSQL, Redis)."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]) -> None:
        self.target = target
        self._server = socket.create_server(listen)
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def start(self) -> Relay:
        threading.Thread(target=self._accept, daemon=True, name="relay").start()
        return self

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                continue  # closed by stop()
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(src, dst), daemon=True).start()

    def stop(self) -> None:
        self._closed.set()
        self._server.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy one direction until either end closes."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def main(pairs: list[str]) -> None:
    """Relay each ``LISTEN=TARGET`` until SIGTERM."""
    relays = []
    for pair in pairs:
        listen, _, target = pair.partition("=")
        relays.append(Relay(_address(listen), _address(target)).start())
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    for relay in relays:
        relay.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
