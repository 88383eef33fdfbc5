"""Learning from analysts' decisions: labelled pairs re-estimate m, the informative order asks
about the pairs nearest 0.5 first, and `link candidates --learn` is cached on the decisions it
learned from (and a plain listing is not)."""
from __future__ import annotations

import json
import random

import pytest

import casegraph.linking.candidates as cand
from casegraph.linking import candidate_cache
from casegraph.linking.learning import (INFORMATIVE_THRESHOLD, combined_m, family_labels, informative_order,
                                        labels_from_decisions, labels_key)
from casegraph.linking.results import Candidate
from casegraph.graph.loading import load_paths
from tests.commands.test_link_cli import ADULT_X, CARA, CARA_C, FLAT, FLAT_1, LINKS, MR_EX, MR_X, ok

GENDER, NAME = "gender", "name"


def people(n: int = 60, *, same_handle=lambda i: True, gender=lambda i, review: "female"):
    """n young people recorded twice (reviews r1, r2) in one area, with a handle each."""
    features = []
    for i in range(n):
        for review in ("r1", "r2"):
            handle = f"h{i}x" if same_handle(i) or review == "r1" else f"other{i}x"
            record = cand.LinkRecord(iri=f"{review}-{i}", review=review, kind="peer", label="YP", aliases=(handle,),
                                     names=(handle,), area="Northbridge", gender=gender(i, review),
                                     birth_months=(24000 + i % 50, 24000 + i % 50))
            features.append(cand.Features(record, frozenset()))
    return features


def model(features, labelled=(), named=()):
    comparer = cand.Comparer(cand.Frequencies(features), cand.Births(features))
    return cand.Model("young-person", features, comparer, random.Random(0), named, labelled)


def m_of(built, attribute):
    return built.m[built.attributes.index(attribute)]


def pairs_of(n, same=True):
    return [(2 * i, 2 * i + 1, same) for i in range(n)]


# -- labels and m --------------------------------------------------------------------------------

def test_accepted_pairs_that_agree_on_gender_raise_its_m_agree():
    features = people()
    before, after = m_of(model(features), GENDER), m_of(model(features, pairs_of(60)), GENDER)
    assert before == cand.PRIOR_M[GENDER]
    assert after[cand.AGREE] > before[cand.AGREE] and after[cand.DISAGREE] < before[cand.DISAGREE]
    assert after[cand.AGREE] == pytest.approx((60 + cand.PSEUDO_PAIRS * 0.97) / (60 + cand.PSEUDO_PAIRS))


def test_accepted_pairs_that_disagree_raise_m_disagree_of_the_name_too():
    """The name's m, only judged before (training pairs are chosen by it), is measured on labels."""
    features = people(same_handle=lambda i: i % 2 == 0)  # half of the people renamed in r2
    name = m_of(model(features, pairs_of(60)), NAME)
    assert name[cand.DISAGREE] > cand.PRIOR_M[NAME][cand.DISAGREE]
    assert name[cand.AGREE] < cand.PRIOR_M[NAME][cand.AGREE]


def test_rejected_pairs_change_neither_m_nor_u_and_missing_outcomes_are_left_out():
    features = people(gender=lambda i, review: None if review == "r2" else "male")
    plain = model(features)
    rejected = model(features, pairs_of(60, same=False))
    assert rejected.m == plain.m and rejected.u == plain.u
    assert m_of(model(features, pairs_of(60)), GENDER) == cand.PRIOR_M[GENDER]  # gender missing in every pair


def test_labelled_pairs_leave_the_training_pairs(monkeypatch):
    """A training pair an analyst rejected is known not to be one entity: it no longer counts."""
    monkeypatch.setattr(cand, "TRAINING_SHARE", 0.01)
    features = people(400)
    named = [(i, j) for i, j, rule in cand.rule_pairs(features) if rule < cand.NAME_RULES]
    trained = m_of(model(features, named=named), "birth")
    assert trained[cand.AGREE] > cand.PRIOR_M["birth"][cand.AGREE]  # measured on the training pairs
    untrained = m_of(model(features, [(i, j, False) for i, j in named], named), "birth")
    assert untrained == cand.PRIOR_M["birth"]


def test_combined_m_weighs_labels_like_training_pairs():
    prior = (0.5, 0.25, 0.25)
    assert combined_m(prior, [0, 0, 0], [0, 0, 0], 50) == prior
    assert combined_m(prior, [10, 0, 0], [0, 0, 0], 50) == combined_m(prior, [0, 0, 0], [10, 0, 0], 50)
    assert combined_m(prior, [25, 25, 0], [50, 0, 0], 50) == pytest.approx((100 / 150, 37.5 / 150, 12.5 / 150))


def test_find_candidates_learns_only_from_labels_of_records_it_compares(records):
    plain = {c.id: c.score for c in cand.find_candidates(records, threshold=0.0)}
    best = cand.find_candidates(records, threshold=0.0)[0]
    assert {c.id: c.score for c in cand.find_candidates(records, threshold=0.0, labelled=[
        ("https://example.org/nobody", best.left, True), (best.left, best.left, True)])} == plain
    learned = {c.id: c.score for c in cand.find_candidates(records, threshold=0.0,
                                                           labelled=[(best.left, best.right, True)])}
    assert learned.keys() == plain.keys() and learned != plain


