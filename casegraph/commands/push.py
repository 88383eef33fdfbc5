"""`casegraph push`: copy stored reviews to a SPARQL store or a Neo4j database, a thin layer over
`casegraph.exchange`."""
from __future__ import annotations

import sys

import click

from casegraph.commands.common import StageBar, handles_errors, interactive, neo4j_options, progress, store_option


@click.group()
def push():
    """Copy stored reviews to another store.

    \b
    Example:
      casegraph push sparql http://localhost:8890/sparql-graph-crud-auth
    """


@push.command("sparql")
@click.argument("endpoint")
@store_option
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="gsp: SPARQL 1.1 Graph Store Protocol, one PUT per review (replaces it exactly); "
                   "update: SPARQL 1.1 Update (DROP SILENT GRAPH, then INSERT DATA in chunks).")
@click.option("--review", "reviews", multiple=True, help="Only this review (repeatable).")
@click.option("--user", envvar="CASEGRAPH_SPARQL_USER", default=None,
              help="Log in as this user (default: $CASEGRAPH_SPARQL_USER). The password comes from "
                   "$CASEGRAPH_SPARQL_PASSWORD, or is asked for.")
@handles_errors
def push_sparql(endpoint, store, protocol, reviews, user):
    """Push stored reviews to a SPARQL store, one named graph per review.

    ENDPOINT is the store's Graph Store Protocol URL (the default --protocol gsp) or its SPARQL
    Update URL (--protocol update). Each review goes to the graph
    https://w3id.org/casegraph/review/REVIEW-ID and replaces it exactly, so pushing again after a
    reload leaves nothing stale. Graphs of other reviews on the server are not touched. Nothing
    is sent anywhere but ENDPOINT.

    The store may ask for a login (HTTP Basic or Digest). Give the user with --user or
    CASEGRAPH_SPARQL_USER and the password in CASEGRAPH_SPARQL_PASSWORD; never put a password on
    the command line.

    \b
    Examples:
      # Virtuoso, as a user with the SPARQL_UPDATE role; the password is asked for
      # (or read from CASEGRAPH_SPARQL_PASSWORD)
      export CASEGRAPH_SPARQL_USER=dba
      casegraph push sparql http://localhost:8890/sparql-graph-crud-auth
      # Apache Jena Fuseki, one review, by SPARQL Update
      casegraph push sparql http://localhost:3030/reviews/update --protocol update --review scr-30-2016
    """
    import os

    from casegraph.exchange.sparql_push import PASSWORD_ENV, auth_from_env, push_reviews

    if user and PASSWORD_ENV not in os.environ and sys.stdin.isatty():
        auth = (user, click.prompt(f"password for {user}", hide_input=True, err=True))
    else:
        auth = auth_from_env(user)
    bar = None
    if interactive():
        from casegraph.graph.store import ReviewStore

        with ReviewStore.open(store) as opened:
            bar = progress(list(reviews) or opened.review_ids(), "pushing")
    if bar is None:
        report = push_reviews(store, endpoint, list(reviews) or None, protocol=protocol, auth=auth)
    else:
        with bar:
            report = push_reviews(store, endpoint, list(reviews) or None, protocol=protocol, auth=auth,
                                  progress=lambda _review: bar.update(1))
    click.echo(f"pushed {len(report.reviews)} review(s), {report.triples} triples to {endpoint} in "
               f"{report.seconds:.1f} s ({report.triples_per_second:,.0f} triples/s)")


@push.command("neo4j")
@store_option
@neo4j_options
@click.option("--review", "reviews", multiple=True, help="Only this review (repeatable; default: all).")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None,
              help="Rows per write transaction (default: the library's).")
@handles_errors
def push_neo4j(store, uri, username, database, reviews, batch_size):
    """Write the property-graph view into a Neo4j database.

    Uniqueness constraints on `iri` come first; then nodes and relationships go in batches of
    `UNWIND $rows ... MERGE`, one transaction per batch. Pushing again is safe: each pushed
    review ends up exactly as stored here (what a reloaded review no longer says is removed),
    and a push that was interrupted completes when run again. Other reviews in the database are
    left alone.

    The server and login come from NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD (or --uri,
    --username); the password is never taken on the command line.

    \b
    Examples:
      export NEO4J_URI=bolt://localhost:7687 NEO4J_USERNAME=neo4j
      read -rs NEO4J_PASSWORD && export NEO4J_PASSWORD
      casegraph push neo4j
      casegraph query cypher 'MATCH (p:Person:YoungPerson) RETURN count(p)' --neo4j
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view_cache import view_of_store
    from casegraph.exchange.neo4j_push import push_view
    from casegraph.graph.cypher.neo4j import Neo4jSettings, connect

    settings = Neo4jSettings.from_env(uri, username, None, database)
    with connect(settings) as driver:  # before reading the store: a wrong password fails at once
        with ReviewStore.open(store) as opened:
            view = view_of_store(opened, reviews=list(reviews) or None)
        bar = StageBar()
        options = {"batch_size": batch_size} if batch_size else {}
        try:
            report = push_view(driver, view, database=settings.database,
                               progress=bar if interactive() else None, **options)
        finally:
            bar.finish()
    click.echo(f"pushed {report.nodes_written} nodes and {report.relationships_written} relationships to {settings.uri} "
               f"in {report.seconds:.1f} s: {report.nodes_created} nodes and {report.relationships_created} "
               f"relationships created, {report.nodes_removed} nodes and {report.relationships_removed} "
               f"relationships removed")
