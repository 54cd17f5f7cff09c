"""``aggregator extract``: run the extractor on one page and print what it found, as JSON."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import click

from aggregator.cli.context import App, pass_app
from aggregator.config.sources import Source
from aggregator.errors import DiscoveryError, ExtractionError

FETCH_TIMEOUT = 30
MAX_BYTES = 5_000_000
USER_AGENT = "newsroom-aggregator/0.1 (+extract)"


@click.command()
@click.argument("file_or_url")
@click.option(
    "--url",
    "page_url",
    metavar="URL",
    help="The page's address when reading a file (dates in URLs, relative links).",
)
@click.option(
    "--source",
    "source_name",
    metavar="NAME",
    help="Use this source's selectors, languages and time zone.",
)
@click.option(
    "--fetched-at",
    metavar="ISO8601",
    help="When the page was fetched (resolves '2 hours ago'; default now).",
)
@pass_app
def command(
    app: App,
    file_or_url: str,
    page_url: str | None,
    source_name: str | None,
    fetched_at: str | None,
) -> None:
    """Extract one article page (a file, .html or .html.gz, or an http(s) URL) and print JSON.

    Example: aggregator extract saved-page.html --url https://example.com/2021/02/03/story --source example
    """  # noqa: E501
    from aggregator.extraction import extract_article

    source = app.sources.get(source_name) if source_name else None
    if file_or_url.startswith(("http://", "https://")):
        html = _fetch(file_or_url, source, app.settings.allow_networks)
        url = page_url or file_or_url
    else:
        html = _read(Path(file_or_url))
        url = page_url or Path(file_or_url).resolve().as_uri()
    article = extract_article(html, url, source, fetched_at=_when(fetched_at))
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read the page ({exc.strerror or exc})") from None
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ExtractionError(f"{path}: not a valid gzip file ({exc})") from None
    return data


def _fetch(url: str, source: Source | None, allowed: tuple[str, ...]) -> bytes:
    """The page, fetched under the crawl's network policy (and the source's allowance)."""
    from aggregator.network_policy import NetworkPolicy
    from aggregator.onboarding.http import http_get

    policy = NetworkPolicy.allowing(allowed, source.allow_networks if source else [])
    headers = source.headers if source else {}
    try:
        answer = http_get(
            url,
            user_agent=USER_AGENT,
            headers=headers,
            timeout=FETCH_TIMEOUT,
            max_bytes=MAX_BYTES,
            policy=policy,
        )
    except DiscoveryError as exc:
        reason = str(exc).removeprefix(f"cannot fetch {url}: ")
        raise ExtractionError(f"{url}: could not fetch the page ({reason})") from None
    if answer.status >= 400:
        raise ExtractionError(f"{url}: could not fetch the page (HTTP {answer.status})")
    return answer.body


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"expected ISO 8601 such as 2021-02-04T10:00:00Z, got {text!r}",
            param_hint="--fetched-at",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
