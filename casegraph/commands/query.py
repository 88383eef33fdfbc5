"""`casegraph query`: ad hoc SPARQL and Cypher, and the library of saved questions."""
from __future__ import annotations

import sys

import click

from casegraph.commands.common import (FORMAT_CHOICES, cypher_engine, format_option, handles_errors,
                                       neo4j_options, query_text, store_option)


@click.group()
def query():
    """Ask questions of the stored reviews: ad hoc SPARQL, or the library of saved questions.

    \b
    Examples:
      casegraph query list
      casegraph query run reviews-per-year
      casegraph query sparql 'SELECT ?r ?title WHERE { ?r a cg:Review ; rdfs:label ?title }'
    """


def _query_output_options(func):
    func = click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
                        help="Output format (default: table on a terminal, csv otherwise).")(func)
    func = click.option("--review", "reviews", multiple=True,
                        help="Only this review's graph (repeatable; default: all reviews).")(func)
    func = click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                        help="Bind ?NAME to VALUE (repeatable). <...> is an IRI (<review-id/item-id> for short), digits an integer, "
                             "anything else a string; always bound by the engine, never pasted in.")(func)
    return store_option(func)


def _print_result(result, fmt: str | None) -> None:
    from casegraph.output import render
    from casegraph.queries.sparql import display

    if result.boolean is not None:
        click.echo("true" if result.boolean else "false")
        return
    if result.triples is not None:
        import pyoxigraph as ox

        sys.stdout.buffer.write(ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES))
        return
    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    rows = [[display(term, compact=fmt == "table") for term in row] for row in result.rows]
    click.echo(render(result.columns, rows, fmt))


