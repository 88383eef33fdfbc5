"""`casegraph serve`: the read-only SPARQL endpoint, a thin layer over `casegraph.exchange.endpoint`."""
from __future__ import annotations

import click

from casegraph.commands.common import handles_errors, store_option


@click.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but a loopback address lets other machines read "
                   "the reviews, with no authentication.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Stop a query that runs longer than this and answer 503.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Queries run at once, each in a process of its own [default: 2 to 4, by CPU count].")
@click.option("--with-decisions", is_flag=True,
              help="Also serve the analysts' link decisions (their names and notes about children); "
                   "without it no query can see them.")
@handles_errors
def serve(store, host, port, timeout, workers, with_decisions):
    """Answer SPARQL 1.1 queries over HTTP at /sparql, read-only, until Ctrl-C.

    Any SPARQL client can query the stored reviews (GET ?query=, or POST); default-graph-uri and
    named-graph-uri choose the dataset, and GET /sparql without a query gives the service
    description. Open the server's address in a browser for a query page with the saved
    questions (it loads nothing from anywhere else). Results follow the Accept header: JSON, XML,
    CSV or TSV for SELECT and ASK; Turtle, N-Triples, JSON-LD or RDF/XML for CONSTRUCT and
    DESCRIBE. The casegraph prefixes (cg:, rdfs:, ...) are predeclared. Updates, SERVICE and FROM
    are refused. Reviews loaded while it runs appear at once. Each request is logged to stderr as
    one line, without the query.

    The analysts' decisions graph is not served unless --with-decisions. Each query runs in a
    worker process and is stopped after --timeout seconds (503: narrow the query or raise the
    limit). Requests addressed to another host name (DNS rebinding) or sent by a web page of
    another site are refused (403), as is a request that takes over 10 s to arrive (408).

    \b
    Examples:
      casegraph serve
      casegraph serve --timeout 60 --workers 4
      casegraph serve --with-decisions --port 7879
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?r ?title { ?r a cg:Review ; rdfs:label ?title }' http://127.0.0.1:7878/sparql
    """
    from casegraph.exchange.endpoint import serve as run_server

    def ready(server):
        decisions = "with" if with_decisions else "without"
        click.echo(f"casegraph SPARQL endpoint at {server.url} (read-only, {decisions} the analysts' decisions, "
                   f"queries stopped after {timeout:g} s); query page at {server.url.removesuffix('/sparql')}/; "
                   "Ctrl-C to stop", err=True)
        if not server.is_loopback:
            click.echo(f"warning: listening on {host}: other machines can read every stored review, "
                       "with no authentication", err=True)

    run_server(store, host, port, on_ready=ready, timeout=timeout, workers=workers, with_decisions=with_decisions)
