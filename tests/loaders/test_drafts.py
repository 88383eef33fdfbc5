"""A draft (what `casegraph draft` writes): items marked `status: proposed` with a confidence and
evidence quoting the document at its offsets. A draft is never loaded by accident: every proposed
item keeps the file out of the store, named with its line, until an analyst confirms it, unless
the load says --accept-proposed."""
from __future__ import annotations

import re
import shutil

import pytest

from casegraph.errors import ReviewFileError
from casegraph.graph.loading import load_paths, validate_paths
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.ontology import CG, CODE
from tests.conftest import DATA

DRAFTS = DATA / "drafting"


@pytest.fixture
def draft(tmp_path):
    for path in DRAFTS.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / "draft-child-q.yaml"


def proposed_count(path) -> int:
    return path.read_text(encoding="utf-8").count("status: proposed")


def test_a_draft_with_proposed_items_is_refused_naming_each(draft, tmp_path):
    report = load_paths([draft], tmp_path / "store")
    assert len(report.failed) == 1
    message = str(report.failed[0].error)
    assert f"{proposed_count(draft)} item(s) are still proposed" in message and "--accept-proposed" in message
    lines = draft.read_text(encoding="utf-8").splitlines()
    mr_a = next(n for n, line in enumerate(lines, 1) if "status: proposed" in line and n > 30)
    assert f"{draft}:{mr_a}: people[1].status: still proposed by casegraph draft: 'Mr A'" in message
    with ReviewStore.open(tmp_path / "store") as store:
        assert store.review_ids() == []


def test_validate_refuses_it_too(draft):
    assert validate_paths([draft]).failed
    assert not validate_paths([draft], accept_proposed=True).failed


def test_accepted_proposals_are_stored_marked_proposed_with_their_confidence(draft, tmp_path):
    report = load_paths([draft], tmp_path / "store", accept_proposed=True)
    assert not report.failed
    with ReviewStore.open(tmp_path / "store") as store:
        rows = store.query(f"SELECT ?item ?confidence WHERE {{ ?item <{CG}draftStatus> <{CODE}draft-status/proposed> ; "
                           f"<{CG}draftConfidence> ?confidence }}")
        proposed = {row[0].value.rsplit("/", 1)[-1]: float(row[1].value) for row in rows}
    assert proposed["mr-a"] == 0.8 and "child-q" not in proposed  # child-q is confirmed
    assert len(proposed) == proposed_count(draft)


def test_confirming_is_deleting_the_status_line_or_writing_confirmed(draft, tmp_path):
    text = draft.read_text(encoding="utf-8")
    halves = text.split("\nplaces:")
    confirmed = re.sub(r"\n *status: proposed", "", halves[0]) + "\nplaces:" + halves[1].replace(
        "status: proposed", "status: confirmed")
    draft.write_text(confirmed, encoding="utf-8")
    assert not load_paths([draft], tmp_path / "store").failed


def test_evidence_must_quote_the_document_at_its_offsets(draft):
    draft.write_text(draft.read_text(encoding="utf-8").replace("start: 241, end: 245", "start: 240, end: 244"),
                     encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        load(draft)
    assert "the evidence of people[1] in document 'child-q.txt'" in str(caught.value)
    assert "not the quote 'Mr A'" in str(caught.value)


def test_offsets_without_a_document_are_reported(draft):
    draft.write_text(draft.read_text(encoding="utf-8").replace(
        '{quote: "Mr A", document: text, start: 241, end: 245}', '{quote: "Mr A", start: 241, end: 245}'),
        encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        load(draft)
    assert "people[1].evidence: evidence at offsets needs document, start and end (no document)" in str(caught.value)


def test_evidence_points_into_the_document_in_the_graph(draft):
    review = load(draft)
    evidence = {q.predicate.value: q.object.value for q in review.quads if q.subject.value.endswith("/inc-1#evidence")}
    assert evidence[CG + "startOffset"] == "219" and evidence[CG + "endOffset"] == "256"
    assert evidence[CG + "inDocument"].endswith("/text")
