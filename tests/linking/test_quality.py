"""Precision and recall of candidates against ground truth, pairs counted as documented."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casegraph.errors import CasegraphError
from casegraph.linking.candidates import Candidate, find_candidates
from casegraph.linking.quality import (ALL_KINDS, GroundTruthError, check_reviews_loaded, lowest_threshold,
                                      precision_recall, quality_report, read_ground_truth, read_truth_kinds,
                                      true_pair_count)
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


def test_the_lowest_threshold_keeping_a_precision_takes_tied_scores_together():
    truth = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z", "f": "w"}  # 3 true pairs among a, b, c
    candidates = [_candidate("a", "b", 0.95), _candidate("a", "d", 0.9), _candidate("a", "c", 0.8),
                  _candidate("b", "c", 0.7), _candidate("d", "e", 0.6), _candidate("e", "f", 0.6)]
    # precision 1, .5, .67, .75 at 0.7, then .5 with both 0.6 pairs
    assert lowest_threshold(candidates, truth, 0.75) == (0.7, 0.75, 1.0, 3, 1, 0)
    assert lowest_threshold(candidates, truth, 0.5) == (0.6, 0.5, 1.0, 3, 3, 0)
    assert lowest_threshold(candidates, truth, 1.0) == (0.95, 1.0, 1 / 3, 1, 0, 2)
    assert lowest_threshold(candidates[1:2], truth, 0.5) is None
    assert lowest_threshold([], truth, 0.5) is None


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([0.2, 0.5, 0.7, 0.9, 1.0])),
                max_size=30), st.sampled_from([0.0, 0.5, 0.8, 1.0]))
def test_the_lowest_threshold_is_where_precision_last_holds(scored, floor):
    truth = {str(n): str(n % 3) for n in range(6)}
    candidates = [_candidate(str(a), str(b), score) for a, b, score in scored if a != b]
    best = lowest_threshold(candidates, truth, floor)
    pair_scores: dict = {}  # a pair proposed twice counts at its best score
    for c in candidates:
        pair = frozenset((c.left, c.right))
        pair_scores[pair] = max(c.score, pair_scores.get(pair, 0.0))
    holding = [row for row in precision_recall(candidates, truth, sorted(set(pair_scores.values())))
               if row[3] + row[4] and row[1] >= floor]
    assert best == (holding[0] if holding else None)


def test_the_report_gives_all_records_then_each_kind_with_its_lowest_threshold(records):
    truth, kinds = read_ground_truth(TRUTH), read_truth_kinds(TRUTH)
    candidates = find_candidates(records, threshold=0.5)
    rows = quality_report(candidates, truth, kinds, (0.9, 0.5), min_precision=1.0)
    assert sorted({r.kind for r in rows}) == sorted({ALL_KINDS, *kinds.values()})
    whole = [r for r in rows if r.kind == ALL_KINDS]
    assert [(r.threshold, r.precision, r.recall, r.found, r.wrong, r.missed) for r in whole[:2]] == \
        precision_recall(candidates, truth, [0.5, 0.9])
    assert whole[2].chosen == "lowest with precision >= 1" and whole[2].precision == 1.0
    adults = [r for r in rows if r.kind == "adult" and not r.chosen]
    people = [iri for iri, kind in kinds.items() if kind == "adult"]
    assert [(r.threshold, r.precision, r.recall, r.found, r.wrong, r.missed) for r in adults] == \
        precision_recall(candidates, truth, [0.5, 0.9], records=people)
    assert all(r.found + r.missed == 0 for r in rows if r.kind in ("family-member", "professional"))


def test_a_truth_row_without_an_entity_names_its_line(tmp_path):
    bad = tmp_path / "truth.csv"
    bad.write_text("entity_id,review_id,record_id,kind\nx,r1,a,adult\n,r1,b,adult\n", encoding="utf-8")
    with pytest.raises(GroundTruthError, match=r"truth\.csv, line 3: no entity_id"):
        read_ground_truth(bad)
    bad.write_bytes(b"entity_id,review_id,record_id\n\xff\xfe,r1,a\n")
    with pytest.raises(GroundTruthError, match="not a UTF-8 CSV"):
        read_ground_truth(bad)


def test_a_truth_of_reviews_not_loaded_says_which():
    truth = read_ground_truth(TRUTH)
    check_reviews_loaded(truth, ["tl-a-2018", "tl-b-2019", "tl-c-2020", "tl-d-2020"], TRUTH)
    with pytest.raises(GroundTruthError, match=r"names 2 of its 4 review\(s\) that are not in the store "
                                               r"\(tl-c-2020, tl-d-2020\); load the corpus"):
        check_reviews_loaded(truth, ["tl-a-2018", "tl-b-2019"], TRUTH)
