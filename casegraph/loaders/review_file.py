"""The hand-written review format: YAML or JSON, `casegraph: review/1`."""
from __future__ import annotations

from pathlib import Path

from casegraph.errors import ReviewFileError
from casegraph.loaders.base import Loader, ReviewGraph
from casegraph.loaders.checks import check_review_data
from casegraph.loaders.convert import convert_review, review_iri
from casegraph.loaders.yaml_reader import decode_text, loads_yaml


def parse_review(data: bytes, source: Path) -> dict:
    """The checked contents of a review file; every problem found is raised together."""
    parsed = loads_yaml(decode_text(source, data), source)
    _, problems = check_review_data(parsed)
    if problems:
        raise ReviewFileError(source, problems)
    return parsed  # type: ignore[return-value]


class ReviewFileLoader(Loader):
    suffixes = (".yaml", ".yml", ".json")  # JSON is read by the YAML parser, so it gets line numbers too
    name = "review"

    def loads(self, data: bytes, source: Path) -> ReviewGraph:
        review_id, quads = convert_review(parse_review(data, source))
        return ReviewGraph(review_id, review_iri(review_id), quads, source)
