"""`casegraph backup` and `casegraph restore`: a whole store, the analysts' decisions included, in
one file and back. A thin layer over `casegraph.graph.backup`."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.commands.common import handles_errors, store_option

_FORMAT = click.option("--format", "fmt", type=click.Choice(["trig", "nquads"]), default=None,
                       help="TriG or N-Quads (default: from the file name, .nq for N-Quads, else TriG).")


def _describe(summary) -> str:
    from casegraph.graph.store import LINKS_GRAPH
    from casegraph.linking.decisions import DECISIONS_GRAPH

    return (f"{len(summary.reviews)} review(s), {summary.quads_in(LINKS_GRAPH)} link(s), "
            f"{summary.quads_in(DECISIONS_GRAPH)} decision triple(s)")


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@store_option
@_FORMAT
@handles_errors
def backup(out, store, fmt):
    """Write the whole store to one file: every review, the analysts' links and their decisions
    with the whole history, and each review's catalog entry (source, load time, digest).

    The ontology is not included: every store rebuilds it from the installed casegraph. Restore
    the file with `casegraph restore`.

    \b
    Examples:
      casegraph backup work-2025-03-01.trig
      casegraph backup work.nq --store /data/casegraph
    """
    from casegraph.graph.backup import backup as write_backup
    from casegraph.graph.store import ReviewStore

    with ReviewStore.open(store) as opened:
        summary = write_backup(opened, out, fmt)
    click.echo(f"backed up {_describe(summary)} to {out} ({summary.format_name})", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@_FORMAT
@handles_errors
def restore(file, store, fmt):
    """Restore a backup written by `casegraph backup` into an empty store.

    The whole file is checked first: a file cut short, damaged or not a casegraph backup changes
    nothing. A store that already holds reviews, links or decisions is refused, so a backup never
    overwrites anyone's work: restore into a new directory, or move the old store aside first.

    \b
    Examples:
      casegraph restore work-2025-03-01.trig --store ~/casegraph-restored
    """
    from casegraph.graph.backup import restore as restore_backup
    from casegraph.graph.store import default_store_path

    summary = restore_backup(store or default_store_path(), file, fmt)
    click.echo(f"restored {_describe(summary)} from {file}", err=True)