@query.command("sparql")
@click.argument("query_or_file")
@_query_output_options
@click.option("--allow-update", is_flag=True, help="Allow SPARQL updates (INSERT, DELETE, ...) to change the store.")
@handles_errors
def query_sparql(query_or_file, store, params, reviews, fmt, allow_update):
    """Run a SPARQL query (text, or a file of it) over the union of all stored reviews.

    The prefixes cg:, rdf:, rdfs:, xsd:, skos:, owl:, code: and review: are predeclared. The
    store is read-only unless --allow-update is given.

    \b
    Examples:
      casegraph query sparql 'SELECT ?r ?year WHERE { ?r a cg:Review ; cg:publicationYear ?year }'
      casegraph query sparql my-question.rq --format json
      casegraph query sparql 'SELECT ?p ?name WHERE { ?p rdfs:label ?name }' --param 'p=<scr-30-2016/child-m>'
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.queries import parse_param_values
    from casegraph.queries.sparql import is_update, run_sparql, run_update

    text = query_text(query_or_file)
    values = parse_param_values(list(params))
    if is_update(text):
        from casegraph.errors import QueryError

        if not allow_update:
            raise QueryError("this is a SPARQL update; the store is read-only unless you pass --allow-update")
        if values or reviews:
            raise QueryError("--param and --review apply to queries, not updates")
        with ReviewStore.open(store, write=True) as opened:
            run_update(opened, text)
        click.echo("update applied", err=True)
        return
    with ReviewStore.open(store) as opened:
        result = run_sparql(opened, text, values, reviews=list(reviews) or None)
    _print_result(result, fmt)



@query.command("list")
@format_option
def query_list(fmt):
    """List the saved questions, with their parameters.

    \b
    Example:
      casegraph query list
    """
    from casegraph.output import render
    from casegraph.queries import saved_queries

    rows = [[q.name, ", ".join(f"{p.name}{'' if p.required else '?'}" for p in q.params),
             "yes" if q.cypher else "no", q.description]
            for q in saved_queries().values()]
    click.echo(render(["name", "parameters", "cypher", "description"], rows, fmt))


@query.command("run")
@click.argument("name")
@_query_output_options
@click.option("--engine", type=click.Choice(["sparql", "cypher", "neo4j"]), default="sparql", show_default=True,
              help="sparql: the store itself; cypher: the question's Cypher twin on the embedded engine; "
                   "neo4j: the Cypher twin on Neo4j (after casegraph push neo4j).")
@neo4j_options
@handles_errors
def query_run(name, store, params, reviews, fmt, engine, uri, username, database):
    """Run a saved question by name (see `casegraph query list`).

    Every question runs in SPARQL; those with a Cypher twin (the `cypher` column of `query list`)
    also run in Cypher, on the embedded engine or on Neo4j, with the same rows.

    \b
    Examples:
      casegraph query run harm-types-per-review
      casegraph query run incidents-of-young-person --param person=scr-49-2013/christine
      casegraph query run reviews-per-year --engine cypher
      casegraph query run reviews-per-year --engine neo4j     # NEO4J_URI, NEO4J_PASSWORD, ... set
    """
    from casegraph.errors import QueryError
    from casegraph.graph.store import ReviewStore
    from casegraph.queries import parse_param_values, saved_query

    saved = saved_query(name)
    values = parse_param_values(list(params))
    if engine == "sparql":
        from casegraph.queries.sparql import run_sparql

        with ReviewStore.open(store) as opened:
            result = run_sparql(opened, saved.text, values, reviews=list(reviews) or None, saved=saved)
        _print_result(result, fmt)
        return
    if saved.cypher is None:
        raise QueryError(f"saved query {name!r} has no Cypher form; run it with --engine sparql")
    if reviews:
        raise QueryError("--review applies to SPARQL; in Cypher, filter on the `review` property instead")
    from casegraph.queries.cypher import run_cypher

    with cypher_engine(store, engine == "neo4j", uri, username, database) as opened:
        result = run_cypher(opened, saved.cypher, values, saved=saved)
    _print_cypher_result(result, fmt)


@query.command("cypher")
@click.argument("query_or_file")
@store_option
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind $NAME to VALUE (repeatable): digits an integer, anything else a string; always a "
                   "parameter, never pasted in.")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
              help="Output format (default: table on a terminal, csv otherwise).")
@click.option("--neo4j", "on_neo4j", is_flag=True,
              help="Run on Neo4j (after casegraph push neo4j) instead of the embedded engine.")
@neo4j_options
@click.option("--allow-update", is_flag=True,
              help="Allow writing clauses (CREATE, MERGE, SET, DELETE, ...). On the embedded engine a write "
                   "lasts until the reviews change and the view is rebuilt from them.")
@handles_errors
def query_cypher(query_or_file, store, params, fmt, on_neo4j, uri, username, database, allow_update):
    """Run a Cypher query (text, or a .cypher/.cql file) over the property-graph view.

    The view has a node for every record, labelled with its class and all superclasses
    (`(:Record:Person:YoungPerson)`), a `Concept` node for every code, relationships named after
    the ontology's properties (`HAS_VICTIM`, `OCCURRED_AT`, `MEMBER_OF`, ...), and `review` and
    `iri` properties. By default it runs on the embedded engine (no server to install or start;
    the view is built the first time and again after the reviews change); with --neo4j it runs
    on the Neo4j server from NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD.

    \b
    Examples:
      casegraph query cypher 'MATCH (p:Person:YoungPerson) RETURN p.review AS review, p.label AS name'
      casegraph query cypher 'MATCH (i:Incident)-[:HAS_VICTIM]->(p {iri: $who}) RETURN i.label' \\
          --param who=https://w3id.org/casegraph/review/scr-30-2016/child-m
      casegraph query cypher my-question.cypher --format json
      casegraph query cypher 'MATCH (a:UnconnectedAdult) RETURN count(a)' --neo4j
    """
    from casegraph.queries import parse_param_values
    from casegraph.queries.cypher import run_cypher

    text = query_text(query_or_file, (".cypher", ".cql"))
    values = parse_param_values(list(params))
    with cypher_engine(store, on_neo4j, uri, username, database) as engine:
        result = run_cypher(engine, text, values, allow_update=allow_update)
    _print_cypher_result(result, fmt)


def _print_cypher_result(result, fmt: str | None) -> None:
    from casegraph.graph.cypher import display
    from casegraph.output import is_structured, render

    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    rows = result.rows if is_structured(fmt) else [[display(value) for value in row] for row in result.rows]
    click.echo(render(result.columns, rows, fmt))
