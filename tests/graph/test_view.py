"""The property-graph view: labels, relationship types and properties named from the ontology."""
from __future__ import annotations

import re

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view
from casegraph.graph.loading import load_paths
from casegraph.ontology import CG, vocabulary
from casegraph.queries.sparql import run_update
from tests.conftest import EXAMPLES, MINIMAL

BASE = "https://w3id.org/casegraph/review/test-review-2016/"


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    path = tmp_path_factory.mktemp("view") / "store"
    load_paths([MINIMAL, EXAMPLES], path)
    with ReviewStore.open(path, write=True) as store:
        run_update(store, "INSERT DATA { GRAPH <https://w3id.org/casegraph/links> { "
                          f"<{BASE}mr-a> owl:sameAs <https://w3id.org/casegraph/review/scr-30-2016/mr-c> }} }}")
    with ReviewStore.open(path) as store:
        return build_view(store.review_quads())


def test_a_young_person_carries_the_labels_of_its_class_and_superclasses(view):
    child = view.nodes[BASE + "child-t"]
    assert child.labels == {"Record", "Person", "YoungPerson"}
    assert child.properties["label"] == "Child T" and child.properties["review"] == "test-review-2016"
    assert child.properties["ageMin"] == 14.0 and child.properties["ageApproximate"] is True
    assert child.properties["iri"] == BASE + "child-t"


def test_relationships_keep_their_review(view):
    victims = {(r.start, r.end, r.review) for r in view.relationships if r.type == "HAS_VICTIM"}
    assert (BASE + "inc-1", BASE + "child-t", "test-review-2016") in victims


def test_codes_become_concept_nodes(view):
    harm = view.nodes["https://w3id.org/casegraph/code/harm-type/sexual-exploitation"]
    assert harm.labels == {"Concept"}
    assert harm.properties["code"] == "sexual-exploitation" and harm.properties["scheme"] == "harm-type"


def test_evidence_is_reachable(view):
    (evidence,) = [r.end for r in view.relationships if r.type == "EVIDENCE" and r.start == BASE + "inc-1"]
    assert view.nodes[evidence].properties["quote"] == "T was taken to House A."


def test_relationship_records_and_links(view):
    relationship = view.nodes[BASE + "rel-1"]
    assert relationship.properties["predicate"] == "friendOf"
    assert any(r.type == "FRIEND_OF" and r.start == BASE + "child-t" for r in view.relationships)
    same = [r for r in view.relationships if r.type == "SAME_AS"]
    assert [(r.start, r.review) for r in same] == [(BASE + "mr-a", None)]


def test_names_follow_neo4j_conventions_and_come_from_the_ontology(view):
    classes = {iri[len(CG):] for iri in vocabulary().superclasses if iri.startswith(CG)}
    labels = set().union(*(n.labels for n in view.nodes.values()))
    assert labels <= classes | {"Concept"}
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+", label) for label in labels)
    assert all(re.fullmatch(r"[A-Z][A-Z_]+", r.type) for r in view.relationships)
    keys = set().union(*(n.properties for n in view.nodes.values()))
    assert all(re.fullmatch(r"[a-z][A-Za-z]*", key) for key in keys), keys


def test_records_carry_the_codes_of_their_classes(view):
    # scr-23 park is a cg:Park, and so a cg:PublicSpace; both classes carry a code (skos:notation).
    park = view.nodes["https://w3id.org/casegraph/review/scr-23-2017/park"]
    assert park.properties["kinds"] == ["park", "public-space"]
    assert park.properties["kind"] == "park" and park.properties["kindLabel"] == "park"
    child = view.nodes[BASE + "child-t"]
    assert (child.properties["kinds"], child.properties["kind"]) == (["young-person"], "young-person")
    assert "kind" not in view.nodes[BASE + "inc-1"].properties  # an incident's class has no code
    assert "kind" not in view.nodes["https://w3id.org/casegraph/code/harm-type/sexual-exploitation"].properties
    vocab = vocabulary()
    codes = {code for classes in vocab.class_codes.values() for code in classes}
    assert {k for n in view.nodes.values() for k in n.properties.get("kinds", ())} <= codes


def test_codes_link_to_the_framework_nodes_they_count_under(view):
    links = {(r.type, r.start, r.end) for r in view.relationships if r.review is None and r.type != "SAME_AS"}
    code = "https://w3id.org/casegraph/code/"
    assert ("FRAMED_AS", code + "agency/police", code + "framework/criminal-justice-intervention") in links
    assert ("HARM_CODING", code + "context-type/school", code + "framework/harm-school") in links
    assert ("SAFETY_CODING", code + "context-type/school", code + "framework/safety-school") in links
    vocab = vocabulary()
    assert {(s, e) for t, s, e in links if t == "FRAMED_AS"} == set(vocab.framed_as.items())
    # every context type but not-stated has a framework node for harm and one for safety
    assert sum(t in ("HARM_CODING", "SAFETY_CODING") for t, _, _ in links) == 2 * (len(vocab.schemes["context-type"]) - 1)


def test_view_of_store_reads_review_by_review_with_progress(tmp_path):
    from casegraph.graph.view import view_of_store

    path = tmp_path / "store"
    load_paths([EXAMPLES, MINIMAL], path)
    with ReviewStore.open(path, write=True) as store:
        run_update(store, "INSERT DATA { GRAPH <https://w3id.org/casegraph/links> { "
                          "<https://w3id.org/casegraph/review/scr-30-2016/child-m> owl:sameAs "
                          "<https://w3id.org/casegraph/review/test-review-2016/child-t> } }")
    calls = []
    with ReviewStore.open(path) as store:
        stepped = view_of_store(store, lambda stage, done, total: calls.append((stage, done, total)))
        whole = build_view(store.review_quads())
    assert calls == [("reading reviews", n, 24) for n in range(1, 25)]
    assert stepped.nodes.keys() == whole.nodes.keys()
    assert sorted(map(repr, stepped.relationships)) == sorted(map(repr, whole.relationships))
    assert any(r.type == "SAME_AS" for r in stepped.relationships)
