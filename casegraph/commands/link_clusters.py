"""`casegraph link clusters`, `accept-cluster`, `split`, `undo-cluster` and `check`: possible
entities (clusters of candidate matches) decided whole, undone whole, and contradictions found.

A thin layer over `casegraph.linking.clusters` and `casegraph.linking.cluster_decisions`;
`register_cluster_commands` adds the commands to the `link` group (casegraph/commands/link.py).
"""
from __future__ import annotations

import click

from casegraph.commands.common import format_option, handles_errors, store_option
from casegraph.linking.settings import DEFAULT_THRESHOLD
from casegraph.ontology import short_id

_THRESHOLD_HELP = (f"Lowest candidate score joining records (default: {DEFAULT_THRESHOLD}, the matcher's); give the "
                   "same as `link clusters` did, since cluster ids depend on it.")


def _threshold(func):
    return click.option("--threshold", type=click.FloatRange(0, 1), default=None, help=_THRESHOLD_HELP)(func)


def _who(func):
    func = click.option("--analyst", envvar="CASEGRAPH_ANALYST", default=None,
                        help="Who decides (default: $CASEGRAPH_ANALYST, else your user name).")(func)
    return click.option("--note", default="", show_default=True, help="Why: kept with the batch and each decision.")(func)


def _force(func):
    return click.option("--force", is_flag=True,
                        help="Record it even if it contradicts decisions in force (see casegraph link check); "
                             "default: refuse.")(func)


@click.command("clusters")
@store_option
@_threshold
@click.option("--all", "everything", is_flag=True, help="Accepted clusters too (default: only those left to decide).")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many, biggest first (default: all).")
@click.option("--refresh", is_flag=True, help="Compute the candidates again even if the cached ones are up to date.")
@format_option
@handles_errors
def clusters(store, threshold, everything, limit, refresh, fmt):
    """List possible entities: clusters of records the candidate matches join, biggest first.

    A cluster is a connected group of candidate pairs at the threshold and accepted pairs, split
    where a rejected pair says two of its records are not one (the weakest pairs between them are
    cut) and where a weak bridge joins two groups (see casegraph.linking.clusters). `weakest` is
    the pair the cluster hangs on; status is undecided, partial, accepted or contradiction.
    --format json gives every record, pair and cut pair.

    \b
    Examples:
      casegraph link clusters
      casegraph link clusters --threshold 0.8 --limit 20
      casegraph link clusters --all --format json > clusters.json
      casegraph link accept-cluster k3f9a01c2d4
    """
    import dataclasses

    from casegraph.graph.store import ReviewStore
    from casegraph.linking.clusters import clusters as find_clusters
    from casegraph.output import is_structured, render, render_records

    with ReviewStore.open(store) as opened:
        found = find_clusters(opened, threshold, refresh=refresh)
    chosen = [c for c in found if everything or not c.decided][:limit]
    if is_structured(fmt):
        click.echo(render_records([{**dataclasses.asdict(c), "size": c.size, "reviews": list(c.reviews)}
                                   for c in chosen], fmt))
        return
    rows = [[c.id, c.size, ", ".join(c.reviews), " ".join(short_id(i) for i in c.iris),
             c.weakest.candidate_id if c.weakest else None,
             round(c.weakest.score, 3) if c.weakest and c.weakest.score is not None else None, c.status]
            for c in chosen]
    click.echo(render(["id", "size", "reviews", "records", "weakest", "weakest score", "status"], rows, fmt))


def _describe(change) -> str:
    batch = change.batch
    verb = {"accept-cluster": "accepted", "split": "split", "undo": "undid"}[batch.action]
    head = {"accept-cluster": f"accepted cluster {batch.cluster_id}", "split": f"split cluster {batch.cluster_id}",
            "undo": f"undid batch {batch.undoes.rsplit('/', 1)[-1] if batch.undoes else ''} on {batch.cluster_id}"}
    lines = [f"{head[batch.action]} in batch {batch.id}, by {batch.analyst}: {len(change.changes)} pair decision(s)"]
    for item in change.changes:
        d = item.decision
        link = "; linked" if item.link_added else "; link removed" if item.link_removed else ""
        lines.append(f"  {d.verdict:<8} {d.candidate_id}  {short_id(d.left)} and {short_id(d.right)}{link}")
    if verb != "undid":
        lines.append(f"undo all of it with: casegraph link undo-cluster {batch.id}")
    return "\n".join(lines)


