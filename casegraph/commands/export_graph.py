"""`casegraph export graphml|gexf|csv`: the network `casegraph viz` draws, as files for Gephi and
other graph tools; a thin layer over `casegraph.viz.network` and `casegraph.exchange.gephi`."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.commands.common import chosen_view, handles_errors, raw_option, read_view, view_options


def _selected_flat_graph(ctx, review, person, cross_review, hops, raw):
    """The flat graph of the view the options choose, from the reviews `export --review` keeps (all by default)."""
    from casegraph.exchange.gephi import flat_graph
    from casegraph.viz.network import picture_graph, select

    show = chosen_view(review, person, cross_review)
    reviews = ctx.obj["reviews"]
    if reviews:
        from casegraph.graph.store import ReviewStore
        from casegraph.graph.view_cache import view_of_store

        with ReviewStore.open(ctx.obj["store"]) as opened:
            view = view_of_store(opened, reviews=reviews)
    else:
        view = read_view(ctx.obj["store"])
    picture = picture_graph(view, merged=not raw)
    return flat_graph(select(picture, show, review=review, person=person, hops=hops))


def _report(flat, where) -> None:
    click.echo(f"wrote {where}: {flat.number_of_nodes()} entities, {flat.number_of_edges()} relationships", err=True)


EXAMPLES = """
    \b
    Examples:
      casegraph export {name} corpus.{suffix}
      casegraph export {name} --person scr-30-2016/child-m --hops 2 child-m.{suffix}
      casegraph export {name} --cross-review across.{suffix}
      casegraph export --review scr-30-2016 {name} --raw scr-30.{suffix}  (one review, links ignored)
"""
ABOUT = """
    Nodes are entities (records an analyst linked are one), with the attributes Gephi filters and
    colours on: label, class, family, colour, reviews, review_count, first_year, last_year,
    harm_types, records and degree; edges carry relationship, reviews and review_count. Choose
    the part of the network as `casegraph viz` does (--review, --person, --cross-review,
    --hops); `export --review` before the format instead reads only those reviews.
"""


def _file_command(name: str, suffix: str, what: str, write):
    @click.command(name, help=f"Write the network {what}.\n{ABOUT}{EXAMPLES.format(name=name, suffix=suffix)}")
    @click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
    @view_options
    @raw_option
    @click.pass_context
    @handles_errors
    def command(ctx, output, review, person, cross_review, hops, raw):
        flat = _selected_flat_graph(ctx, review, person, cross_review, hops, raw)
        _report(flat, write(flat, output))

    return command


def _write_gexf(flat, output):
    from casegraph.exchange.gephi import write_gexf

    return write_gexf(flat, output, description="casegraph entity network")


def _write_graphml(flat, output):
    from casegraph.exchange.gephi import write_graphml

    return write_graphml(flat, output)


graphml = _file_command("graphml", "graphml", "as one GraphML file (Gephi, yEd, Cytoscape, networkx)", _write_graphml)
gexf = _file_command("gexf", "gexf", "as one GEXF 1.3 file, Gephi's own format (node colours from the legend)",
                     _write_gexf)


@click.command("csv", help="Write the network as nodes.csv and edges.csv in DIRECTORY, each with its header "
                           "(for Gephi's spreadsheet import: nodes by id, edges by source and target).\n"
                           + ABOUT + EXAMPLES.format(name="csv", suffix="csv").replace(".csv", "/"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@view_options
@raw_option
@click.pass_context
@handles_errors
def csv_tables(ctx, directory, review, person, cross_review, hops, raw):
    from casegraph.exchange.gephi import write_csv

    flat = _selected_flat_graph(ctx, review, person, cross_review, hops, raw)
    nodes, edges = write_csv(flat, directory)
    _report(flat, f"{nodes} and {edges}")
