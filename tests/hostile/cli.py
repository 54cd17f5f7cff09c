"""Running the real ``aggregator`` command in a child process, as the scheduler does."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent.parent


def command(database_url: str, sources: Path, *args: str) -> list[str]:
    """The argv of ``aggregator --database-url URL --sources FILE ARGS...``."""
    return [
        sys.executable, "-m", "aggregator", "--database-url", database_url,
        "--sources", str(sources), *args,
    ]  # fmt: skip


def environment() -> dict[str, str]:
    """This checkout first on the path, fast loopback crawling, nothing else of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env["PYTHONPATH"] = str(REPO)
    env["AGGREGATOR_DOWNLOAD_DELAY"] = "0"
    env["AGGREGATOR_EXTRACT_WORKERS"] = "2"
    return env
