"""The `casegraph` command: a thin layer over the library. Each command parses its options,
calls one library function and prints the result; library errors become one clear line."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

EXIT_INPUT = 1  # some input files had problems (the rest were processed)
EXIT_USAGE = 2  # click's own code for bad options
EXIT_ERROR = 3  # store, query or other casegraph error

FORMAT_CHOICES = ("table", "csv", "tsv", "json")


def store_option(func):
    return click.option("--store", "store", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Store directory (default: $CASEGRAPH_STORE or your user data directory).")(func)


def format_option(func):
    return click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="table",
                        show_default=True, help="Output format.")(func)


def handles_errors(func):
    """Turn casegraph's own errors into one line on stderr and a meaningful exit code."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from casegraph.errors import CasegraphError

        try:
            return func(*args, **kwargs)
        except CasegraphError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            sys.stderr.close()
            sys.exit(0)
        except OSError as error:
            click.echo(f"error: {error.filename or ''}: {error.strerror}", err=True)
            sys.exit(EXIT_ERROR)
    return wrapper


class _LazyGroup(click.Group):
    """Commands kept in modules of their own (casegraph.commands), imported when first named;
    those modules import the shared options from here, so they cannot be imported up front."""

    lazy = {"link": "casegraph.commands.link:link", "patterns": "casegraph.commands.patterns:patterns",
            "viz": "casegraph.commands.viz:viz", "chart": "casegraph.commands.viz:chart"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy:
            import importlib

            module, attribute = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="casegraph")
def main():
    """casegraph: serious case reviews of extra-familial harm as one queryable graph.

    \b
    Typical session:
      casegraph validate examples/reviews
      casegraph load examples/reviews
      casegraph list
      casegraph stats
      casegraph export --format trig > reviews.trig

    Exit codes: 0 success; 1 some input files had problems (the others were processed);
    2 bad command-line usage; 3 store or other error.
    """


def _interactive() -> bool:
    return sys.stderr.isatty()


def _progress(files: list[Path], label: str):
    """A progress bar on stderr when there are many files and a terminal to draw it on."""
    if len(files) < 2 or not _interactive():
        return None
    return click.progressbar(length=len(files), label=label, file=sys.stderr, show_pos=True)


def _print_report(report, verb: str) -> None:
    for result in report.failed:
        click.echo(str(result.error), err=True)
    ok, failed = len(report.succeeded), len(report.failed)
    summary = f"{verb} {ok} review(s), {report.triples} triples"
    if failed:
        names = ", ".join(str(r.path) for r in report.failed[:10]) + (" ..." if failed > 10 else "")
        summary += f"; {failed} file(s) failed: {names}"
    click.echo(summary, err=bool(failed))


def _run_files(paths, label: str, work):
    from casegraph.loaders import review_paths

    files = list(review_paths(paths))
    if not files:
        raise click.UsageError(f"no review files found in {', '.join(map(str, paths))} "
                               "(looked for .yaml, .yml, .json, .ttl, .trig, .jsonld, .nt, .nq)")
    bar = _progress(files, label)
    if bar is None:
        return work(files, None)
    with bar:
        return work(files, lambda _path: bar.update(1))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@store_option
