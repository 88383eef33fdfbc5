"""The hand-written review format: YAML or JSON, `casegraph: review/1`."""
from __future__ import annotations

import re
from pathlib import Path

from casegraph.errors import Problem, ReviewFileError
from casegraph.loaders.base import Loader, ReviewGraph
from casegraph.loaders.checks import check_review_data
from casegraph.loaders.coding_checks import proposed_items, read_document_texts
from casegraph.loaders.convert import convert_review
from casegraph.ontology import review_iri
from casegraph.loaders.yaml_reader import decode_text, loads_yaml

CUT_OFF = ("the file does not end with a line break: it may have been cut off while saving or copying; "
           "check its end and add a final newline")
_FLOW_DOCUMENT = re.compile(r"\s*\{")  # JSON, or YAML written like it


def check_complete(text: str, source: Path) -> None:
    """Refuse a file that may have been cut off: see docs/review-format.md, "A complete file".

    A file cut mid-line often still parses ("name: Child T" cut to "name: Chi"), silently
    losing the rest of the review. A block-style file must therefore end with a line break,
    which a cut one rarely does. A flow document ({...}, as JSON files are) is exempt: its closing
    brace shows it is complete, and a cut one fails to parse.
    """
    if not text.endswith(("\n", "\r")) and not _FLOW_DOCUMENT.match(text):
        raise ReviewFileError(source, [Problem("", CUT_OFF, text.count("\n") + 1)])


class ReviewFileLoader(Loader):
    suffixes = (".yaml", ".yml", ".json")  # JSON is read by the YAML parser, so it gets line numbers too
    name = "review"

    def check(self, data: bytes, source: Path) -> dict:
        """The checked contents of a review file; every problem found is raised together."""
        text = decode_text(source, data)
        check_complete(text, source)
        parsed = loads_yaml(text, source)
        problems = read_document_texts(parsed, source) if isinstance(parsed, dict) else []
        if not problems:
            _, problems = check_review_data(parsed)
        if problems:
            raise ReviewFileError(source, problems)
        return parsed  # type: ignore[return-value]

    def convert(self, checked: dict, source: Path) -> ReviewGraph:
        review_id, quads = convert_review(checked)
        return ReviewGraph(review_id, review_iri(review_id), quads, source, tuple(proposed_items(checked)))
