"""``aggregator extract``: one page in (file, .gz or loopback URL), the article out as JSON."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.demo.server import OutletServer

PAGES = Path(__file__).parents[1] / "fixtures" / "extraction"
SOURCES = """\
sources:
  - name: emirates-leaks
    homepage: https://emirates-leaks.example/
    feeds: [https://emirates-leaks.example/feed]
    languages: [ar, fr]
    timezone: Asia/Dubai
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_prints_the_article_as_json(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    code, output = run(
        "--sources",
        str(sources),
        "extract",
        str(PAGES / "nso-arabic.html"),
        "--url",
        "https://emirates-leaks.example/nso",
        "--source",
        "emirates-leaks",
        "--fetched-at",
        "2021-02-04T08:00:00Z",
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["language"] == "fr"
    assert data["published"] == "2021-02-03T10:05:00Z"
    assert data["published_detail"]["offset"] == "+04:00"
    assert data["published_detail"]["origin"] == "text"
    assert data["body"].startswith("NSO Group semble")
    assert "185" not in data["body"]
    assert data["title"].startswith("La société israélienne")
    assert isinstance(data["authors"], list)


def test_reads_gzipped_pages_without_a_sources_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((PAGES / "english-jsonld.html").read_bytes()))
    code, output = run("--sources", str(tmp_path / "absent.yaml"), "extract", str(page))
    assert code == 0, output
    data = json.loads(output)
    assert data["authors"] == ["Emma Clarke", "Rahul Patel"]
    assert data["url"].startswith("file://")


def test_fetches_a_url(tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]) -> None:
    root = tmp_path / "outlet"
    (root / "news").mkdir(parents=True)
    shutil.copy(PAGES / "french.html", root / "news" / "a7.html")
    server = serve_outlet(root)
    code, output = run("extract", f"{server.base_url}/news/a7.html")
    assert code == 0, output
    data = json.loads(output)
    assert data["title"] == "Les agriculteurs bloquent l’autoroute A7 près de Valence"
    assert data["url"] == f"{server.base_url}/news/a7.html"


def test_errors_are_one_line(tmp_path: Path) -> None:
    code, output = run("extract", str(tmp_path / "missing.html"))
    assert code == 1
    assert "missing.html: cannot read the page" in output
    assert "Traceback" not in output
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    code, output = run(
        "--sources", str(sources), "extract", str(PAGES / "french.html"), "--source", "nope"
    )
    assert code == 1 and "no source named 'nope'" in output
    code, output = run("extract", "http://127.0.0.1:9/nothing-listens-here")
    assert code == 1 and "could not fetch the page" in output
    code, output = run("extract", "http://10.0.0.1/admin/")  # the network policy: not fetched
    assert code == 1 and "could not fetch the page (10.0.0.1: private address" in output


def test_without_a_source_the_assumed_zone_is_said() -> None:
    code, output = run(
        "extract",
        str(PAGES / "english-jsonld.html"),
        "--url",
        "https://gazette.example.com/story",
        "--fetched-at",
        "2021-06-01T00:00:00Z",
    )
    assert code == 0, output
    data = json.loads(output)
    assert "no source: times without a zone were read as UTC (pass --source)" in data["warnings"]
    assert data["published_detail"]["offset"] == "+00:00"


def test_without_a_source_the_zone_of_a_country_domain_is_used() -> None:
    code, output = run(
        "extract",
        str(PAGES / "italian-utc-day.html"),
        "--url",
        "https://www.gazzettadelsud.it/articoli/dazi/",
        "--fetched-at",
        "2021-06-01T00:00:00Z",
    )
    assert code == 0, output
    data = json.loads(output)
    assert any("read in Europe/Rome (from the .it domain" in w for w in data["warnings"])
    assert data["published_detail"]["offset"] == "+01:00"
