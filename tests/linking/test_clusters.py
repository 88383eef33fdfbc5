"""Possible entities: clusters of candidate matches (components, split by rejections and weak
bridges, stable ids), cluster decisions in one batch undone in one step, and contradictions.

The clustering tests use hand-made candidates on made-up IRIs; the decision tests fix the
matcher's output on the tests/data/links fixture (Mr X, X and Adult X are one adult in three
reviews), so none depends on the matcher's scoring."""
from __future__ import annotations

import pytest

from casegraph.graph.loading import load_paths
from casegraph.graph.store import LINKS_GRAPH, ReviewStore
from casegraph.linking import candidate_cache
from casegraph.linking import decisions as linking
from casegraph.linking.closure import ContradictionError
from casegraph.linking.cluster_decisions import (NothingToUndo, UnknownBatch, accept_cluster, batches, check, split,
                                                 undo_batch)
from casegraph.linking.clusters import UnknownCluster, build_clusters, cluster_id, clusters
from casegraph.linking.decisions import DECISIONS_GRAPH, Decision
from casegraph.linking.results import Candidate, candidate_id
from tests.conftest import DATA

R = "https://w3id.org/casegraph/review/"
MR_X, MR_EX, ADULT_X = R + "link-a-2019/mr-x", R + "link-b-2020/mr-ex", R + "link-c-2021/adult-x"
CARA, CARA_C = R + "link-b-2020/cara", R + "link-c-2021/cara-c"


def pair(left: str, right: str, score: float) -> Candidate:
    left, right = sorted((left, right))
    return Candidate(candidate_id(left, right), left, right, "person", score, (),
                     left_review=left.split("/")[-2], right_review=right.split("/")[-2],
                     left_label=left.rsplit("/", 1)[-1], right_label=right.rsplit("/", 1)[-1])


def decided(candidate: Candidate, verdict: str) -> dict:
    decision = Decision("d:" + candidate.id, candidate.id, candidate.left, candidate.right, verdict, "alice",
                        "2025-03-01T09:30:00Z", score=candidate.score)
    return {decision.pair: decision}


def record(name: str) -> str:
    return f"{R}r-{name[0]}/{name}"


A, B, C, D, E, F, G = (record(n) for n in ("a", "b", "c", "d", "e", "f", "g"))


def groups(found) -> list[set[str]]:
    return sorted((set(c.iris) for c in found), key=sorted)


# -- clustering -----------------------------------------------------------------------------------

def test_clusters_are_the_connected_components_with_stable_ids():
    candidates = [pair(A, B, 0.95), pair(B, C, 0.93), pair(D, E, 0.91)]
    found = build_clusters(candidates, {})
    assert groups(found) == [{A, B, C}, {D, E}]
    assert [c.size for c in found] == [3, 2]  # biggest first
    assert found[0].id == cluster_id([C, A, B]) and found[0].id.startswith("k") and len(found[0].id) == 11
    assert [c.id for c in build_clusters(list(reversed(candidates)), {})] == [c.id for c in found]
    assert found[0].status == "undecided" and found[0].weakest.score == 0.93
    assert found[0].records[0].review == "r-a" and found[0].records[0].label == "a"
    assert set(found[0].reviews) == {"r-a", "r-b", "r-c"}


def test_a_rejected_pair_splits_its_cluster_at_the_weakest_pairs_between_them():
    candidates = [pair(A, B, 0.99), pair(B, C, 0.91), pair(A, C, 0.95), pair(C, D, 0.98)]
    found = build_clusters(candidates, decided(candidates[2], "rejected"))
    assert groups(found) == [{A, B}, {C, D}]  # B-C (0.91) is the cheapest cut between A and C
    (cut,) = found[0].cut
    assert (cut.candidate_id, cut.reason) == (candidates[1].id, f"rejection of {candidates[2].id}")