@handles_errors
def load(paths, store):
    """Check review files and store them, one named graph per review.

    PATHS are files or directories (searched recursively). Reloading a review replaces it
    exactly. A file with any problem is reported with its line and field, and nothing of it
    is stored; the other files still load.

    \b
    Examples:
      casegraph load examples/reviews
      casegraph load --store ./mystore review-1.yaml review-2.ttl
    """
    from casegraph.loading import load_paths

    report = _run_files(paths, "loading", lambda files, tick: load_paths(files, store, tick))
    _print_report(report, "loaded")
    sys.exit(EXIT_INPUT if report.failed else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@handles_errors
def validate(paths):
    """Check review files without storing anything.

    \b
    Examples:
      casegraph validate examples/reviews
      casegraph validate my-review.yaml
    """
    from casegraph.loading import validate_paths

    report = _run_files(paths, "checking", lambda files, tick: validate_paths(files, tick))
    _print_report(report, "checked")
    sys.exit(EXIT_INPUT if report.failed else 0)


@main.command("list")
@store_option
@format_option
@handles_errors
def list_reviews(store, fmt):
    """List the stored reviews.

    \b
    Example:
      casegraph list --format csv
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.output import render

    with ReviewStore.open(store) as opened:
        rows = [[s.review_id, s.year, s.kind, s.title, s.triples, s.source] for s in opened.summaries()]
    click.echo(render(["review", "year", "kind", "title", "triples", "source"], rows, fmt))


@main.command()
@click.argument("review_id")
@store_option
@click.option("--format", "fmt", type=click.Choice(["summary", "turtle", "trig", "nquads", "jsonld"]),
              default="summary", show_default=True, help="A summary, or the review's graph as RDF.")
@handles_errors
def show(review_id, store, fmt):
    """Show one stored review: a summary, or its whole graph as RDF.

    \b
    Examples:
      casegraph show scr-30-2016
      casegraph show scr-30-2016 --format turtle
    """
    from casegraph.graph.store import ReviewStore

    with ReviewStore.open(store) as opened:
        if fmt != "summary":
            opened.dump(sys.stdout.buffer, fmt, [review_id])
            return
        summary = opened.summary(review_id)
        counts = _class_counts(opened.quads(review_id))
    click.echo(f"{summary.review_id}: {summary.title}")
    click.echo(f"  year {summary.year}, kind {summary.kind}, {summary.triples} triples")
    click.echo(f"  loaded from {summary.source} at {summary.loaded_at}")
    for label, count in counts:
        click.echo(f"  {count:>5}  {label}")


def _class_counts(quads) -> list[tuple[str, int]]:
    from collections import Counter

    from casegraph.ontology import RDF, vocabulary

    vocab = vocabulary()
    counts = Counter(vocab.label(q.object.value) for q in quads if q.predicate.value == RDF + "type")
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@main.command()
@click.argument("review_id")
@store_option
@handles_errors
def remove(review_id, store):
    """Remove one review from the store.

    \b
    Example:
      casegraph remove scr-30-2016
    """
    from casegraph.graph.store import ReviewStore

    with ReviewStore.open(store, write=True) as opened:
        opened.remove(review_id)
    click.echo(f"removed {review_id}")


@main.command()
@store_option
@format_option
@handles_errors
def stats(store, fmt):
    """Counts over the stored reviews: records by class, harm types, reviews by year.

    \b
    Example:
      casegraph stats --format json
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.output import render
    from casegraph.stats import store_stats

    with ReviewStore.open(store) as opened:
        tables = store_stats(opened)
        reviews = len(opened)
    if fmt == "json":
        click.echo(json.dumps({"reviews": reviews, **{t.title: [dict(zip(t.columns, r)) for r in t.rows]
                                                      for t in tables}}, indent=2))
        return
    click.echo(f"{reviews} review(s)")
    for table in tables:
        click.echo(f"\n{table.title}" if fmt == "table" else f"# {table.title}")
        click.echo(render(table.columns, table.rows, fmt))


@main.group(invoke_without_command=True)
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]),
              default="trig", show_default=True, help="RDF format (trig and nquads keep one graph per review).")
