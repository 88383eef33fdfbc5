"""The hand-made linking corpus (tests/data/linking), loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.linking.reading import link_records
from casegraph.linking.records import LinkRecord
from casegraph.graph.loading import load_paths
from casegraph.ontology import REVIEW

CORPUS = Path(__file__).resolve().parent.parent / "data" / "linking"
TRUTH = CORPUS / "truth.csv"


def iri(record: str) -> str:
    """The IRI of "review-id/record-id"."""
    return REVIEW + record


@pytest.fixture(scope="session")
def linking_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("linking") / "store"
    report = load_paths([CORPUS], path)
    assert not report.failed, [str(r.error) for r in report.failed]
    return path


@pytest.fixture(scope="session")
def records(linking_store) -> list[LinkRecord]:
    with ReviewStore.open(linking_store) as store:
        return link_records(store)


@pytest.fixture(scope="session")
def by_iri(records) -> dict[str, LinkRecord]:
    return {r.iri: r for r in records}
