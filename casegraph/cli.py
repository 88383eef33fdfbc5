"""The `casegraph` command: the command groups of `casegraph.commands`, assembled. No logic lives
here; each command parses its options, calls one library function and prints the result."""
from __future__ import annotations

import click

from casegraph.commands import (backup, codes, draft, link, link_clusters, link_explain, migrate, patterns, push, qdpx,
                                query, reviews, serve, viz)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="casegraph")
def main():
    """casegraph: serious case reviews of extra-familial harm as one queryable graph.

    \b
    Typical session:
      casegraph validate examples/reviews
      casegraph load examples/reviews
      casegraph list
      casegraph stats
      casegraph export --format trig > reviews.trig

    Exit codes: 0 success; 1 some input files had problems (the others were processed);
    2 bad command-line usage, or a name (review, saved question, candidate) that names nothing; 3 store or
    other error.
    """


for command in (reviews.load, reviews.validate, reviews.list_reviews, reviews.show, reviews.remove, reviews.compact, reviews.stats,
                reviews.export, reviews.generate, reviews.schema, migrate.migrate, codes.codes, query.query, link.link, patterns.patterns,
                viz.viz, viz.chart, push.push, serve.serve, backup.backup, backup.restore, qdpx.qdpx,
                qdpx.import_group, draft.draft):
    main.add_command(command)
link.link.add_command(link_explain.explain)
link_clusters.register_cluster_commands(link.link)


if __name__ == "__main__":
    main()
