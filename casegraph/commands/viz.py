"""`casegraph viz` and `casegraph chart`: pictures of the stored reviews, a thin layer over `casegraph.viz`."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.commands.common import (chosen_view, handles_errors, query_text, raw_option, read_view, store_option,
                                       view_options)
from casegraph.viz.charts import FORMATS, KINDS, MATRIX_GROUPS, MATRIX_REVIEWS
from casegraph.viz.network import MEASURES


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("casegraph-network.html"),
              show_default=True, help="The HTML file to write.")
@view_options
@click.option("--query", "saved", metavar="NAME", help="The records a saved question returns (casegraph query list).")
@click.option("--sparql", metavar="QUERY|FILE.rq", help="The records an ad hoc SPARQL query returns.")
@click.option("--cypher", metavar="QUERY|FILE.cypher",
              help="The records an ad hoc Cypher query returns (embedded engine; return nodes or their iri).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of --query, --sparql or --cypher (repeatable); bound, never pasted in.")
@click.option("--size-by", type=click.Choice(MEASURES), default="degree", show_default=True,
              help="What a node's size shows: relationships, betweenness (sampled on big graphs) or reviews.")
@click.option("--physics/--no-physics", default=None,
              help="Let the browser polish the layout at first (default: only up to 1,000 nodes).")
@click.option("--timeline", is_flag=True,
              help="The escalation timeline of --person or --group instead of a network: one lane per person, "
                   "every review's incidents, responses and closures on one time axis, missed links marked.")
@click.option("--group", metavar="IRI|REVIEW/ITEM", help="--timeline: the peer group (or other group) whose timeline.")
@click.option("--overview/--no-overview", default=None,
              help="Open the whole corpus's page on its reviews, joined by accepted links and undecided candidates "
                   "(default: when there are two or more reviews); the entity network is one click away.")
@raw_option
@click.option("--title", help="The page's title.")
@store_option
@handles_errors
def viz(output, review, person, cross_review, saved, sparql, cypher, params, hops, size_by, physics, timeline, group,
        overview, raw, title, store):
    """Write a network picture of the stored reviews as one HTML file that opens offline.

    The page has every script and style inside it and loads nothing from anywhere (its
    Content-Security-Policy forbids it), so it can be opened from disk, copied to a machine
    without network and kept with the case files. Nodes are coloured and shaped by class (the
    legend), sized by --size-by; a thick border marks an entity recorded in two or more
    reviews. The page filters by review, harm type, years and class, and searches names.
    Positions are computed before the page opens, so 10,000 nodes are usable at once.

    By default it draws every stored review, and the page opens on an overview: each review a
    node sized by the people it records, coloured by year or main harm type, joined by the
    entities accepted links made one (solid) and by undecided candidate matches from the last
    `casegraph link candidates` (dashed). A click on a review or a line opens the entities
    behind it. Choose one view instead with --review, --person, --cross-review, --query,
    --sparql or --cypher.

    A page is kept under the store (as private as it): the same command on an unchanged store
    copies it in a moment instead of drawing it again.

    \b
    Examples:
      casegraph viz -o corpus.html
      casegraph viz --review scr-30-2016 -o scr-30.html
      casegraph viz --person scr-30-2016/child-m --hops 2 -o child-m.html
      casegraph viz --cross-review --size-by reviews -o across.html
      casegraph viz --query adults-linked-to-young-people -o adults.html
      casegraph viz --sparql 'SELECT ?p WHERE { ?p a cg:Peer }' --hops 1 -o peers.html
      casegraph viz --timeline --person link-a-2019/mr-x -o mr-x-timeline.html
      casegraph viz --timeline --group link-a-2019/men -o men-timeline.html
    """
    from casegraph.viz import network_page

    if group and not timeline:
        raise click.UsageError("--group goes with --timeline")
    if timeline:
        if bool(person) == bool(group) or review or cross_review or saved or sparql or cypher:
            raise click.UsageError("--timeline draws one --person or one --group")
        from casegraph.graph.store import ReviewStore
        from casegraph.viz.charts import chart_table
        from casegraph.viz.timeline_page import timeline_page

        with ReviewStore.open(store) as opened:
            table = chart_table(opened, "escalation", person=person, group=group, merged=not raw)
        if title:
            table.title = title
        path = timeline_page(table, output)
        click.echo(f"wrote {path}: {table.title}, {len(table.rows)} event(s) on {len(table.lanes)} lane(s); open it "
                   "in a browser, no network needed", err=True)
        return

    show = chosen_view(review, person, cross_review, (("--query", saved), ("--sparql", sparql), ("--cypher", cypher)))
    if params and not (saved or sparql or cypher):
        raise click.UsageError("--param goes with --query, --sparql or --cypher")
    records = _query_records(store, saved, sparql, cypher, params) if show == "records" else ()
    if overview is not None and show != "whole":
        raise click.UsageError("--overview and --no-overview go with the whole corpus's page (no --review, "
                               "--person, --cross-review or query)")
    from casegraph.graph.store import default_store_path
    from casegraph.viz.page_cache import cached_page, keep_page, page_key

    options = {"show": show, "review": review, "person": person, "hops": hops, "size_by": size_by, "raw": raw,
               "title": title, "physics": physics, "overview": overview}
    store_path = store or default_store_path()
    key = page_key(store_path, options) if show != "records" else None
    kept = cached_page(store_path, key, output)
    if kept is not None:
        page, notes = kept
        for note in notes:
            click.echo(note, err=True)
    else:
        from casegraph.memory import command_without_collection

        with command_without_collection():
            view = read_view(store)
            notes = []
            candidates, threshold = (_undecided_candidates(store, notes) if show == "whole" and overview is not False
                                     else ((), None))
            page = network_page(view, output, show=show, review=review, person=person, records=records, hops=hops,
                                size_by=size_by, merged=not raw, title=title, physics=physics, overview=overview,
                                candidates=candidates, threshold=threshold)
            keep_page(store_path, key, page, notes)
    click.echo(f"wrote {page.path}: {page.nodes} entities, {page.edges} relationships ({page.description}); "
               f"open it in a browser, no network needed", err=True)


def _undecided_candidates(store, notes: list[str]) -> tuple[list, float | None]:
    """The cached undecided candidates for the overview, or none (with a hint, also added to `notes`)
    if not computed."""
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.candidate_cache import cached_proposals

    with ReviewStore.open(store) as opened:
        cached = cached_proposals(opened)
    if cached is None:
        notes.append("note: no candidate matches are drawn: run `casegraph link candidates` to compute them")
        click.echo(notes[-1], err=True)
        return [], None
    return cached


def _query_records(store, saved, sparql, cypher, params) -> list[str]:
    """The IRIs a query's rows hold (SPARQL IRIs, Cypher nodes or their `iri`)."""
    from casegraph.queries import parse_param_values
    from casegraph.viz.network import iris_in

    values = parse_param_values(list(params))
    if cypher:
        from casegraph.commands.common import cypher_engine
        from casegraph.queries.cypher import run_cypher

        with cypher_engine(store, False, None, None, None) as engine:
            result = run_cypher(engine, query_text(cypher, (".cypher", ".cql")), values)
        return iris_in(result.rows)
    from casegraph.graph.store import ReviewStore
    from casegraph.queries import saved_query
    from casegraph.queries.sparql import run_sparql

    question = saved_query(saved) if saved else None
    with ReviewStore.open(store) as opened:
        result = run_sparql(opened, question.text if question else query_text(sparql), values, saved=question)
    return iris_in(result.rows)


