"""``aggregator sources``: list the outlets, add one from its homepage, check one by dry run."""

from __future__ import annotations

import click

from aggregator.cli.context import App, pass_app
from aggregator.config.sources import Source
from aggregator.errors import ConfigError


@click.group()
def command() -> None:
    """List, add and check the outlets of the sources file.

    Example: aggregator sources add https://www.example.com/ --timezone Asia/Dubai
    """


def _discovery(source: Source) -> str:
    parts = []
    for label, items in (
        ("feed", source.feeds),
        ("sitemap", source.sitemaps),
        ("start page", source.start_pages),
    ):
        if items:
            parts.append(f"{len(items)} {label}{'s' if len(items) > 1 else ''}")
    return ", ".join(parts)


@command.command("list")
@pass_app
def list_sources(app: App) -> None:
    """Show every source: name, label, languages, time zone, schedule, discovery, enabled.

    Example: aggregator --sources sources.yaml sources list
    """
    from aggregator.cli.render import table

    default = f"every {app.settings.default_schedule} (default)"
    rows = [
        (
            s.name,
            s.label or "",
            ",".join(s.languages),
            s.timezone,
            s.schedule.describe() if s.schedule else default,
            _discovery(s),
            "yes" if s.enabled else "no",
        )
        for s in app.sources.sources
    ]
    table(
        ("name", "label", "languages", "timezone", "schedule", "discovery", "enabled"),
        rows,
        title=f"{len(rows)} sources in {app.sources.path}",
    )


@command.command("add")
@click.argument("url")
@click.option("--name", help="Source name (default: made from the host, e.g. 'lemonde').")
@click.option("--label", help="Name editors see (default: the site's own name).")
@click.option(
    "--language",
    "languages",
    metavar="L[,L...]",
    help="ISO 639-1 language codes (default: the page's declared language).",
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="Time zone the outlet writes its dates in, e.g. Asia/Dubai.",
)
@pass_app
def add(
    app: App, url: str, name: str | None, label: str | None, languages: str | None, timezone: str
) -> None:
    """Find a site's feeds, sitemaps and language from its homepage and add it as a source.

    The entry is appended to the sources file; its comments and layout are kept, and the file
    is only written when the result validates.

    \b
    Example: aggregator sources add https://www.lemonde.fr/
    Example: aggregator sources add https://www.aljazeera.net/ --name aljazeera \\
               --language ar --timezone Asia/Qatar
    """
    from aggregator.network_policy import NetworkPolicy, host_allowance
    from aggregator.onboarding.autodiscover import autodiscover
    from aggregator.onboarding.entry import append_entry, build_entry, suggest_name
    from aggregator.onboarding.http import fetcher, non_public_reason

    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"expected an http(s) URL, got {url!r}")
    # Naming a private address here is the operator's own choice: that host (only) is allowed.
    private = non_public_reason(url)
    allowance = [host_allowance(url)] if private else []
    policy = NetworkPolicy.allowing(app.settings.allow_networks, allowance)
    found = autodiscover(url, fetcher(app.settings.user_agent, policy=policy))
    codes = [c.strip().lower() for c in (languages or "").split(",") if c.strip()]
    codes = codes or ([found.language] if found.language else [])
    if not codes:
        raise ConfigError(f"{found.homepage} declares no language; give one with --language")
    entry = build_entry(
        found,
        name=name or suggest_name(found.homepage),
        languages=codes,
        timezone=timezone,
        label=label,
        allow_networks=allowance,
    )
    result = append_entry(app.settings.sources, entry)
    added = result.get(str(entry["name"]))
    click.echo(
        f"added source {added.name!r} to {result.path}: {_discovery(added)}; "
        f"languages {','.join(added.languages)}; time zone {added.timezone}"
    )
    if allowance:
        click.echo(
            f"  note: {private}; allow_networks: [{allowance[0]}] written so the crawl may "
            "reach it (only this source)"
        )
    for note in found.notes:
        click.echo(f"  note: {note}")
    if added.start_pages:
        click.echo(
            "  note: it will follow every homepage link; narrow them with links.allow "
            "(see docs/sources.md)"
        )
    click.echo(f"  next: aggregator sources check {added.name}")


@command.command("check")
@click.argument("name")
@click.option(
    "--samples",
    default=3,
    show_default=True,
    type=click.IntRange(0, 20),
    help="How many articles to fetch and extract.",
)
@pass_app
@click.pass_context
def check(ctx: click.Context, app: App, name: str, samples: int) -> None:
    """Dry-run one source: URLs found per method, sample extractions, and what is wrong.

    Nothing is stored. Exits with status 1 when a problem is found.

    Example: aggregator sources check lemonde --samples 5
    """
    from aggregator.extraction import extract_article
    from aggregator.network_policy import NetworkPolicy
    from aggregator.onboarding.check import check_source
    from aggregator.onboarding.http import fetcher

    source = app.sources.get(name)
    policy = NetworkPolicy.allowing(app.settings.allow_networks, source.allow_networks)
    fetch = fetcher(app.settings.user_agent, source.headers, policy=policy)
    report = check_source(
        source, fetch, extract_article, samples=samples, user_agent=app.settings.user_agent
    )
    click.echo(f"source {source.name} ({source.display_name}), {source.homepage}")
    click.echo("discovery:")
    for method in report.methods:
        outcome = f"error: {method.error}" if method.error else f"{method.found} article URLs"
        click.echo(f"  {method.method:<8} {method.url}  {outcome}")
    if report.samples:
        click.echo("articles:")
    for sample in report.samples:
        click.echo(f"  {sample.url}")
        if sample.problem and not sample.title:
            click.echo(f"    problem: {sample.problem}")
            continue
        click.echo(f"    title: {sample.title or '-'}")
        click.echo(
            f"    date: {sample.published or '-'}  language: {sample.language or '-'}  "
            f"words: {sample.words}" + (f"  problem: {sample.problem}" if sample.problem else "")
        )
    for note in report.notes:
        click.echo(f"note: {note}")
    if report.problems:
        for problem in report.problems:
            click.echo(f"problem: {problem}")
        ctx.exit(1)
    click.echo("ok: no problems found")
