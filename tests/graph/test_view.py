"""The property-graph view: labels, relationship types and properties named from the ontology."""
from __future__ import annotations

import datetime
import re

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.graph.cypher.neo4j import typed_dates
from casegraph.graph.view import build_view, values
from casegraph.graph.view_names import code_property_name, property_name, relationship_type
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
    (friends,) = [r for r in view.relationships if r.type == "FRIEND_OF" and r.start == BASE + "child-t"]
    assert (friends.end, friends.review) == (BASE + "peer-b", "test-review-2016")
    same = [r for r in view.relationships if r.type == "SAME_AS"]
    assert [(r.start, r.review) for r in same] == [(BASE + "mr-a", None)]


def test_a_relationship_record_is_one_relationship_carrying_its_properties(view):
    assert BASE + "rel-1" not in view.nodes
    assert not [n for n in view.nodes.values() if "Relationship" in n.labels]
    assert not [r for r in view.relationships if r.type in ("SUBJECT", "OBJECT")]
    assert not [r for r in view.relationships if BASE + "rel-1" in (r.start, r.end)]
    (friends,) = [r for r in view.relationships if r.type == "FRIEND_OF" and r.start == BASE + "child-t"]
    assert friends.properties == {"iri": BASE + "rel-1", "identifier": "rel-1", "kind": "friend",
                                  "kindLabel": "friend of", "recordLabels": ["Record", "Relationship"]}
    # its evidence: the Evidence node stays, named by iri and its excerpt carried along
    record = "https://w3id.org/casegraph/review/scr-49-2013/rel-ex"
    (ex,) = [r for r in view.relationships if r.properties.get("iri") == record]
    assert ex.type == "INTIMATE_PARTNER_OF" and ex.review == "scr-49-2013"
    assert ex.properties["evidence"] == record + "#evidence" and record + "#evidence" in view.nodes
    assert ex.properties["evidenceQuote"] == view.nodes[record + "#evidence"].properties["quote"]
    assert {"evidencePage", "evidenceNote", "evidenceParaphrase"} <= ex.properties.keys()


def test_two_records_of_one_relationship_are_two_relationships(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    again = "  - id: rel-1\n    from: child-t\n    to: peer-b\n    kind: friend\n"
    assert again in text
    edited = tmp_path / "minimal.yaml"
    edited.write_text(text.replace(again, again + again.replace("rel-1", "rel-2")), encoding="utf-8")
    load_paths([edited], tmp_path / "store")
    with ReviewStore.open(tmp_path / "store") as store:
        view = build_view(store.review_quads())
    friends = [r for r in view.relationships if r.type == "FRIEND_OF"]
    assert sorted(r.properties["identifier"] for r in friends) == ["rel-1", "rel-2"]
    assert {(r.start, r.end) for r in friends} == {(BASE + "child-t", BASE + "peer-b")}


def test_codes_are_plain_properties_beside_their_concept_relationships(view):
    child, incident = view.nodes[BASE + "child-t"], view.nodes[BASE + "inc-1"]
    assert child.properties["gender"] == "female"
    assert ("GENDER", BASE + "child-t", "https://w3id.org/casegraph/code/gender/female") in {
        (r.type, r.start, r.end) for r in view.relationships}  # the Concept relationship stays
    assert incident.properties["harmTypes"] == ["sexual-exploitation"]  # a list, even of one
    review = view.nodes["https://w3id.org/casegraph/review/test-review-2016"].properties
    assert review["harmTypes"] == ["peer-on-peer-abuse", "sexual-exploitation"] and review["reviewKind"] == "scr"
    response = view.nodes[BASE + "resp-1"].properties
    assert (response["agency"], response["responseKind"], response["targetLevel"]) == (
        "childrens-social-care", "assessment", "individual")
    # every code relationship of a record has its property, holding the Concept's code
    name_of = {relationship_type(p): code_property_name(p) for p in vocabulary().object_properties}
    coded = [r for r in view.relationships if r.review is not None and "Concept" in view.nodes[r.end].labels]
    assert len(coded) > 100
    for r in coded:
        assert view.nodes[r.end].properties["code"] in values(view.nodes[r.start].properties[name_of[r.type]]), r


def test_code_property_names_come_from_the_ontology_and_clash_with_nothing():
    vocab = vocabulary()
    names = {code_property_name(p) for p in vocab.object_properties}
    assert {code_property_name(CG + p) for p in ("gender", "agency", "responseKind", "challengeTopic")} == {
        "gender", "agency", "responseKind", "challengeTopic"}  # one value: functional, or maxCount 1
    assert [code_property_name(CG + p) for p in ("harmType", "recommendationTheme", "codedAs")] == [
        "harmTypes", "recommendationThemes", "codedAs"]
    assert not names & {property_name(p) for p in vocab.datatype_properties}
    assert not names & {"kind", "kinds", "kindLabel", "label", "iri", "review", "code", "scheme", "recordLabels"}


def test_full_dates_become_dates_for_neo4j_and_partial_ones_stay_text(view):
    incident = typed_dates(view.nodes[BASE + "inc-1"].properties)
    assert incident["dateEarliest"] == datetime.date(2015, 1, 1) and incident["dateText"] == "early 2015"
    assert incident["dateEarliestEpochDay"] == 16436  # the twin stays, for arithmetic on any engine
    assert view.nodes[BASE + "inc-1"].properties["dateEarliest"] == "2015-01-01"  # the view itself keeps text
    odd = {"dateEarliest": "2015", "dateLatest": ["2015-01-01", "2015-02-01"], "dateLatestEpochDay": [1, 2],
           "bornEarliest": ["2015-01-01", "2015"], "bornEarliestEpochDay": [16436]}
    assert typed_dates(odd) == {**odd, "dateLatest": [datetime.date(2015, 1, 1), datetime.date(2015, 2, 1)]}


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
    from casegraph.graph.view_cache import view_of_store

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