def test_labels_come_from_the_decisions_in_force_in_a_stable_order():
    from casegraph.linking.decisions import Decision

    def decision(left, right, verdict):
        return Decision("d", "c", left, right, verdict, "alice", "2025-01-01T00:00:00Z")

    labels = labels_from_decisions([decision("b", "a", "accepted"), decision("c", "d", "rejected"),
                                    decision("e", "f", "undone")])
    assert labels == [("a", "b", True), ("c", "d", False)]
    assert labels_key(labels) == labels_key(list(reversed(labels))) != labels_key([("a", "b", False)])
    families = {"adult": [types_features("a"), types_features("b")], "young-person": [types_features("c")]}
    assert family_labels(families, labels + [("a", "c", True)]) == {"adult": [(0, 1, True)]}


def types_features(iri):
    import types

    return types.SimpleNamespace(record=types.SimpleNamespace(iri=iri))


# -- the informative order ------------------------------------------------------------------------

def candidate(score, cid=None):
    return Candidate(id=cid or f"c{score}", left="a", right="b", kind="adult", score=score, comparisons=())


def test_the_informative_order_puts_pairs_nearest_one_half_first():
    found = [candidate(s) for s in (0.95, 0.52, 0.3, 0.5, 0.7, 0.12)]
    assert [c.score for c in informative_order(found)] == [0.5, 0.52, 0.7, 0.3, 0.12, 0.95]


# -- the command ----------------------------------------------------------------------------------

@pytest.fixture
def store_dir(tmp_path):
    path = tmp_path / "store"
    assert not load_paths([LINKS], path).failed
    return path


@pytest.fixture
def matcher(monkeypatch):
    """The matcher's output fixed, its scores showing how many pairs it learned were one entity;
    records each computation's labels (None: not learning)."""
    calls = []

    def compute(store, threshold, labelled=None):
        calls.append(None if labelled is None else list(labelled))
        learned = sum(same for *_, same in labelled or ())
        found = [Candidate(cand.candidate_id(a, b), a, b, kind, score + learned / 100, ())
                 for a, b, kind, score in ((MR_EX, ADULT_X, "unconnected-adult", 0.97), (CARA, CARA_C, "young-person", 0.6),
                                           (FLAT, FLAT_1, "place:private-address", 0.92), (MR_X, CARA, "unconnected-adult", 0.2))]
        return [c for c in found if c.score >= threshold]

    monkeypatch.setattr(candidate_cache, "compute_candidates", compute)
    return calls


def listed(store_dir, *options):
    return [(c["id"], round(c["score"], 3)) for c in json.loads(ok(store_dir, "candidates", "--format", "json", *options))]


def test_learn_reflects_decisions_and_only_a_learning_listing_is_keyed_on_them(store_dir, matcher):
    x, cara, flat = cand.candidate_id(MR_EX, ADULT_X), cand.candidate_id(CARA, CARA_C), cand.candidate_id(FLAT, FLAT_1)
    assert listed(store_dir) == [(x, 0.97), (flat, 0.92)]
    assert listed(store_dir, "--learn") == [(x, 0.97), (flat, 0.92)]
    assert matcher == [None, []]  # cached apart: the learning listing computed once more
    ok(store_dir, "accept", x)
    assert listed(store_dir) == [(flat, 0.92)]
    assert matcher == [None, []]  # a decision does not recompute a plain listing, nor does deciding
    assert listed(store_dir, "--learn") == [(flat, 0.93)]  # learned from the acceptance
    assert matcher[-1] == [tuple(sorted((MR_EX, ADULT_X))) + (True,)]
    assert listed(store_dir, "--learn") == [(flat, 0.93)] and len(matcher) == 3  # then cached
    ok(store_dir, "undo", x)
    assert listed(store_dir, "--learn") == [(x, 0.97), (flat, 0.92)] and matcher[-1] == []
    assert listed(store_dir) == [(x, 0.97), (flat, 0.92)] and matcher.count(None) == 1
    assert cara not in dict(listed(store_dir))


def test_the_informative_order_draws_from_a_lower_threshold_and_its_ids_stay_decidable(store_dir, matcher):
    x, cara, flat, below = (cand.candidate_id(*pair) for pair in ((MR_EX, ADULT_X), (CARA, CARA_C), (FLAT, FLAT_1),
                                                                   (MR_X, CARA)))
    assert INFORMATIVE_THRESHOLD < cand.DEFAULT_THRESHOLD
    assert [cid for cid, _ in listed(store_dir, "--order", "informative", "--learn")] == [cara, below, flat, x]
    assert [cid for cid, _ in listed(store_dir, "--order", "informative", "--threshold", "0.5")] == [cara, flat, x]
    ok(store_dir, "accept", below)  # listed only by a learning listing, at its lower threshold: still found
    assert "accepted" in ok(store_dir, "show", below)
    result = ok(store_dir, "candidates", "--order", "informative", "--limit", "1")
    assert cara in result and flat not in result


def test_the_real_matcher_learns_from_an_acceptance(tmp_path):
    from tests.linking.conftest import CORPUS

    store = tmp_path / "store"
    assert not load_paths([CORPUS], store).failed

    def scores(*options):
        return {c["id"]: c["score"] for c in json.loads(ok(store, "candidates", "--format", "json", "--threshold",
                                                           "0.5", *options))}

    plain = scores()
    kinds = [c["kind"] for c in json.loads(ok(store, "candidates", "--format", "json", "--threshold", "0.5"))]
    best = next(cid for cid, kind in zip(plain, kinds) if kinds.count(kind) > 1)  # others of its family to rescore
    ok(store, "accept", best)
    learned = scores("--learn")
    assert best not in learned and learned != {cid: s for cid, s in plain.items() if cid != best}
    assert scores() == {cid: s for cid, s in plain.items() if cid != best}
