"""`casegraph draft`: a review's coding proposed from its own text, for an analyst to confirm; and
`casegraph draft quality`, how well drafting does against a generated corpus's truth."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from casegraph.commands.common import EXIT_INPUT, format_option, handles_errors


class _DraftGroup(click.Group):
    """`casegraph draft DOCUMENT` drafts; `casegraph draft quality ...` measures."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["document", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DraftGroup)
def draft():
    """Propose a review's coding from its text (PDF, DOCX, HTML or plain text).

    Every proposal is `status: proposed`, with a confidence and evidence quoting the exact
    words at their offsets and page; casegraph load refuses the draft until an analyst has
    confirmed each item (or --accept-proposed). Nothing is sent anywhere: drafting is rules
    over the ontology's labels, on this machine.

    \b
    Examples:
      casegraph draft review.pdf -o child-q.yaml --html child-q.html
      casegraph draft quality --truth corpus/texts
    """


@draft.command("document")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The draft file to write (default: DOCUMENT's name with .draft.yaml); its text is written "
                   "beside it as .txt.")
@click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write an offline page showing the text with every proposal highlighted.")
@click.option("--id", "review_id", default=None, help="The review id (default: from the title).")
@handles_errors
def document(document, out, html, review_id):
    """Draft one DOCUMENT: write the draft and the text its evidence quotes.

    \b
    Examples:
      casegraph draft review.pdf
      casegraph draft review.docx -o drafts/child-q.yaml --html drafts/child-q.html
      casegraph load drafts/child-q.yaml      # refused until every proposal is confirmed
    """
    from casegraph.drafting import draft_document, write_draft
    from casegraph.errors import DocumentError

    out = out or document.with_suffix(".draft.yaml")
    started = time.perf_counter()
    try:
        result = draft_document(document, out)
    except DocumentError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_INPUT)
    if review_id:
        result.data["review"]["id"] = review_id
    written = write_draft(result, out)
    if html:
        from casegraph.viz.draft_page import draft_page

        written.append(draft_page(result.data, result.text, html))
    counts = ", ".join(f"{n} {name}" for name, n in result.counts().items() if n)
    click.echo(f"drafted {document} ({result.pages} page(s)) in {time.perf_counter() - started:.1f} s: "
               f"{result.proposals} proposal(s): {counts}")
    click.echo(f"wrote {', '.join(str(path) for path in written)}; confirm each proposal, then casegraph load {out}")


@draft.command("quality")
@click.option("--truth", "truth_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="A directory of <id>.txt documents with <id>.truth.json (casegraph generate --texts writes one).")
@click.option("--documents", type=click.Choice(["txt", "pdf"]), default="txt", show_default=True,
              help="Draft the plain-text documents, or the PDFs made from them (their text as pdfium reads it: "
                   "lines wrapped, pages joined).")
@format_option
@handles_errors
def quality(truth_dir, documents, fmt):
    """Precision and recall of drafting per field, against a keyword baseline, in one run.

    The figures are split between the families of phrasing drafting was developed on and the
    one kept out of development (held out), which says how it does on wording it was not built
    around.

    \b
    Examples:
      casegraph generate --reviews 40 --texts --out /tmp/corpus
      casegraph draft quality --truth /tmp/corpus/texts
      casegraph draft quality --truth /tmp/corpus/texts --documents pdf
      casegraph draft quality --truth /tmp/corpus/texts --format csv > quality.csv
    """
    from casegraph.drafting import draft_document
    from casegraph.drafting.quality import measure
    from casegraph.output import render

    def drafted(path: Path):
        result = draft_document(path)
        return result.data, result.text

    report = measure(truth_dir, drafted, documents)
    rows = report.table()
    columns = list(rows[0]) if rows else ["field"]
    click.echo(render(columns, [[_shown(row[c]) for c in columns] for row in rows], fmt))
    click.echo(f"{report.documents} document(s) in {report.seconds:.1f} s", err=True)


def _shown(value):
    return round(value, 3) if isinstance(value, float) else value