def test_a_low_bridge_between_two_groups_splits_but_not_a_record_hanging_on_one():
    triangle = [pair(A, B, 0.99), pair(B, C, 0.98), pair(A, C, 0.97)]
    other = [pair(D, E, 0.99), pair(E, F, 0.96)]
    bridge = pair(C, D, 0.92)
    found = build_clusters(triangle + other + [bridge], {})
    assert groups(found) == [{A, B, C}, {D, E, F}]
    assert [(c.candidate_id, c.reason) for c in found[0].cut] == [(bridge.id, "weak bridge")]
    # one record hanging by a weak pair is not a group: it stays
    assert groups(build_clusters(triangle + [pair(C, G, 0.91)], {})) == [{A, B, C, G}]
    # a bridge stronger than a pair inside a side is not weak
    assert groups(build_clusters(triangle + other + [pair(C, D, 0.965)], {})) == [{A, B, C, D, E, F}]


def test_a_bridge_between_two_settled_groups_is_shown_joined_with_the_bridge_as_weakest():
    triangle, other, bridge = [pair(A, B, 0.99), pair(B, C, 0.98)], [pair(D, E, 0.99)], pair(C, D, 0.92)
    current = {}
    for c in triangle + other:
        current.update(decided(c, "accepted"))
    (joined,) = build_clusters(triangle + other + [bridge], current)
    assert set(joined.iris) == {A, B, C, D, E}
    assert (joined.status, joined.weakest.candidate_id) == ("partial", bridge.id)


def test_accepted_pairs_join_records_and_a_contradiction_keeps_them_together():
    ab, bc, ac = pair(A, B, 0.99), pair(B, C, 0.95), pair(A, C, 0.93)
    current = {**decided(ab, "accepted"), **decided(bc, "accepted")}
    (cluster,) = build_clusters([ab, bc, ac], current)
    assert cluster.status == "accepted" and cluster.decided and cluster.weakest is None
    current.update(decided(ac, "rejected"))
    (cluster,) = build_clusters([ab, bc], current)
    assert cluster.status == "contradiction"
    assert [p.status for p in cluster.pairs if p.candidate_id == ac.id] == ["rejected"]


# -- decisions on a store -------------------------------------------------------------------------

X_1, X_2, X_3 = pair(MR_X, MR_EX, 0.95), pair(MR_EX, ADULT_X, 0.93), pair(MR_X, ADULT_X, 0.92)
CARA_PAIR = pair(CARA, CARA_C, 0.91)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(candidate_cache, "compute_candidates",
                        lambda store, threshold: [c for c in (X_1, X_2, X_3, CARA_PAIR) if c.score >= threshold])
    path = tmp_path / "store"
    assert not load_paths([DATA / "links"], path).failed
    with ReviewStore.open(path, write=True) as opened:
        yield opened


def state(store):
    """The decisions in force (id, verdict, analyst) and the links graph."""
    in_force = sorted((d.candidate_id, d.verdict, d.analyst) for d in linking.current_decisions(store))
    links = {tuple(str(t) for t in row) for row in store.query(f"SELECT ?s ?o {{ GRAPH <{LINKS_GRAPH}> {{ ?s ?p ?o }} }}")}
    return in_force, links


def adult_cluster(store):
    return next(c for c in clusters(store) if MR_X in c.iris)


def test_accept_cluster_then_undo_restores_exactly_the_decisions_and_links_before(store):
    linking.accept(store, X_1, analyst="bob", note="first")  # decided before, pair by pair
    linking.reject(store, CARA_PAIR, analyst="bob")
    before = state(store)
    cluster = adult_cluster(store)
    change = accept_cluster(store, cluster.id, analyst="alice", note="same adult")
    assert sorted(c.decision.candidate_id for c in change.changes) == sorted([X_2.id, X_3.id])
    assert {c.decision.batch for c in change.changes} == {change.batch.iri}
    assert adult_cluster(store).status == "accepted" and adult_cluster(store).id == cluster.id
    assert len(state(store)[1]) == len(before[1]) + 2
    (stored,) = batches(store)
    assert (stored.action, stored.cluster_id, stored.analyst, stored.note) == ("accept-cluster", cluster.id, "alice",
                                                                               "same adult")
    undone = undo_batch(store, change.batch.id, analyst="alice")
    assert len(undone.changes) == 2 and undone.batch.undoes == change.batch.iri
    assert state(store) == before
    with pytest.raises(NothingToUndo, match="already undone"):
        undo_batch(store, change.batch.id)


