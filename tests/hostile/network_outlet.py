"""The hostile network outlet of tests/fixtures/hostile/network/, served and crawled.

Shared by tests/hostile/test_network.py and bench/hostile_network.py: the outlet on 127.0.0.1
(the only address its source may reach), an internal server on 127.0.0.2 (which must never see
a request) and one crawl through the real pipelines into a database.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aggregator.demo.server import OutletServer
from aggregator.settings import ITEM_PIPELINES
from tests.spiders.crawling import CrawlResult, crawl

CORPUS = Path(__file__).parent.parent / "fixtures" / "hostile" / "network"
INTERNAL_HOST = "127.0.0.2"
RESOLVER = "tests.hostile.resolver.MappedResolver"
# The real pipelines, so "stored" means stored; the test pipeline also records the items.
PIPELINES = {**ITEM_PIPELINES, "__main__.RecordPipeline": 900}


@dataclass
class Servers:
    """The outlet and the internal server, on the same port of 127.0.0.1 and 127.0.0.2."""

    outlet: OutletServer
    internal: OutletServer
    port: int


@contextmanager
def serving(tmp_path: Path) -> Iterator[Servers]:
    """The internal server (127.0.0.2) and the outlet (127.0.0.1) whose feed points at it.

    Both listen on the same port, so a name resolving to 127.0.0.2 instead of 127.0.0.1 would
    reach the internal server: its empty request log proves the connection was refused.
    """
    internal_root = tmp_path / "internal"
    shutil.copytree(CORPUS / "internal", internal_root)
    internal = OutletServer(internal_root, host=INTERNAL_HOST).start()
    port = int(internal.base_url.rsplit(":", 1)[1])
    try:
        root = tmp_path / "outlet"
        shutil.copytree(CORPUS / "outlet", root)
        recent = format_datetime(datetime.now(UTC) - timedelta(hours=1))
        for file in (root / "feed.xml", root / "_routes.json"):
            text = file.read_text(encoding="utf-8")
            text = text.replace("{{INTERNAL}}", internal.base_url)
            text = text.replace("{{INTERNAL_PORT}}", str(port))
            file.write_text(text.replace("{{RECENT_RFC822}}", recent), encoding="utf-8")
        outlet = OutletServer(root, port=port).start()
        try:
            yield Servers(outlet, internal, port)
        finally:
            outlet.stop()
    finally:
        internal.stop()


def source_yaml(
    base: str,
    name: str = "harbour",
    allow: str | None = "127.0.0.1/32",
    feeds: tuple[str, ...] = ("/feed.xml",),
) -> str:
    """The hostile source, allowed to reach ``allow`` only (no allow_networks when None)."""
    allowance = f"\n    allow_networks: [{allow}]" if allow else ""
    listed = ", ".join(base + feed for feed in feeds)
    return (
        f"sources:\n  - name: {name}\n    homepage: {base}/\n    feeds: [{listed}]\n"
        f"    languages: [en]{allowance}\n"
    )


def crawl_hostile(
    tmp_path: Path,
    sources_yaml: str,
    database_url: str,
    hosts: dict[str, Any] | None = None,
    **settings: Any,
) -> CrawlResult:
    """One crawl with the real pipelines and the test resolver (``hosts``: see resolver.py)."""
    return crawl(
        tmp_path,
        sources_yaml,
        database_url,
        ITEM_PIPELINES=PIPELINES,
        AGGREGATOR_EXTRACT_WORKERS=1,
        TWISTED_DNS_RESOLVER=RESOLVER,
        TEST_HOSTS={"internal.test": [[INTERNAL_HOST]], **(hosts or {})},
        **settings,
    )
