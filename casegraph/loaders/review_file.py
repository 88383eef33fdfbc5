"""The hand-written review format: YAML or JSON, `casegraph: review/1`."""
from __future__ import annotations

from pathlib import Path

from casegraph.errors import ReviewFileError
from casegraph.loaders.base import Loader, ReviewGraph
from casegraph.loaders.checks import check_review_data
from casegraph.loaders.convert import convert_review
from casegraph.ontology import review_iri
from casegraph.loaders.yaml_reader import decode_text, loads_yaml


class ReviewFileLoader(Loader):
    suffixes = (".yaml", ".yml", ".json")  # JSON is read by the YAML parser, so it gets line numbers too
    name = "review"

    def check(self, data: bytes, source: Path) -> dict:
        """The checked contents of a review file; every problem found is raised together."""
        parsed = loads_yaml(decode_text(source, data), source)
        _, problems = check_review_data(parsed)
        if problems:
            raise ReviewFileError(source, problems)
        return parsed  # type: ignore[return-value]

    def convert(self, checked: dict, source: Path) -> ReviewGraph:
        review_id, quads = convert_review(checked)
        return ReviewGraph(review_id, review_iri(review_id), quads, source)
