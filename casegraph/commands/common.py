"""What every command shares: the store and format options, error handling with meaningful exit
codes, progress bars, and the readers of query text, the property-graph view and Cypher engines."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from casegraph.output import FORMATS

EXIT_INPUT = 1  # some input files had problems (the rest were processed)
EXIT_USAGE = 2  # click's own code for bad options; also a name that names nothing (errors.UnknownName)
EXIT_ERROR = 3  # store, query or other casegraph error

FORMAT_CHOICES = FORMATS  # table, csv, tsv, json, jsonl


def describe_os_error(error: OSError) -> str:
    """What went wrong, whatever the error carries: RocksDB's errors have no errno or file name.

    >>> describe_os_error(FileNotFoundError("IO error: No such file or directory: 000042.sst"))
    'IO error: No such file or directory: 000042.sst'
    >>> describe_os_error(FileNotFoundError(2, "No such file or directory", "x.yaml"))
    'x.yaml: No such file or directory'
    """
    if error.strerror is None:
        return str(error) or type(error).__name__
    return f"{error.filename}: {error.strerror}" if error.filename else error.strerror


def store_option(func):
    return click.option("--store", "store", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Store directory (default: $CASEGRAPH_STORE or your user data directory).")(func)


def format_option(func):
    return click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="table",
                        show_default=True, help="Output format.")(func)


VIEW_OPTIONS = {"--review": "review", "--person": "ego", "--cross-review": "cross-review"}


def view_options(func):
    """--review, --person, --cross-review and --hops: which part of the network a command draws or
    exports (`casegraph.viz.network.select`); read them with `chosen_view`."""
    func = click.option("--hops", type=click.IntRange(0, 10), default=None,
                        help="Steps around the chosen entities (default: 2 for --person, 1 for --cross-review, 0 "
                             "for queries).")(func)
    func = click.option("--cross-review", is_flag=True,
                        help="Only entities recorded in two or more reviews (through accepted links), and what "
                             "lies within --hops steps of them.")(func)
    func = click.option("--person", metavar="IRI|REVIEW/ITEM",
                        help="A person's ego network (the peer map), to --hops steps.")(func)
    return click.option("--review", metavar="REVIEW-ID", help="Only what one review records.")(func)


def raw_option(func):
    return click.option("--raw", is_flag=True,
                        help="Ignore the analysts' accepted links: every record is its own entity.")(func)


def chosen_view(review, person, cross_review, queries: tuple[tuple[str, object], ...] = ()) -> str:
    """The view of `casegraph.viz.network.select` the options choose ("whole" for none; "records"
    for one of the query options given in `queries`, as (option, value)); two at once is a usage error.

    >>> chosen_view(None, "r-1/amy", False), chosen_view(None, None, False)
    ('ego', 'whole')
    """
    chosen = [name for name, value in (("--review", review), ("--person", person), ("--cross-review", cross_review),
                                       *queries) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one view, not {' and '.join(chosen)}")
    return VIEW_OPTIONS.get(chosen[0], "records") if chosen else "whole"


def handles_errors(func):
    """Turn casegraph's own errors into one line on stderr and a meaningful exit code."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from casegraph.errors import CasegraphError, UnknownName

        try:
            return func(*args, **kwargs)
        except CasegraphError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_USAGE if isinstance(error, UnknownName) else EXIT_ERROR)
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            sys.stderr.close()
            sys.exit(0)
        except OSError as error:
            click.echo(f"error: {describe_os_error(error)}", err=True)
            sys.exit(EXIT_ERROR)
    return wrapper



def interactive() -> bool:
    return sys.stderr.isatty()


def progress(files: list[Path], label: str):
    """A progress bar on stderr when there are many files and a terminal to draw it on."""
    if len(files) < 2 or not interactive():
        return None
    from casegraph.commands.progress import Bar

    return Bar(label, len(files))




def neo4j_options(func):
    func = click.option("--database", envvar="NEO4J_DATABASE", default=None,
                        help="Neo4j database (default: $NEO4J_DATABASE, else the server's default).")(func)
    func = click.option("--username", envvar="NEO4J_USERNAME", default=None,
                        help="Neo4j user (default: $NEO4J_USERNAME, else neo4j). The password comes only from "
                             "$NEO4J_PASSWORD.")(func)
    return click.option("--uri", envvar="NEO4J_URI", default=None,
                        help="Neo4j Bolt URI (default: $NEO4J_URI, else bolt://localhost:7687).")(func)




def query_text(query_or_file: str, suffixes: tuple[str, ...] = (".rq", ".sparql")) -> str:
    path = Path(query_or_file)
    if len(query_or_file) < 4096 and "\n" not in query_or_file and path.suffix in suffixes:
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise click.BadParameter(f"cannot read {path}: {error.strerror}") from None
    return query_or_file




def cypher_engine(store: Path | None, on_neo4j: bool, uri, username, database):
    """The embedded engine (with a progress bar while it builds the view), or Neo4j."""
    if on_neo4j:
        from casegraph.graph.cypher.neo4j import Neo4jCypher
        from casegraph.graph.cypher.neo4j import Neo4jSettings

        return Neo4jCypher(Neo4jSettings.from_env(uri, username, None, database))
    from casegraph.graph.cypher.embedded import EmbeddedCypher
    from casegraph.graph.store import default_store_path

    bar = StageBar()
    try:
        return EmbeddedCypher(store or default_store_path(), progress=bar if interactive() else None)
    finally:
        bar.finish()


def read_view(store: Path | None):
    """The property-graph view of every stored review, with a progress bar on a terminal."""
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view_cache import view_of_store

    bar = StageBar()
    try:
        with ReviewStore.open(store) as opened:
            return view_of_store(opened, bar if interactive() else None)
    finally:
        bar.finish()


class StageBar:
    """A progress bar drawn only once a long step reports progress."""

    def __init__(self):
        self.bar = None
        self.stage = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        from casegraph.commands.progress import Bar

        if self.bar is not None and self.stage != stage:
            self.finish()
        if self.bar is None:
            self.bar = Bar(stage, total)
            self.stage, self.done = stage, 0
        self.bar.update(done - self.done)
        self.done = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.finish()
            self.bar = None


