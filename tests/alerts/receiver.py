"""A real webhook receiver on loopback: checks each POST's signature, can be told to fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aggregator.alerts.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify


@dataclass
class Receiver:
    """What the receiver got: verified deliveries, refused ones, and how many to fail."""

    secret: str
    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[str] = field(default_factory=list)
    bad_signatures: int = 0
    fail_next: int = 0  # answer 503 to this many POSTs first

    def alerts(self) -> list[dict[str, Any]]:
        """The alerts received with a good signature, once each (by delivery id)."""
        seen: dict[str, dict[str, Any]] = {}
        for delivery, body in zip(self.deliveries, self.received, strict=True):
            seen.setdefault(delivery, body["alert"])
        return list(seen.values())


@contextmanager
def webhook_receiver(secret: str) -> Iterator[Receiver]:
    """Serve a receiver on 127.0.0.1 for the duration of the block."""
    receiver = Receiver(secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                self.send_response(503)
                self.end_headers()
                return
            if not verify(body, receiver.secret, self.headers.get(SIGNATURE_HEADER)):
                receiver.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            receiver.received.append(json.loads(body))
            receiver.deliveries.append(self.headers.get(DELIVERY_HEADER) or "")
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
