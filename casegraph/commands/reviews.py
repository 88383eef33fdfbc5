"""Commands on the reviews themselves: load, validate, list, show, remove, stats, export, schema
and generate; each a thin layer over `casegraph.graph` and `casegraph.loaders`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from casegraph.commands import export_graph, qdpx
from casegraph.commands.common import (EXIT_INPUT, FORMAT_CHOICES, format_option, handles_errors, progress,
                                       store_option)

RDF_FORMATS = ("turtle", "trig", "nquads", "jsonld")


_REPORT_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
    help="Also list every file as a record (file, review, status, triples, problems) on standard output; "
         "default: problems and a summary line only, on standard error.")


def _print_report(report, verb: str, fmt: str | None) -> None:
    if fmt is not None:
        from casegraph.output import is_structured, render

        def problems(result) -> object:
            found = [p.render(result.path) for p in result.error.problems] if result.error else []
            return found if is_structured(fmt) else "; ".join(found)

        click.echo(render(["file", "review", "status", "triples", "problems"],
                          [[str(r.path), r.review_id, verb if r.ok else "failed", r.triples, problems(r)]
                           for r in report.results], fmt))
        return
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
    bar = progress(files, label)
    if bar is None:
        return work(files, None)
    with bar:
        return work(files, lambda _path: bar.update(1))


_ACCEPT_PROPOSED = click.option("--accept-proposed", is_flag=True,
                                help="Store a draft's items still marked status: proposed (marked so in the "
                                     "graph) instead of refusing the file.")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@store_option
@_ACCEPT_PROPOSED
@_REPORT_FORMAT
@handles_errors
def load(paths, store, accept_proposed, fmt):
    """Check review files and store them, one named graph per review.

    PATHS are files or directories (searched recursively). Reloading a review replaces it
    exactly. A file with any problem is reported with its line and field, and nothing of it
    is stored; the other files still load. A draft (casegraph draft) whose items are still
    `status: proposed` is refused, naming them, until an analyst confirms them.

    \b
    Examples:
      casegraph load examples/reviews
      casegraph load --store ./mystore review-1.yaml review-2.ttl
      casegraph load reviews/ --format csv > load-report.csv
      casegraph load draft.yaml --accept-proposed
    """
    from casegraph.graph.loading import load_paths
    from casegraph.linking.reading import record_part

    report = _run_files(paths, "loading", lambda files, tick: load_paths(files, store, tick, accept_proposed=accept_proposed,
                                                                         derive=(record_part,)))
    _print_report(report, "loaded", fmt)
    for waiting in report.waiting:
        click.echo(f"warning: {waiting.message()}", err=True)
    sys.exit(EXIT_INPUT if report.failed else 0)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_ACCEPT_PROPOSED
@_REPORT_FORMAT
@handles_errors
def validate(paths, accept_proposed, fmt):
    """Check review files without storing anything.

    \b
    Examples:
      casegraph validate examples/reviews
      casegraph validate my-review.yaml
      casegraph validate reviews/ --format jsonl
    """
    from casegraph.graph.loading import validate_paths

    report = _run_files(paths, "checking", lambda files, tick: validate_paths(files, tick, accept_proposed))
    _print_report(report, "checked", fmt)
    sys.exit(EXIT_INPUT if report.failed else 0)


@click.command("list")
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


@click.command()
@click.argument("review_id")
@store_option
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES + RDF_FORMATS), default="table", show_default=True,
              help="table: a readable profile; json, jsonl: the whole profile as data; csv, tsv: the profile "
                   "as one table of field and value; turtle, trig, nquads or jsonld: the review's graph as RDF.")
@handles_errors
def show(review_id, store, fmt):
    """Show what one stored review is: title, year, kind, area, authors, harm types, its people by
    role, groups, places, incidents in date order, responses, recommendations and records.

    Long lists are cut, each with the `casegraph query sparql` command that lists all of it;
    --format json gives everything. Records are counted once each, under their most specific
    class (a young person is not counted again as a person).

    \b
    Examples:
      casegraph show scr-30-2016
      casegraph show scr-30-2016 --format json
      casegraph show scr-30-2016 --format csv > scr-30-2016.csv
      casegraph show scr-30-2016 --format turtle
    """
    from casegraph.graph.store import ReviewStore

    with ReviewStore.open(store) as opened:
        if fmt in RDF_FORMATS:
            opened.dump(sys.stdout.buffer, fmt, [review_id])
            return
        from casegraph.queries.profile import review_profile

        profile = review_profile(opened, review_id)
    from casegraph.commands.profile_text import profile_json, profile_text
    from casegraph.output import flattened, render, render_records

    if fmt == "table":
        click.echo(profile_text(profile, store))
    elif fmt == "json":
        click.echo(profile_json(profile))
    elif fmt == "jsonl":
        click.echo(render_records([profile.to_dict()], fmt))
    else:
        click.echo(render(["field", "value"], flattened(profile.to_dict()), fmt))


@click.command()
@click.argument("review_id")
@store_option
@handles_errors
def remove(review_id, store):
    """Remove one review from the store, leaving nothing of it in the store's files.

    The database is rebuilt from what remains (Oxigraph keeps every string it has stored until
    then), and the views derived from the reviews are deleted, to be derived again when needed.

    \b
    Example:
      casegraph remove scr-30-2016
    """
    from casegraph.graph.cypher.embedded import update_in_place
    from casegraph.graph.store import ReviewStore

    update_in_place()
    with ReviewStore.open(store, write=True) as opened:
        opened.remove(review_id)
    click.echo(f"removed {review_id}")


@click.command()
@store_option
@handles_errors
def compact(store):
    """Rebuild the store's database from the stored reviews: compact, and with nothing left of
    reviews removed or replaced.

    `load` and `remove` do this themselves after replacing or removing a review; run it after
    `query sparql --allow-update`, or to shrink a store.

    \b
    Example:
      casegraph compact
    """
    from casegraph.graph.cypher.embedded import update_in_place
    from casegraph.graph.store import ReviewStore

    update_in_place()
    with ReviewStore.open(store, write=True) as opened:
        opened.rebuild()
        reviews = len(opened)
    click.echo(f"compacted the store: {reviews} review(s)")


@click.command()
@store_option
@format_option
@handles_errors
def stats(store, fmt):
    """Counts over the stored reviews: records by class, harm types, reviews by year.

    csv, tsv and jsonl give one table in long form (table, name, measure, count), which a
    spreadsheet or `pandas.read_csv` reads as it is.

    \b
    Examples:
      casegraph stats
      casegraph stats --format json
      casegraph stats --format csv > stats.csv
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.output import render
    from casegraph.queries.stats import store_stats

    with ReviewStore.open(store) as opened:
        tables = store_stats(opened)
        reviews = len(opened)
    if fmt == "json":
        click.echo(json.dumps({"reviews": reviews, **{t.title: [dict(zip(t.columns, r)) for r in t.rows]
                                                      for t in tables}}, indent=2))
    elif fmt == "table":
        click.echo(f"{reviews} review(s)")
        for table in tables:
            click.echo(f"\n{table.title}")
            click.echo(render(table.columns, table.rows, fmt))
    else:  # one table, long form: what is counted, of what, how
        rows = [["reviews", "all", "reviews", reviews]]
        rows += [[t.title, row[0], measure, value] for t in tables for row in t.rows
                 for measure, value in zip(t.columns[1:], row[1:])]
        click.echo(render(["table", "name", "measure", "count"], rows, fmt))