def test_a_batch_is_found_by_its_cluster_and_the_whole_batch_is_one_rdf_activity(store):
    cluster = adult_cluster(store)
    change = accept_cluster(store, cluster.id, analyst="alice")
    rows = list(store.query(f"SELECT ?d WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ ?d <http://www.w3.org/ns/prov#"
                            f"wasGeneratedBy> <{change.batch.iri}> }} }}"))
    assert len(rows) == 3
    undo_batch(store, cluster.id, analyst="alice")  # a cluster id: its latest batch
    assert state(store)[1] == set()
    with pytest.raises(UnknownBatch):
        undo_batch(store, "b0000000000")


def test_accept_cluster_leaves_out_records_given_and_refuses_bad_input(store):
    cluster = adult_cluster(store)
    change = accept_cluster(store, cluster.id, except_records=["link-c-2021/adult-x"], analyst="alice")
    assert [c.decision.candidate_id for c in change.changes] == [X_1.id]
    with pytest.raises(UnknownCluster, match="did you mean"):
        accept_cluster(store, cluster.id[:-1] + "0")
    with pytest.raises(linking.DecisionError, match="not a record of cluster"):
        accept_cluster(store, cluster.id, except_records=["link-b-2020/cara"])


def test_undoing_a_batch_is_refused_when_a_pair_was_decided_again_since(store):
    change = accept_cluster(store, adult_cluster(store).id, analyst="alice")
    linking.reject(store, X_3, analyst="bob", force=True)
    before = state(store)
    with pytest.raises(linking.DecisionError, match="decided again"):
        undo_batch(store, change.batch.id)
    assert state(store) == before


def test_split_rejects_the_pairs_between_its_parts_in_one_undoable_batch(store):
    cluster = adult_cluster(store)
    change = split(store, cluster.id, [["link-c-2021/adult-x"]], analyst="alice")
    assert sorted(c.decision.candidate_id for c in change.changes) == sorted([X_2.id, X_3.id])
    assert {c.decision.verdict for c in change.changes} == {"rejected"}
    assert [set(c.iris) for c in clusters(store) if MR_X in c.iris] == [{MR_X, MR_EX}]
    undo_batch(store, change.batch.id)
    assert linking.current_decisions(store) == []


def test_a_contradiction_is_found_by_check_and_refused_without_force(store):
    linking.accept(store, X_1, analyst="alice")
    linking.reject(store, X_3, analyst="alice")
    before = state(store)
    with pytest.raises(ContradictionError, match=f"rejected {X_3.id}.*{X_1.id}"):
        linking.accept(store, X_2, analyst="alice")
    assert state(store) == before and check(store) == []
    linking.accept(store, X_2, analyst="alice", force=True)
    (found,) = check(store)
    assert found.rejected.candidate_id == X_3.id
    assert sorted(d.candidate_id for d in found.path) == sorted([X_1.id, X_2.id])


def test_a_split_that_would_contradict_acceptances_is_refused_without_force(store):
    accept_cluster(store, adult_cluster(store).id, analyst="alice")
    before = state(store)
    with pytest.raises(ContradictionError, match="would contradict"):
        split(store, adult_cluster(store).id, [["link-a-2019/mr-x"], ["link-c-2021/adult-x"]], analyst="bob")
    assert state(store) == before


def test_the_effort_simulation_counts_fewer_decisions_by_cluster():
    from casegraph.linking.cluster_effort import cluster_effort

    candidates = [pair(A, B, 0.99), pair(B, C, 0.98), pair(A, C, 0.97), pair(C, D, 0.95), pair(D, E, 0.99)]
    truth = {A: "1", B: "1", C: "1", D: "2", E: "2"}
    effort = cluster_effort(candidates, truth)
    assert (effort.pair_decisions, effort.entities, effort.same_result) == (5, 2, True)
    assert effort.cluster_decisions == effort.accepts + effort.splits + effort.pairs_left < 5
