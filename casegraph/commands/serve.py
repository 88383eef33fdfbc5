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
@handles_errors
def serve(store, host, port):
    """Answer SPARQL 1.1 queries over HTTP at /sparql, read-only, until Ctrl-C.

    Any SPARQL client can query the stored reviews (GET ?query=, or POST). Results follow the
    Accept header: JSON, XML, CSV or TSV for SELECT and ASK; Turtle, N-Triples, JSON-LD or
    RDF/XML for CONSTRUCT and DESCRIBE. The casegraph prefixes (cg:, rdfs:, ...) are predeclared.
    Updates, SERVICE and FROM are refused. Reviews loaded while it runs appear at once. Each
    request is logged to stderr as one line, without the query.

    \b
    Examples:
      casegraph serve
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?r ?title { ?r a cg:Review ; rdfs:label ?title }' http://127.0.0.1:7878/sparql
    """
    from casegraph.exchange.endpoint import serve as run_server

    def ready(server):
        click.echo(f"casegraph SPARQL endpoint at {server.url} (read-only); Ctrl-C to stop", err=True)
        if not server.is_loopback:
            click.echo(f"warning: listening on {host}: other machines can read every stored review, "
                       "with no authentication", err=True)

    run_server(store, host, port, on_ready=ready)