@click.option("--review", "reviews", multiple=True, help="Only this review (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@handles_errors
@click.pass_context
def export(ctx, store, fmt, reviews, output):
    """Export stored reviews as RDF, or (export neo4j-csv DIR) as files for neo4j-admin.

    \b
    Examples:
      casegraph export --format trig -o reviews.trig
      casegraph export --format turtle --review scr-30-2016
      casegraph export neo4j-csv neo4j-import/
    """
    from casegraph.graph.store import ReviewStore

    if ctx.invoked_subcommand:
        ctx.obj = {"store": store, "reviews": list(reviews) or None}
        return

    with ReviewStore.open(store) as opened:
        if output is None:
            opened.dump(sys.stdout.buffer, fmt, list(reviews) or None)
        else:
            with output.open("wb") as handle:
                opened.dump(handle, fmt, list(reviews) or None)


@export.command("neo4j-csv")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@handles_errors
def export_neo4j_csv(ctx, directory):
    """Write the property-graph view as CSV files for `neo4j-admin database import full`.

    Prints the import command to run (with the Neo4j server stopped, into an empty database).

    \b
    Example:
      casegraph export neo4j-csv neo4j-import/
      casegraph export --review scr-30-2016 neo4j-csv one-review/
    """
    from casegraph.graph.neo4j_csv import import_command, write_neo4j_csv
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view import build_view

    with ReviewStore.open(ctx.obj["store"]) as opened:
        view = build_view(opened.review_quads(ctx.obj["reviews"]))
    paths = write_neo4j_csv(view, directory)
    click.echo(f"wrote {len(paths)} files ({len(view.nodes)} nodes, {len(view.relationships)} relationships) "
               f"to {directory}; import them with:", err=True)
    click.echo(import_command(paths))


@main.group()
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


def _neo4j_options(func):
    func = click.option("--database", envvar="NEO4J_DATABASE", default=None,
                        help="Neo4j database (default: $NEO4J_DATABASE, else the server's default).")(func)
    func = click.option("--username", envvar="NEO4J_USERNAME", default=None,
                        help="Neo4j user (default: $NEO4J_USERNAME, else neo4j). The password comes only from "
                             "$NEO4J_PASSWORD.")(func)
    return click.option("--uri", envvar="NEO4J_URI", default=None,
                        help="Neo4j Bolt URI (default: $NEO4J_URI, else bolt://localhost:7687).")(func)


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

    text = _query_text(query_or_file)
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


def _query_text(query_or_file: str, suffixes: tuple[str, ...] = (".rq", ".sparql")) -> str:
    path = Path(query_or_file)
    if len(query_or_file) < 4096 and "\n" not in query_or_file and path.suffix in suffixes:
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise click.BadParameter(f"cannot read {path}: {error.strerror}") from None
    return query_or_file


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
@_neo4j_options
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

    with _cypher_engine(store, engine == "neo4j", uri, username, database) as opened:
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
@_neo4j_options
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

    text = _query_text(query_or_file, (".cypher", ".cql"))
    values = parse_param_values(list(params))
    with _cypher_engine(store, on_neo4j, uri, username, database) as engine:
        result = run_cypher(engine, text, values, allow_update=allow_update)
    _print_cypher_result(result, fmt)


def _cypher_engine(store: Path | None, on_neo4j: bool, uri, username, database):
    """The embedded engine (with a progress bar while it builds the view), or Neo4j."""
    if on_neo4j:
        from casegraph.graph.cypher.neo4j import Neo4jCypher
        from casegraph.push_neo4j import Neo4jSettings

        return Neo4jCypher(Neo4jSettings.from_env(uri, username, None, database))
    from casegraph.graph.cypher.embedded import EmbeddedCypher
    from casegraph.graph.store import default_store_path

    bar = _StageBar()
    try:
        return EmbeddedCypher(store or default_store_path(), progress=bar if _interactive() else None)
    finally:
        bar.finish()


def _read_view(store: Path | None):
    """The property-graph view of every stored review, with a progress bar on a terminal."""
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view import view_of_store

    bar = _StageBar()
    try:
        with ReviewStore.open(store) as opened:
            return view_of_store(opened, bar if _interactive() else None)
    finally:
        bar.finish()


class _StageBar:
    """A progress bar drawn only once a long step reports progress."""

    def __init__(self):
        self.bar = None
        self.stage = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is not None and self.stage != stage:
            self.finish()
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=stage, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
            self.stage, self.done = stage, 0
        self.bar.update(done - self.done)
        self.done = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _print_cypher_result(result, fmt: str | None) -> None:
    from casegraph.graph.cypher import display
    from casegraph.output import render

    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    rows = result.rows if fmt == "json" else [[display(value) for value in row] for row in result.rows]
    click.echo(render(result.columns, rows, fmt))


@main.command()
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
    from casegraph.serve import serve as run_server

    def ready(server):
        click.echo(f"casegraph SPARQL endpoint at {server.url} (read-only); Ctrl-C to stop", err=True)
        if not server.is_loopback:
            click.echo(f"warning: listening on {host}: other machines can read every stored review, "
                       "with no authentication", err=True)

    run_server(store, host, port, on_ready=ready)


@main.command()
@click.option("--reviews", "count", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="How many reviews to generate.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same corpus).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write reviews/ and ground-truth.csv into.")
@handles_errors
def generate(count, seed, out):
    """Write a synthetic corpus (clearly marked synthetic) and its linking ground truth.

    \b
    Example:
      casegraph generate --reviews 200 --seed 7 --out /tmp/corpus
      casegraph load /tmp/corpus/reviews
    """
    from casegraph.synthetic import generate_corpus

    if sys.stderr.isatty() and count > 1:
        with click.progressbar(length=count, label="generating", file=sys.stderr) as bar:
            done = [0]

            def tick(written: int) -> None:
                bar.update(written - done[0])
                done[0] = written

            corpus = generate_corpus(out, count, seed, progress=tick)
    else:
        corpus = generate_corpus(out, count, seed)
    click.echo(f"wrote {corpus.reviews} synthetic review(s) to {out / 'reviews'} and ground truth to "
               f"{corpus.ground_truth_path}")


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@handles_errors
def schema(output):
    """Print the JSON Schema of the review file format (for editors' completion and checks).

    \b
    Example:
      casegraph schema -o review.schema.json
    """
    from casegraph.loaders.schema import dumps_schema

    text = dumps_schema()
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.group()
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

    from casegraph.push_sparql import PASSWORD_ENV, auth_from_env, push_reviews

    if user and PASSWORD_ENV not in os.environ and sys.stdin.isatty():
        auth = (user, click.prompt(f"password for {user}", hide_input=True, err=True))
    else:
        auth = auth_from_env(user)
    bar = None
    if _interactive():
        from casegraph.graph.store import ReviewStore

        with ReviewStore.open(store) as opened:
            bar = _progress(list(reviews) or opened.review_ids(), "pushing")
    if bar is None:
        report = push_reviews(store, endpoint, list(reviews) or None, protocol=protocol, auth=auth)
    else:
        with bar:
            report = push_reviews(store, endpoint, list(reviews) or None, protocol=protocol, auth=auth,
                                  progress=lambda _review: bar.update(1))
    click.echo(f"pushed {len(report.reviews)} review(s), {report.triples} triples to {endpoint} in "
               f"{report.seconds:.1f} s ({report.triples_per_second:,.0f} triples/s)")


if __name__ == "__main__":
    main()


@push.command("neo4j")
@store_option
@_neo4j_options
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
    from casegraph.graph.view import build_view
    from casegraph.push_neo4j import Neo4jSettings, connect, push_view

    settings = Neo4jSettings.from_env(uri, username, None, database)
    with connect(settings) as driver:  # before reading the store: a wrong password fails at once
        with ReviewStore.open(store) as opened:
            view = build_view(opened.review_quads(list(reviews) or None))
        bar = _StageBar()
        options = {"batch_size": batch_size} if batch_size else {}
        try:
            report = push_view(driver, view, database=settings.database,
                               progress=bar if _interactive() else None, **options)
        finally:
            bar.finish()
    click.echo(f"pushed {report.nodes_written} nodes and {report.relationships_written} relationships to {settings.uri} "
               f"in {report.seconds:.1f} s: {report.nodes_created} nodes and {report.relationships_created} "
               f"relationships created, {report.nodes_removed} nodes and {report.relationships_removed} "
               f"relationships removed")

