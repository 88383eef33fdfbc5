"""`casegraph patterns KIND`: pattern reports across reviews, a thin layer over `casegraph.analysis.patterns`."""
from __future__ import annotations

import click

from casegraph.commands.common import read_view, format_option, handles_errors, store_option
from casegraph.ontology import short_id
from casegraph.analysis.patterns import KINDS, MEASURES


@click.command()
@click.argument("kind", type=click.Choice(KINDS), metavar="KIND")
@click.option("--person", "people", multiple=True, metavar="IRI|REVIEW/ITEM",
              help="A person to report on (repeatable): one for timeline, two or more for connections; "
                   "a record IRI or review-id/item-id.")
@click.option("--measure", type=click.Choice(MEASURES), default="degree", show_default=True,
              help="central: rank by degree (people tied to) or betweenness (brokerage).")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="central: at most this many people; connections: at most this many shortest paths per "
                   "pair (default 10).")
@click.option("--raw", is_flag=True,
              help="Ignore the analysts' accepted links: every record is its own entity.")
@format_option
@store_option
@handles_errors
def patterns(kind, people, measure, limit, raw, fmt, store):
    """Pattern reports across reviews: the links single reviews miss.

    \b
    KIND is one of:
      adults-linked  adults who harmed two or more young people
      peer-groups    communities in the network of young people and peers
      shared-places  places and online platforms with incidents from two or more reviews
      connections    shortest paths between the chosen people (--person, two or more)
      timeline       a person's incidents and professional responses (--person, one)
      missed-links   incidents sharing a person, group or place, in different reviews
                     or responded to separately
      central        the most connected people (--measure degree|betweenness, --limit)

    Records an analyst linked (casegraph link accept) count as one entity, named by the
    smallest record IRI among them; --raw shows the graph without those links. The exact
    definitions are in the documentation of casegraph.analysis.patterns.

    \b
    Examples:
      casegraph patterns adults-linked
      casegraph patterns timeline --person scr-30-2016/child-m
      casegraph patterns connections --person scr-26-2016/girl-1 --person scr-26-2016/girl-2
      casegraph patterns central --measure betweenness --limit 5 --format csv
      casegraph patterns missed-links --raw --format json
    """
    from casegraph.analysis.patterns import run_report
    from casegraph.output import is_structured, render

    report = run_report(read_view(store), kind, people=list(people), measure=measure, limit=limit, merged=not raw)
    rows = report.rows if is_structured(fmt) else [[_cell(v, fmt == "table") for v in row] for row in report.rows]
    click.echo(render(report.columns, rows, fmt))


def _cell(value: object, compact: bool) -> object:
    """A table or CSV cell: lists joined with "; ", record IRIs as review-id/item-id in tables."""
    if isinstance(value, list):
        return "; ".join(str(_cell(v, compact)) for v in value)
    if compact and isinstance(value, str):
        return short_id(value)
    return value
