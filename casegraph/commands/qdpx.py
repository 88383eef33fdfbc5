"""`casegraph qdpx`: REFI-QDA projects (NVivo, ATLAS.ti, MAXQDA), read safely; what is in one and
what its codes stand for in casegraph, before anything is stored."""
from __future__ import annotations

from pathlib import Path

import click

from casegraph.commands.common import format_option, handles_errors


@click.group()
def qdpx():
    """REFI-QDA projects (.qdpx) from NVivo, ATLAS.ti or MAXQDA.

    \b
    Examples:
      casegraph qdpx show project.qdpx
      casegraph qdpx show project.qdpx --mapping my-codes.yaml --format csv
    """


@qdpx.command("show")
@click.argument("project_path", metavar="PROJECT.qdpx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A YAML mapping of project codes to casegraph codes (default: none; codes map by name to the "
                   "framework, harm types, context types, response kinds and person roles).")
@format_option
@handles_errors
def show(project_path, mapping_path, fmt):
    """Show what a project holds and what each of its codes would map to; nothing is stored.

    The archive and its XML are read as untrusted input (no paths outside it, no entities, no
    zip bombs) and checked against the REFI-QDA schema. One row per code: its path in the
    codebook, the casegraph code it stands for and why, or why none (unmapped codes are kept,
    never dropped). A summary of users, sources, selections and cases goes to standard error.

    \b
    Examples:
      casegraph qdpx show project.qdpx
      casegraph qdpx show project.qdpx --mapping my-codes.yaml
      casegraph qdpx show project.qdpx --format json > mapping.json
    """
    from casegraph.loaders.qda.mapping import map_codes, mapping_rows, read_mapping
    from casegraph.loaders.qda.reader import read_project
    from casegraph.output import render

    project = read_project(project_path)
    mapping = map_codes(project, read_mapping(mapping_path) if mapping_path else None)
    click.echo(render(["code", "casegraph", "how"], mapping_rows(project, mapping), fmt))
    click.echo(f"{project.name} ({project.origin or 'unknown software'}): {len(project.users)} user(s), "
               f"{len(project.codes)} code(s) of which {len(mapping.targets)} map, {len(project.sources)} source(s), "
               f"{project.selection_count()} coded selection(s), {len(project.cases)} case(s)", err=True)