@click.command("accept-cluster")
@click.argument("cluster_id", metavar="ID")
@store_option
@click.option("--except", "except_records", multiple=True, metavar="RECORD",
              help="Leave this record out (repeatable): review-id/item-id as `link clusters` shows it, or its IRI. "
                   "Its pairs stay undecided. Default: none.")
@_threshold
@_force
@_who
@handles_errors
def accept_cluster(cluster_id, store, except_records, threshold, force, analyst, note):
    """Accept a cluster: all its records (but --except ones) are one entity.

    Every undecided candidate pair inside is accepted, each as its own decision with its score,
    all in one batch that `undo-cluster` undoes in one step. Refused, changing nothing, if it
    would contradict a rejection in force (unless --force).

    \b
    Examples:
      casegraph link accept-cluster k3f9a01c2d4 --note "same alias, car and address"
      casegraph link accept-cluster k3f9a01c2d4 --except link-c-2021/adult-x
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.cluster_decisions import accept_cluster as accept

    with ReviewStore.open(store, write=True) as opened:
        change = accept(opened, cluster_id, except_records=except_records, analyst=analyst, note=note,
                        threshold=threshold, force=force)
    click.echo(_describe(change))


@click.command("split")
@click.argument("cluster_id", metavar="ID")
@store_option
@click.option("--part", "parts", multiple=True, required=True, metavar="RECORD,RECORD",
              help="The records of one part, comma-separated (repeatable). One --part: that part against the rest "
                   "of the cluster; more: records in no part are left alone.")
@_threshold
@_force
@_who
@handles_errors
def split(cluster_id, store, parts, threshold, force, analyst, note):
    """Split a cluster: reject every candidate pair inside it that joins two parts.

    The rejections are one batch, undone in one step by `undo-cluster`. The parts then list as
    clusters of their own (`casegraph link clusters`), to accept or split further.

    \b
    Examples:
      casegraph link split k3f9a01c2d4 --part link-b-2020/cara
      casegraph link split k3f9a01c2d4 --part link-a-2019/mr-x,link-b-2020/mr-ex --part link-c-2021/adult-x
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.cluster_decisions import split as split_cluster

    named = [[name.strip() for name in part.split(",") if name.strip()] for part in parts]
    with ReviewStore.open(store, write=True) as opened:
        change = split_cluster(opened, cluster_id, named, analyst=analyst, note=note, threshold=threshold, force=force)
    click.echo(_describe(change))


@click.command("undo-cluster")
@click.argument("batch_id", metavar="BATCH|ID")
@store_option
@_who
@handles_errors
def undo_cluster(batch_id, store, analyst, note):
    """Undo a batch (an accept-cluster or a split) in one step, restoring the decisions and links
    before it; given a cluster id, its latest batch not yet undone. The undo is recorded too.

    Refused if a pair of the batch was decided again since: undo that decision first.

    \b
    Examples:
      casegraph link undo-cluster b7e21c0a9f3 --note "accepted the wrong cluster"
      casegraph link undo-cluster k3f9a01c2d4
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.cluster_decisions import undo_batch

    with ReviewStore.open(store, write=True) as opened:
        change = undo_batch(opened, batch_id, analyst=analyst, note=note)
    click.echo(_describe(change))


@click.command("check")
@store_option
@format_option
@handles_errors
def check(store, fmt):
    """List decisions that contradict each other; exit 1 if there are any.

    A contradiction is a rejected pair whose two records accepted pairs join (accepted A=B and
    B=C make A=C, but A=C is rejected). Undo one of the decisions to resolve it.

    \b
    Examples:
      casegraph link check
      casegraph link check --format json
    """
    import sys

    from casegraph.graph.store import ReviewStore
    from casegraph.linking.cluster_decisions import check as find_contradictions
    from casegraph.output import is_structured, render

    with ReviewStore.open(store) as opened:
        found = find_contradictions(opened)
    show = (lambda iri: iri) if is_structured(fmt) else short_id
    rows = [[c.rejected.candidate_id, show(c.rejected.left), show(c.rejected.right), c.rejected.analyst,
             c.rejected.when if not is_structured(fmt) else c.rejected.time, " ".join(d.candidate_id for d in c.path)]
            for c in found]
    click.echo(render(["rejected", "left", "right", "rejected by", "time", "accepted"], rows, fmt))
    if found:
        if fmt == "table":
            click.echo(f"{len(found)} contradiction(s): undo the rejection or one of the acceptances", err=True)
        sys.exit(1)


def register_cluster_commands(group) -> None:
    """Add these commands to the `link` group."""
    for command in (clusters, accept_cluster, split, undo_cluster, check):
        group.add_command(command)