@click.group(invoke_without_command=True)
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]),
              default="trig", show_default=True, help="RDF format (trig and nquads keep one graph per review).")
@click.option("--review", "reviews", multiple=True, help="Only this review (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--with-decisions", is_flag=True,
              help="Also the analysts' links (owl:sameAs) and decisions, with their history, in their own "
                   "graphs (to restore a whole store, use casegraph backup).")
@handles_errors
@click.pass_context
def export(ctx, store, fmt, reviews, output, with_decisions):
    """Export stored reviews as RDF, or (export neo4j-csv DIR) as files for neo4j-admin, or the
    network (export graphml|gexf FILE, export csv DIR) for Gephi and other graph tools.

    \b
    Examples:
      casegraph export --format trig -o reviews.trig
      casegraph export --format turtle --review scr-30-2016
      casegraph export --format nquads --with-decisions -o work.nq
      casegraph export neo4j-csv neo4j-import/
      casegraph export gexf --person scr-30-2016/child-m child-m.gexf
      casegraph export csv network/
      casegraph export qdpx coded.qdpx            (REFI-QDA, for NVivo, ATLAS.ti, MAXQDA)
    """
    from casegraph.graph.store import ReviewStore

    if ctx.invoked_subcommand:
        ctx.obj = {"store": store, "reviews": list(reviews) or None}
        return

    graphs = []
    if with_decisions:
        from casegraph.graph.store import LINKS_GRAPH
        from casegraph.linking.decisions import DECISIONS_GRAPH

        graphs = [LINKS_GRAPH, DECISIONS_GRAPH]
    with ReviewStore.open(store) as opened:
        if output is None:
            opened.dump(sys.stdout.buffer, fmt, list(reviews) or None, graphs)
        else:
            with output.open("wb") as handle:
                opened.dump(handle, fmt, list(reviews) or None, graphs)


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
    from casegraph.exchange.neo4j_csv import import_command, write_neo4j_csv
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view_cache import view_of_store

    with ReviewStore.open(ctx.obj["store"]) as opened:
        view = view_of_store(opened, reviews=ctx.obj["reviews"])
    paths = write_neo4j_csv(view, directory)
    click.echo(f"wrote {len(paths)} files ({len(view.nodes)} nodes, {len(view.relationships)} relationships) "
               f"to {directory}; import them with:", err=True)
    click.echo(import_command(paths))


