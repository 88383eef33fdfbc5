"""Analysts' decisions on candidate matches, through the library: accept, reject and undo, what
they write (the decision as PROV-O in its own graph, owl:sameAs in the links graph), what they
refuse (and that a refusal changes nothing), and that decisions outlive reloads and restarts.

The candidates here are built by hand from the tests/data/links fixture (Mr X, X and Adult X are
one adult in three reviews), so these tests do not depend on the matcher's scoring."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from casegraph.graph.store import LINKS_GRAPH, ReviewStore
from casegraph.linking import candidate_cache, cards
from casegraph.linking import decisions as linking
from casegraph.linking.decisions import (ACCEPTED, DECISIONS_GRAPH, REJECTED, UNDONE, AlreadyDecided, NothingToUndo,
                                         UnknownCandidate)
from casegraph.graph.loading import load_paths
from casegraph.queries import saved_query
from casegraph.queries.sparql import display, run_sparql
from tests.conftest import DATA

LINKS = DATA / "links"
R = "https://w3id.org/casegraph/review/"
MR_X, MR_EX, ADULT_X = R + "link-a-2019/mr-x", R + "link-b-2020/mr-ex", R + "link-c-2021/adult-x"
CARA, CARA_C = R + "link-b-2020/cara", R + "link-c-2021/cara-c"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


@dataclass(frozen=True)
class Comparison:  # the shape of casegraph.linking.candidates.Comparison
    attribute: str
    outcome: str
    weight: float
    detail: str


@dataclass(frozen=True)
class Candidate:  # what decisions need of a candidate: id, records, score and comparisons
    id: str
    left: str
    right: str
    kind: str
    score: float
    comparisons: tuple[Comparison, ...]


X_PAIR = Candidate("c-adult-x", MR_EX, ADULT_X, "person", 0.82, (
    Comparison("role", "agree", 0.4, "unconnected-adult"), Comparison("name", "partial", 0.2, "X ~ Adult X"),
    Comparison("gender", "missing", 0.0, "not recorded")))
CARA_PAIR = Candidate("c-cara", CARA, CARA_C, "person", 0.71, (Comparison("name", "partial", 0.3, "Cara ~ C."),))
T0 = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def store_dir(tmp_path):
    path = tmp_path / "store"
    assert not load_paths([LINKS], path).failed
    return path


@pytest.fixture
def store(store_dir):
    with ReviewStore.open(store_dir, write=True) as opened:
        yield opened


def graph_triples(store, graph: str) -> set[tuple[str, str, str]]:
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {tuple(str(term) for term in row) for row in rows}


def links(store) -> set[tuple[str, str]]:
    return {(s.strip("<>"), o.strip("<>")) for s, p, o in graph_triples(store, LINKS_GRAPH)
            if p == f"<{OWL_SAME_AS}>"}


def snapshot(store):
    return graph_triples(store, DECISIONS_GRAPH), graph_triples(store, LINKS_GRAPH)


def adults_linked(store) -> list[tuple]:
    saved = saved_query("adults-linked-to-young-people")
    result = run_sparql(store, saved.text, {}, saved=saved)
    columns = [result.columns.index(c) for c in ("adult", "youngPeople", "reviews")]
    return sorted(tuple(display(row[i], compact=False) for i in columns) for row in result.rows)


# -- what a decision writes ------------------------------------------------------------------------

EXPECTED_TURTLE = """
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/casegraph/decision/c-adult-x/1> a cg:LinkDecision, prov:Entity ;
    cg:candidateId "c-adult-x" ;
    cg:leftRecord <https://w3id.org/casegraph/review/link-b-2020/mr-ex> ;
    cg:rightRecord <https://w3id.org/casegraph/review/link-c-2021/adult-x> ;
    cg:verdict "accepted" ;
    prov:wasAttributedTo <https://w3id.org/casegraph/analyst/alice%20o%27neil> ;
    prov:generatedAtTime "2025-03-01T09:30:00Z"^^xsd:dateTime ;
    rdfs:comment "same \\"X\\" in both; see p. 4\\n} ; DROP ALL ; INSERT DATA {" ;
    cg:score "0.82"^^xsd:double ;
    cg:explanation "role agree +0.40; name partial +0.20; gender missing +0.00" .