@click.command()
@click.argument("kind", type=click.Choice(KINDS), metavar="KIND")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write (default: KIND.png, or KIND.svg with --format svg).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="png or svg (default: from the output file's suffix, else png).")
@click.option("--person", metavar="IRI|REVIEW/ITEM", help="timeline, escalation: whose timeline.")
@click.option("--group", metavar="IRI|REVIEW/ITEM", help="escalation: the peer group (or other group) whose timeline.")
@click.option("--raw", is_flag=True, help="timeline: ignore the analysts' accepted links.")
@click.option("--by", type=click.Choice(MATRIX_GROUPS), default="auto", show_default=True,
              help="framework-matrix: one row per review, year or area (auto: by review up to "
                   f"{MATRIX_REVIEWS} reviews, else by year).")
@click.option("--top", type=click.IntRange(1), default=None,
              help="framework-matrix: only the N reviews with most items coded (implies --by review).")
@click.option("--table", "table_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the chart's whole table as CSV (every review, however the chart groups them).")
@store_option
@handles_errors
def chart(kind, output, fmt, person, group, raw, by, top, table_path, store):
    """Draw a chart of the stored reviews as PNG or SVG.

    \b
    KIND is one of:
      reviews-per-year  reviews by year of publication (the study's Figure 1)
      harm-types        reviews and incidents per harm type (the study's Table 3)
      framework-matrix  reviews x coding-framework nodes, items coded in each
      timeline          a person's incidents and professional responses (--person)
      escalation        one lane per person around a young person (--person) or group (--group):
                        every review's incidents, responses and closures; missed links dashed

    \b
    Examples:
      casegraph chart reviews-per-year
      casegraph chart harm-types -o harm.svg
      casegraph chart framework-matrix --format svg
      casegraph chart framework-matrix --by year --table framework.csv
      casegraph chart framework-matrix --top 30
      casegraph chart timeline --person scr-49-2013/christine -o christine.png
      casegraph chart escalation --group link-a-2019/men -o men.svg
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.viz.charts import chart_table, draw

    if person and kind not in ("timeline", "escalation"):
        raise click.UsageError("--person goes with the timeline and escalation charts")
    if group and kind != "escalation":
        raise click.UsageError("--group goes with the escalation chart")
    output = output or Path(f"{kind}.{fmt or 'png'}")
    if (by != "auto" or top) and kind != "framework-matrix":
        raise click.UsageError("--by and --top go with the framework-matrix chart")
    with ReviewStore.open(store) as opened:
        table = chart_table(opened, kind, person=person, group=group, merged=not raw, by="review" if top else by,
                            top=top)
        whole = chart_table(opened, kind, person=person, group=group, merged=not raw, by="review") if table_path \
            else table
    if table_path:
        from casegraph.output import render

        table_path.write_text(render(whole.columns, whole.rows, "csv"), encoding="utf-8")
        click.echo(f"wrote {table_path}: {len(whole.rows)} row(s)", err=True)
    path = draw(table, output, fmt)
    click.echo(f"wrote {path}: {table.title}, {len(table.rows)} row(s)", err=True)
