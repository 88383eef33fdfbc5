"""Precision and recall of candidates against ground truth, pairs counted as documented."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casegraph.errors import CasegraphError
from casegraph.linking.candidates import Candidate, find_candidates
from casegraph.linking.quality import GroundTruthError, precision_recall, read_ground_truth, true_pair_count
from tests.linking.conftest import TRUTH, iri


def test_read_ground_truth_maps_record_iris_to_entities():
    truth = read_ground_truth(TRUTH)
    assert truth[iri("tl-a-2018/mr-x")] == truth[iri("tl-b-2019/adult-2")] == "smokey"
    assert len(truth) == 30


def test_every_pair_within_an_entity_is_a_true_pair():
    truth = read_ground_truth(TRUTH)
    # holt: 4 records (one pair in one review) -> 6; elm-park, snapchat: 3 -> 3 each; 4 entities of 2
    assert true_pair_count(truth) == 6 + 3 + 3 + 4
    assert true_pair_count(truth, [iri("tl-a-2018/jason-holt"), iri("tl-c-2020/mr-h"), iri("tl-a-2018/mr-x")]) == 1


def test_precision_and_recall_of_the_hand_made_corpus(records):
    truth = read_ground_truth(TRUTH)
    rows = precision_recall(find_candidates(records, threshold=0.0), truth, [0.9, 0.5])
    # Mr H is found only within his review, where his alias is the other record's name
    assert rows[0] == (0.9, 1.0, 14 / 16, 14, 0, 2)
    threshold, precision, recall, true_pos, false_pos, false_neg = rows[1]
    assert (recall, true_pos, false_neg) == (1.0, 16, 0) and precision < 1.0


def test_records_not_in_the_truth_or_not_considered_do_not_count():
    truth = {"a": "x", "b": "x", "c": "y"}
    candidates = [_candidate("a", "b", 0.95), _candidate("a", "c", 0.95), _candidate("a", "unknown", 0.99)]
    assert precision_recall(candidates, truth, [0.9]) == [(0.9, 0.5, 1.0, 1, 1, 0)]
    assert precision_recall(candidates, truth, [0.9], records=["a", "c"]) == [(0.9, 0.0, 1.0, 0, 1, 0)]
    assert precision_recall([], truth, [0.5]) == [(0.5, 1.0, 0.0, 0, 0, 1)]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.floats(0, 1)), max_size=30))
def test_a_higher_threshold_never_finds_more(scored):
    truth = {str(n): str(n % 3) for n in range(6)}
    candidates = [_candidate(str(a), str(b), score) for a, b, score in scored if a != b]
    rows = precision_recall(candidates, truth, [0.0, 0.3, 0.6, 0.9, 1.0])
    recalls = [row[2] for row in rows]
    assert recalls == sorted(recalls, reverse=True)
    assert all(0 <= recall <= 1 and tp + fn == true_pair_count(truth) for _, _, recall, tp, _, fn in rows)


def test_a_bad_truth_file_names_itself_and_what_was_expected(tmp_path):
    bad = tmp_path / "truth.csv"
    bad.write_text("entity,review\nx,y\n", encoding="utf-8")
    with pytest.raises(GroundTruthError, match=r"truth\.csv.*entity_id.*record_id"):
        read_ground_truth(bad)
    with pytest.raises(CasegraphError, match="cannot read the ground truth"):
        read_ground_truth(tmp_path / "missing.csv")


def _candidate(left: str, right: str, score: float) -> Candidate:
    return Candidate(id=f"{left}-{right}", left=left, right=right, kind="test", score=score, comparisons=())