<https://w3id.org/casegraph/analyst/alice%20o%27neil> a prov:Agent ; rdfs:label "alice o'neil" .
"""


def test_accept_writes_a_prov_decision_and_a_same_as_link(store):
    note = 'same "X" in both; see p. 4\n} ; DROP ALL ; INSERT DATA {'  # text, never SPARQL
    change = linking.accept(store, X_PAIR, analyst="alice o'neil", note=note, when=T0)

    stored = rdflib.Graph()
    stored.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in graph_triples(store, DECISIONS_GRAPH)), format="nt")
    expected = rdflib.Graph().parse(data=EXPECTED_TURTLE, format="turtle")
    if not isomorphic(expected, stored):
        _, only_expected, only_stored = graph_diff(to_isomorphic(expected), to_isomorphic(stored))
        pytest.fail(f"only expected:\n{only_expected.serialize(format='nt')}\nonly stored:\n"
                    f"{only_stored.serialize(format='nt')}")
    assert links(store) == {(MR_EX, ADULT_X)}
    assert change.link_added and not change.link_removed and change.before is None
    assert change.decision.note == note
    assert store.review_ids() == ["link-a-2019", "link-b-2020", "link-c-2021"]  # nothing dropped


def test_an_accepted_pair_counts_as_one_in_saved_questions(store):
    # Unlinked, only Mr X harmed two young people (Anna, Bea); X harmed Cara and Adult X Dee.
    assert adults_linked(store) == [(MR_X, 2, 1)]
    linking.accept(store, X_PAIR, analyst="alice", when=T0)
    # X and Adult X are one adult (named by the smaller IRI, link-b's): Cara and Dee, two reviews.
    assert adults_linked(store) == [(MR_X, 2, 1), (MR_EX, 2, 2)]
    linking.undo(store, X_PAIR.id, analyst="alice", when=at(1))
    assert adults_linked(store) == [(MR_X, 2, 1)]


def test_reject_links_nothing_and_the_pair_is_decided(store):
    change = linking.reject(store, X_PAIR, analyst="alice", note="different men", when=T0)
    assert change.decision.verdict == REJECTED and not change.link_added
    assert links(store) == set()
    assert linking.decided_pairs(store) == {frozenset((MR_EX, ADULT_X))}
    assert [d.verdict for d in linking.current_decisions(store)] == [REJECTED]


def test_undo_of_an_accept_removes_its_link_and_is_recorded(store):
    linking.accept(store, X_PAIR, analyst="alice", when=T0)
    change = linking.undo(store, X_PAIR.id, analyst="bob", note="too early", when=at(5))
    assert change.link_removed and change.after is None and change.before.verdict == ACCEPTED
    assert links(store) == set()
    assert linking.decided_pairs(store) == set()  # proposed again
    assert linking.current_decisions(store) == []
    first, undone = linking.decisions(store)
    assert (undone.verdict, undone.undoes, undone.supersedes, undone.analyst) == (UNDONE, first.iri, first.iri, "bob")


def test_undo_of_a_reject_makes_the_pair_undecided(store):
    linking.reject(store, CARA_PAIR, analyst="alice", when=T0)
    change = linking.undo(store, CARA_PAIR.id, analyst="alice", when=at(1))
    assert not change.link_added and not change.link_removed
    assert linking.decided_pairs(store) == set()


# -- two analysts on one pair ------------------------------------------------------------------------

def test_a_later_decision_by_another_analyst_is_current_and_history_keeps_both(store):
    linking.accept(store, X_PAIR, analyst="alice", note="same nickname", when=T0)
    change = linking.reject(store, X_PAIR.id, analyst="bob", note="ages differ", when=at(10))
    assert change.before.analyst == "alice" and change.link_removed
    assert links(store) == set()
    [current] = linking.current_decisions(store)
    assert (current.analyst, current.verdict) == ("bob", REJECTED)
    history = linking.history(store, X_PAIR.id)
    assert [(d.analyst, d.verdict) for d in history.decisions] == [("alice", ACCEPTED), ("bob", REJECTED)]
    assert history.decisions[1].supersedes == history.decisions[0].iri
    # The score and explanation of the pair travel with it, though bob gave only its id.
    assert history.decisions[1].score == pytest.approx(0.82)

    # Undo reverts bob's rejection and restores alice's acceptance, link and all; undo again
    # reverts alice's acceptance.
    change = linking.undo(store, X_PAIR.id, analyst="bob", when=at(20))
    assert change.after.analyst == "alice" and change.link_added
    assert links(store) == {(MR_EX, ADULT_X)}
    assert [(d.analyst, d.verdict) for d in linking.current_decisions(store)] == [("alice", ACCEPTED)]
    linking.undo(store, X_PAIR.id, analyst="alice", when=at(30))
    assert links(store) == set() and linking.current_decisions(store) == []
    assert [d.verdict for d in linking.history(store, X_PAIR.id).decisions] == [ACCEPTED, REJECTED, UNDONE, UNDONE]


# -- bad input changes nothing ---------------------------------------------------------------------

@pytest.mark.parametrize("first, then, analyst, message", [
    ("accept", "accept", "alice", "already accepted (by alice at 2025-03-01 09:30:00 UTC)"),
    ("accept", "accept", "bob", "already accepted (by alice at 2025-03-01 09:30:00 UTC)"),
    ("reject", "reject", "alice", "already rejected (by alice"),
    ("accept", "reject", "alice", "undo it first (casegraph link undo c-adult-x)"),
    ("reject", "accept", "alice", "undo it first"),
], ids=["double-accept", "accept-by-another-analyst", "double-reject", "own-change-of-mind", "own-change-back"])
def test_an_already_decided_pair_is_refused_and_nothing_changes(store, first, then, analyst, message):
    getattr(linking, first)(store, X_PAIR, analyst="alice", when=T0)
    before = snapshot(store)
    with pytest.raises(AlreadyDecided, match="nothing changed") as raised:
        getattr(linking, then)(store, X_PAIR.id, analyst=analyst, when=at(1))
    assert message in str(raised.value)
    assert snapshot(store) == before


def test_undo_with_nothing_to_undo_is_refused_and_nothing_changes(store):
    before = snapshot(store)
    with pytest.raises(NothingToUndo, match="'c-adult-x' has no decision to undo; nothing changed"):
        linking.undo(store, X_PAIR.id, when=T0)
    assert snapshot(store) == before
    linking.accept(store, X_PAIR, analyst="alice", when=T0)
    linking.undo(store, X_PAIR.id, analyst="alice", when=at(1))
    before = snapshot(store)
    with pytest.raises(NothingToUndo, match="no decision in force to undo .*alice's undo at 2025-03-01 09:31:00"):
        linking.undo(store, X_PAIR.id, when=at(2))
    assert snapshot(store) == before


def test_an_unknown_candidate_id_is_refused_and_nothing_changes(store, monkeypatch):
    pytest.importorskip("casegraph.linking.candidates")
    monkeypatch.setattr(candidate_cache, "compute_candidates", lambda store, threshold: [])
    before = snapshot(store)
    with pytest.raises(UnknownCandidate, match="no candidate 'c-nope' among the 0 candidate"):
        linking.accept(store, candidate_cache.decidable(store, "c-nope"), analyst="alice")
    assert snapshot(store) == before


def test_an_empty_analyst_name_is_refused(store):
    with pytest.raises(linking.DecisionError, match="analyst's name is empty"):
        linking.accept(store, X_PAIR, analyst="  ", when=T0)
    assert snapshot(store) == (set(), set())


def test_deciding_needs_a_writable_store(store_dir):
    with ReviewStore.open(store_dir) as read_only:
        with pytest.raises(linking.StoreError, match="opened for writing"):
            linking.accept(read_only, X_PAIR, analyst="alice")


def test_the_default_analyst_is_the_environment_or_the_user(monkeypatch):
    monkeypatch.setenv("CASEGRAPH_ANALYST", "carol")
    assert linking.default_analyst() == "carol"
    monkeypatch.delenv("CASEGRAPH_ANALYST")
    assert linking.default_analyst()  # the OS user name


# -- persistence -----------------------------------------------------------------------------------

def test_decisions_survive_reloading_the_reviews(store_dir):
    with ReviewStore.open(store_dir, write=True) as store:
        linking.accept(store, X_PAIR, analyst="alice", when=T0)
        linking.reject(store, CARA_PAIR, analyst="alice", when=at(1))
        before = snapshot(store)
    assert not load_paths([LINKS], store_dir).failed  # the same files again: each review's graph swapped
    with ReviewStore.open(store_dir) as store:
        assert snapshot(store) == before
        assert adults_linked(store) == [(MR_X, 2, 1), (MR_EX, 2, 2)]
        assert linking.decided_pairs(store) == {frozenset((MR_EX, ADULT_X)), frozenset((CARA, CARA_C))}


def test_decisions_survive_a_restart(store_dir):
    with ReviewStore.open(store_dir, write=True) as store:
        linking.accept(store, X_PAIR, analyst="alice", note="é and ✓", when=T0)
    code = ("import sys\nfrom casegraph.graph.store import ReviewStore\nfrom casegraph.linking import decisions\n"
            "with ReviewStore.open(sys.argv[1]) as store:\n"
            "    for d in decisions.current_decisions(store):\n"
            "        print(d.candidate_id, d.verdict, d.analyst, d.time, d.note)\n")
    out = subprocess.run([sys.executable, "-c", code, str(store_dir)], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    assert out.splitlines() == ["c-adult-x accepted alice 2025-03-01T09:30:00Z é and ✓"]


def test_a_removed_review_keeps_its_decisions_and_links_and_is_reported(store_dir):
    with ReviewStore.open(store_dir, write=True) as store:
        linking.accept(store, X_PAIR, analyst="alice", when=T0)
        store.remove("link-c-2021")
        assert links(store) == {(MR_EX, ADULT_X)}
        assert linking.missing_records(store, [MR_EX, ADULT_X]) == {ADULT_X}
    assert not load_paths([LINKS / "link-c-2021.yaml"], store_dir).failed
    with ReviewStore.open(store_dir) as store:
        assert linking.missing_records(store, [MR_EX, ADULT_X]) == set()
        assert adults_linked(store) == [(MR_X, 2, 1), (MR_EX, 2, 2)]


def test_an_accepted_pair_is_one_same_as_relationship_in_the_property_graph_view(store):
    from casegraph.graph.view import build_view

    linking.accept(store, X_PAIR, analyst="alice", when=T0)
    view = build_view(store.review_quads())
    assert [(r.start, r.end) for r in view.relationships if r.type == "SAME_AS"] == [(MR_EX, ADULT_X)]
    linking.undo(store, X_PAIR.id, analyst="alice", when=at(1))
    assert not [r for r in build_view(store.review_quads()).relationships if r.type == "SAME_AS"]


# -- the candidates cache's key ----------------------------------------------------------------------

def test_decisions_keep_the_candidates_cache_key_and_review_changes_change_it(store_dir):
    with ReviewStore.open(store_dir, write=True) as store:
        key = candidate_cache.cache_key(store)
        linking.accept(store, X_PAIR, analyst="alice", when=T0)
        linking.reject(store, CARA_PAIR, analyst="alice", when=at(1))
        assert candidate_cache.cache_key(store) == key
        store.remove("link-c-2021")
        assert candidate_cache.cache_key(store) != key


# -- the matching card's records -----------------------------------------------------------------------

def test_a_record_card_has_its_review_classes_attributes_and_evidence(tmp_path):
    from tests.conftest import EXAMPLES

    path = tmp_path / "store"
    assert not load_paths([EXAMPLES / "scr-30-2016.yaml"], path).failed
    with ReviewStore.open(path) as store:
        card = cards.record_card(store, R + "scr-30-2016/child-m")
    assert (card.review_id, card.label, card.classes[0]) == ("scr-30-2016", "Child M", "young person")
    assert card.review_title.startswith("SCR 30")
    assert {("area", "Surrey"), ("gender", "Female"), ("← acquaintance of", "Mr C")} <= set(card.attributes)
    assert [(e.quote, e.paraphrase) for e in card.evidence] == [
        ("Reading social care contacted colleagues in Surrey after she was found in Reading.", True)]


def test_a_record_no_review_describes_has_an_empty_card(store):
    card = cards.record_card(store, R + "gone-2020/someone")
    assert (card.review_id, card.label, card.attributes, card.evidence) == ("", "", (), ())
