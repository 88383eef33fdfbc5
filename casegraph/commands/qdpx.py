"""`casegraph qdpx`: REFI-QDA projects (NVivo, ATLAS.ti, MAXQDA), read safely; what is in one and
what its codes stand for in casegraph, before anything is stored."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from casegraph.commands.common import EXIT_INPUT, format_option, handles_errors, store_option


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


def _read(project_path: Path, mapping_path: Path | None):
    from casegraph.loaders.qda.mapping import map_codes, read_mapping
    from casegraph.loaders.qda.reader import read_project

    project = read_project(project_path)
    return project, map_codes(project, read_mapping(mapping_path) if mapping_path else None)


@click.group("import")
def import_group():
    """Bring coding from other tools into casegraph.

    \b
    Examples:
      casegraph import qdpx project.qdpx --out reviews/     # review files to read, edit and load
      casegraph import qdpx project.qdpx                    # straight into the store
    """


@import_group.command("qdpx")
@click.argument("project_path", metavar="PROJECT.qdpx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A YAML mapping of project codes to casegraph codes (default: codes map by their names).")
@click.option("--review-per", "per", type=click.Choice(["source", "case"]), default="source", show_default=True,
              help="One review per source document, or per case that is a review (its sources its documents).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write review/2 files (and each document's text) into this directory instead of storing.")
@click.option("--show-mapping", is_flag=True, help="Only show what each code would map to; nothing is stored.")
@store_option
@format_option
@handles_errors
def import_qdpx(project_path, mapping_path, per, out, show_mapping, store, fmt):
    """Import a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA) as reviews.

    Each source document becomes a review (or, with --review-per case, each case that is a
    review does), holding the project's whole codebook, the document's text and every coded
    selection as an excerpt at its offsets, with who coded it and when. A code stands for a
    casegraph code (a framework node, harm type, context type, response kind or person role) by
    its name, or as the --mapping file says; the rest are kept as the project's own codes.
    Cases with a Role variable become people (Gender, Age kept); other cases describe the
    reviews of their sources (Year, Review type, Area). Every review is checked first: if any
    has a problem nothing is stored (exit 1). Importing the project again replaces what the
    first import stored, exactly.

    \b
    Examples:
      casegraph import qdpx efh-reviews.qdpx --show-mapping
      casegraph import qdpx efh-reviews.qdpx --out reviews/ && casegraph load reviews/
      casegraph import qdpx efh-reviews.qdpx --mapping codes.yaml --review-per case
    """
    from casegraph.graph.qda_import import ImportFailed, import_project, prepare
    from casegraph.loaders.qda import QdaError
    from casegraph.loaders.qda.mapping import mapping_rows
    from casegraph.loaders.qda.project_reviews import project_reviews
    from casegraph.loaders.qda.review_files import write_review_files
    from casegraph.output import render

    try:
        project, mapping = _read(project_path, mapping_path)
        if show_mapping:
            click.echo(render(["code", "casegraph", "how"], mapping_rows(project, mapping), fmt))
            return
        reviews = project_reviews(project, mapping, per)
        if not reviews:
            click.echo(f"{project_path}: the project has no source documents, so it holds no reviews; nothing "
                       f"stored. Its {len(project.codes)} code(s): casegraph import qdpx --show-mapping", err=True)
            return
        if out is not None:
            prepare(reviews, project_path)  # every review checked before any file is written
            paths = write_review_files(reviews, out, project.name)
            click.echo(f"wrote {len(paths)} review file(s) to {out}; check them, then: casegraph load {out}", err=True)
            notes = {review.review_id: review.notes for review in reviews if review.notes}
        else:
            result = import_project(reviews, project_path, project.name, store)
            click.echo(f"stored {len(result.stored)} review(s) of project {project.name!r} with {result.excerpts} "
                       f"coded excerpt(s)" + (f"; removed {len(result.removed)} it no longer has: "
                                              f"{', '.join(result.removed)}" if result.removed else ""), err=True)
            notes = result.notes
    except (ImportFailed, QdaError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_INPUT)
    for review_id, said in notes.items():
        for note in said:
            click.echo(f"note: {review_id}: {note}", err=True)


@click.command("qdpx")
@click.argument("output", metavar="OUT.qdpx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--review", "reviews", multiple=True, help="Only this review (repeatable; default: every review).")
@click.pass_context
@handles_errors
def export_qdpx(ctx, output, reviews):
    """Write reviews as a REFI-QDA project (.qdpx) that NVivo, ATLAS.ti and MAXQDA open.

    Imported reviews go back with their documents' text, every coded excerpt at its offsets (who
    coded it, when) and the project's codebook; people (and the reviews' own cases) as cases
    with their variables. Reviews written by hand bring their people as cases and casegraph's
    code lists as the codebook, ready to code their text with. The project is checked against
    the REFI-QDA schema before it is written.

    \b
    Examples:
      casegraph export qdpx coded.qdpx
      casegraph export qdpx one-review.qdpx --review scr-30-2016
    """
    from casegraph.exchange.qdpx_export import export_qdpx as write
    from casegraph.graph.store import ReviewStore

    chosen = list(reviews) or (ctx.obj or {}).get("reviews")
    with ReviewStore.open((ctx.obj or {}).get("store")) as opened:
        project = write(opened, output, chosen)
    click.echo(f"wrote {output}: {len(project.sources)} source(s), {project.selection_count()} coded selection(s), "
               f"{len(project.codes)} code(s), {len(project.cases)} case(s)", err=True)
