"""The crawl's main process loads what it runs, not what only the extraction processes run.

Every module it imports is paid at every launch, on the way to the first stored article
(docs/crawling.md, "What the crawl's main process does per page").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# What a crawl's main process imports before its first page: the command, the runner, the
# spider, every pipeline and extension, and storage.
CRAWL_MODULES = [
    "aggregator.cli.crawl",
    "aggregator.crawl.runner",
    "aggregator.spiders.news",
    "aggregator.pipelines.extract",
    "aggregator.pipelines.canonicalize",
    "aggregator.pipelines.fingerprint",
    "aggregator.pipelines.store",
    "aggregator.extensions.recorder",
    "aggregator.extensions.progress",
    "aggregator.middlewares.stash",
    "storage",
    "storage.db",
]
# Loaded by the extraction processes only (numpy: when the first fingerprint arrives).
WORKER_ONLY = [
    "trafilatura",
    "htmldate",
    "dateparser",
    "py3langid",
    "datasketch",
    "scipy",
    "numpy",
    "alembic",
]
# Loaded only with a fleet broker (the page stash): a crawl on one machine never needs them.
FLEET_ONLY = ["redis"]


def _loaded_after_importing(modules: list[str], watched: list[str] = WORKER_ONLY) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def test_the_crawl_main_process_imports_no_extraction_library() -> None:
    assert _loaded_after_importing(CRAWL_MODULES) == []


def test_the_check_sees_an_extraction_import() -> None:
    # The extraction entry point does load them: the check above would see a stray import.
    loaded = _loaded_after_importing(["aggregator.extraction.extract"])
    assert {"trafilatura", "htmldate", "dateparser"} <= set(loaded)


def test_without_a_broker_the_crawl_main_process_imports_no_redis_client() -> None:
    assert _loaded_after_importing(CRAWL_MODULES, FLEET_ONLY) == []
    # The fleet's page stash does load it: the check above would see a stray import.
    assert _loaded_after_importing(["aggregator.fleet.stash"], FLEET_ONLY) == ["redis"]