for _command in (export_graph.graphml, export_graph.gexf, export_graph.csv_tables, qdpx.export_qdpx):
    export.add_command(_command)


@click.command()
@click.option("--reviews", "count", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="How many reviews to generate.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same corpus).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write reviews/ and ground-truth.csv into.")
@click.option("--texts", is_flag=True,
              help="Also write each review as a narrative document, texts/<id>.txt and .pdf, with the truth of "
                   "every fact and its span (<id>.truth.json), for measuring casegraph draft.")
@handles_errors
def generate(count, seed, out, texts):
    """Write a synthetic corpus (clearly marked synthetic) and its linking ground truth.

    With --texts, each review is also told as a published review would tell it, in one of
    several families of phrasing (one kept out of drafting's development, for measuring).

    \b
    Example:
      casegraph generate --reviews 200 --seed 7 --out /tmp/corpus
      casegraph load /tmp/corpus/reviews
      casegraph generate --reviews 40 --texts --out /tmp/texts
      casegraph draft quality --truth /tmp/texts/texts
    """
    from casegraph.synthetic import generate_corpus

    if sys.stderr.isatty() and count > 1:
        from casegraph.commands.progress import Bar

        with Bar("generating", count) as bar:
            done = [0]

            def tick(written: int) -> None:
                bar.update(written - done[0])
                done[0] = written

            corpus = generate_corpus(out, count, seed, progress=tick)
    else:
        corpus = generate_corpus(out, count, seed)
    click.echo(f"wrote {corpus.reviews} synthetic review(s) to {out / 'reviews'} and ground truth to "
               f"{corpus.ground_truth_path}")
    if texts:
        from casegraph.synthetic.narrative import write_narratives

        written = write_narratives(corpus.review_paths, out / "texts", seed)
        click.echo(f"wrote {len(written) // 3} narrative document(s) (.txt, .pdf, .truth.json) to {out / 'texts'}")


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--version", "version", type=click.Choice(["1", "2"]), default="2", show_default=True,
              help="The format version: review/2, or review/1 for files not yet migrated.")
@handles_errors
def schema(output, version):
    """Print the JSON Schema of the review file format (for editors' completion and checks).

    \b
    Examples:
      casegraph schema -o review.schema.json
      casegraph schema --version 1
    """
    from casegraph.loaders.schema import dumps_schema

    text = dumps_schema(int(version))
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
