"""`casegraph link explain A B`: the matcher's reasoning for any two records, proposed or not.

Registered on the `link` group by `casegraph.cli`."""
from __future__ import annotations

import dataclasses
import json

import click

from casegraph.commands.common import FORMAT_CHOICES, handles_errors, store_option
from casegraph.commands.link import render_card
from casegraph.linking.settings import DEFAULT_THRESHOLD


@click.command("explain")
@click.argument("one", metavar="RECORD")
@click.argument("other", metavar="RECORD")
@store_option
@click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD, show_default=True,
              help="The score a pair needs to be proposed.")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="table", show_default=True,
              help="table: the card with its blocking rules; json, jsonl: all of it as data; csv, tsv: the "
                   "comparisons, one row each.")
@handles_errors
def explain(one, other, store, threshold, fmt):
    """Explain why two records are, or are not, a candidate: "are these the same child?"

    RECORD is review-id/item-id (or a full IRI). The card shows both records side by side, every
    comparison and its weight (as `link show` does), the prior, where each value came from, and
    each blocking rule: whether it would bring the two together, and if not, why. Works for any
    two people, groups or places, whether or not the matcher proposed them.

    \b
    Examples:
      casegraph link explain scr-12-2018/child-q cspr-3-2021/child-q
      casegraph link explain scr-49-2013/christine scr-30-2016/child-m --format json
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.cards import explain_card
    from casegraph.output import render, render_records

    with ReviewStore.open(store) as opened:
        card, found = explain_card(opened, one, other, threshold=threshold)
    if fmt in ("json", "jsonl"):
        data = {**dataclasses.asdict(found), "proposed": found.proposed, "verdict": found.verdict(),
                "left_record": dataclasses.asdict(card.left), "right_record": dataclasses.asdict(card.right)}
        click.echo(render_records([data], fmt) if fmt == "jsonl" else json.dumps(data, indent=2, ensure_ascii=False))
        return
    if fmt != "table":
        prior = [] if found.prior_weight is None else [["prior", "", round(found.prior_weight, 3), ""]]
        click.echo(render(["attribute", "outcome", "weight", "detail"],
                          prior + [[c.attribute, c.outcome, round(c.weight, 3), c.detail] for c in found.comparisons],
                          fmt))
        return
    click.echo(render_card(card))
    if found.blocking:
        click.echo("\nblocking (which rules would compare them):")
        click.echo(render(["rule", "together", "shared keys", "why"],
                          [[b.rule, "yes" if b.brings_together else "no", "; ".join(b.shared[:3]), b.why]
                           for b in found.blocking]))
    click.echo(f"\n{found.verdict()}")
