"""``aggregator serve``: the editors' review web page."""

from __future__ import annotations

import click

from aggregator.cli.context import App, pass_app


@click.command()
@click.option("--host", metavar="ADDRESS", help="Address to listen on (default: web_host).")
@click.option("--port", type=int, metavar="PORT", help="Port to listen on (default: web_port).")
@click.option(
    "--https-only",
    is_flag=True,
    help="Mark session cookies Secure (set this when a TLS proxy serves the page).",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="ADDRESSES",
    help="Comma-separated addresses of the reverse proxies whose X-Forwarded-For and "
    "X-Forwarded-Proto to trust, so that each editor's own address counts for the login lock.",
)
@pass_app
def command(
    app: App,
    host: str | None,
    port: int | None,
    https_only: bool,
    forwarded_allow_ips: str | None,
) -> None:
    """Serve the review page: feed, article, editorial actions, sources, exports.

    Listens on 127.0.0.1:8000 unless told otherwise (AGGREGATOR_WEB_HOST/_PORT or the
    options). Create an account first with `aggregator users add NAME`. Export tokens in
    query strings are redacted in the access log; logins are logged with their outcome.

    Example: aggregator serve --port 8080
    """
    import uvicorn

    from aggregator.web.access_log import log_config
    from aggregator.web.app import create_app

    web = create_app(app.database(), secret_key=app.settings.secret_key, https_only=https_only)
    bind_host = host or app.settings.web_host
    bind_port = port or app.settings.web_port
    click.echo(f"review page on http://{bind_host}:{bind_port}/ (Ctrl-C to stop)")
    level = str(app.settings.log_level).lower()
    uvicorn.run(
        web,
        host=bind_host,
        port=bind_port,
        log_level=level,
        log_config=log_config(level),
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
    )
