"""A loopback HTTP server that plays recorded outlets, for the demo and for crawl tests.

Each outlet is a folder of files. Text files may contain ``{{BASE}}``, replaced by the
server's own address, so feeds and sitemaps can hold absolute links. The server answers
conditional requests (ETag / Last-Modified → 304) like a well-behaved news site, keeps a log of
every request so tests can assert what the crawler downloaded, and reads optional
``_routes.json`` rules to play failures (status codes, redirect loops, slow answers, bodies
that are not HTML).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

# A fixed Last-Modified for every file keeps conditional requests deterministic.
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
TEXT_TYPES = {".html", ".xml", ".txt", ".json", ".rss", ".atom", ".rdf", ""}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/x-gzip",
}


@dataclass(frozen=True)
class Hit:
    """One request the server answered."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    client: str = ""  # the address the request came from


class OutletServer:
    """Serve one outlet folder on 127.0.0.1 at a free port (or the one given)."""

    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"outlet folder not found: {self.root}")
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        routes = self.root / "_routes.json"
        self.routes: dict[str, dict[str, Any]] = (
            json.loads(routes.read_text(encoding="utf-8")) if routes.exists() else {}
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> OutletServer:
        """Serve in a background thread."""
        # A short poll interval makes stop() quick; tests start and stop many servers.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            args=(0.05,),
            daemon=True,
            name=f"outlet:{self.root.name}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> OutletServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def requested(self, prefix: str = "", status: int | None = None) -> list[str]:
        """Paths requested so far that start with ``prefix`` (and answered ``status``)."""
        with self._lock:
            return [
                h.path
                for h in self.hits
                if h.path.startswith(prefix) and (status is None or h.status == status)
            ]

    def clear(self) -> None:
        """Forget the request log (between two crawls of a test)."""
        with self._lock:
            self.hits.clear()

    def resolve(self, path: str) -> Path | None:
        """The file behind a URL path, or None (never outside the outlet folder)."""
        candidate = (self.root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def body_of(self, file: Path) -> bytes:
        """File content, with ``{{BASE}}`` replaced in text files."""
        data = file.read_bytes()
        if file.suffix in TEXT_TYPES:
            data = data.replace(b"{{BASE}}", self.base_url.encode())
        return data


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (a crawler that read enough of a large listing) is
    normal here, not a traceback on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: OutletServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the hit log replaces stderr noise."""

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, send_body: bool) -> None:
            path = urlsplit(self.path).path
            rule = server.routes.get(path, {})
            if "delay" in rule:
                time.sleep(float(rule["delay"]))
            status, headers, body = self._respond(path, rule)
            hit = Hit(
                self.command, self.path, status, dict(self.headers.items()), self.client_address[0]
            )
            server.record(hit)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and status != 304:
                self.wfile.write(body)

        def _respond(self, path: str, rule: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
            if "redirect" in rule:
                return int(rule.get("status", 302)), {"Location": rule["redirect"]}, b""
            if "body" in rule:
                headers = {"Content-Type": rule.get("content_type", "text/html; charset=utf-8")}
                return int(rule.get("status", 200)), headers, rule["body"].encode()
            if "status" in rule:
                return int(rule["status"]), {"Content-Type": "text/plain"}, b"error\n"
            file = server.resolve(path)
            if file is None:
                return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>Not found</h1>"
            body = server.body_of(file)
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = {
                "Content-Type": rule.get("content_type") or _content_type(file),
                "ETag": etag,
                "Last-Modified": LAST_MODIFIED,
            }
            if _not_modified(
                self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), etag
            ):
                return 304, {"ETag": etag, "Last-Modified": LAST_MODIFIED}, b""
            return 200, headers, body

    return Handler


def _content_type(file: Path) -> str:
    return (
        CONTENT_TYPES.get(file.suffix)
        or mimetypes.guess_type(file.name)[0]
        or ("application/octet-stream")
    )


def _not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str) -> bool:
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")]
    if if_modified_since:
        try:
            return parsedate_to_datetime(if_modified_since) >= parsedate_to_datetime(LAST_MODIFIED)
        except (TypeError, ValueError):
            return False
    return False
