"""`casegraph migrate`: rewrite review/1 files as review/2, comments and layout kept."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from casegraph.commands.common import EXIT_INPUT, handles_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Only say which files would change; write nothing (exit 1 if any).")
@handles_errors
def migrate(paths, check):
    """Rewrite review/1 files (YAML or JSON) as review/2, in place.

    Only the format marker changes, on its own line, so comments and layout stay as they were;
    each file is checked before and after, and written whole or not at all. A file with problems
    is reported and left alone (fix it with `casegraph validate`); files already review/2 are
    skipped. Directories are searched for review files.

    \b
    Examples:
      casegraph migrate examples/reviews
      casegraph migrate --check my-review.yaml
    """
    from casegraph.errors import ReviewFileError
    from casegraph.loaders import review_paths
    from casegraph.loaders.migrate import migrate_file, migrate_text
    from casegraph.loaders.yaml_reader import decode_text, read_bytes

    files = [p for p in review_paths(paths) if p.suffix.lower() in (".yaml", ".yml", ".json")]
    if not files:
        raise click.UsageError(f"no YAML or JSON review files in {', '.join(map(str, paths))}: only they have "
                               "a format version (RDF review files need no migration)")
    changed, failed = [], []
    for path in files:
        try:
            if check:
                would = migrate_text(decode_text(path, read_bytes(path)), path) is not None
            else:
                would = migrate_file(path)
        except ReviewFileError as error:
            click.echo(str(error), err=True)
            failed.append(path)
            continue
        if would:
            changed.append(path)
            click.echo(f"{'would migrate' if check else 'migrated'} {path}")
    verb = "would migrate" if check else "migrated"
    click.echo(f"{verb} {len(changed)} file(s); {len(files) - len(changed) - len(failed)} already review/2"
               + (f"; {len(failed)} with problems left alone" if failed else ""), err=bool(failed))
    sys.exit(EXIT_INPUT if failed or (check and changed) else 0)
