"""Pushing the property-graph view to Neo4j, checked against the real test server (no mocks).

See tests/neo4j_fixtures.py for how the server is found; each test starts and ends with an
empty database.
"""
from __future__ import annotations

import datetime
import math
import socket
from collections import Counter
from pathlib import Path

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.graph.view import Node, PropertyGraph, Relationship, build_view
from casegraph.exchange.neo4j_push import PushReport, push_view, push_view_naively
from casegraph.graph.cypher.neo4j import Neo4jError, Neo4jSettings, connect
from casegraph.queries.sparql import run_update
from tests.conftest import EXAMPLES, MINIMAL
from tests.neo4j_fixtures import load_view, stored_graph, view_graph

BASE = "https://w3id.org/casegraph/review/test-review-2016/"
INJECTION = '"}) DETACH DELETE n //'


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> PropertyGraph:
    return load_view([EXAMPLES, MINIMAL], tmp_path_factory.mktemp("neo4j") / "store")


@pytest.fixture(scope="module")
def minimal(tmp_path_factory) -> PropertyGraph:
    """One review: enough for the slow one-statement-per-element baseline."""
    return load_view([MINIMAL], tmp_path_factory.mktemp("neo4j") / "store")


@pytest.fixture
def settings(driver) -> Neo4jSettings:
    return Neo4jSettings.from_env()


def count(driver, query: str) -> int:
    records, _, _ = driver.execute_query(query)
    return records[0][0]


def edited_minimal(directory: Path, *edits: tuple[str, str]) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "minimal.yaml").write_text(text, encoding="utf-8")
    return directory / "minimal.yaml"


# -- settings and connecting -------------------------------------------------------------------
def test_settings_come_from_arguments_then_the_environment(monkeypatch):
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    assert Neo4jSettings.from_env() == Neo4jSettings("bolt://localhost:7687", "neo4j", "", None)
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "from-env")
    monkeypatch.setenv("NEO4J_DATABASE", "reviews")
    settings = Neo4jSettings.from_env(username="analyst", database="other")
    assert (settings.uri, settings.username, settings.password, settings.database) == (
        "neo4j://db.example:7687", "analyst", "from-env", "other")
    assert "from-env" not in repr(settings)


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message and message
    return message


def test_a_wrong_password_is_one_clear_line_without_the_password(empty_neo4j, settings):
    wrong = Neo4jSettings(settings.uri, settings.username, "not-the-Password-42")
    with pytest.raises(Neo4jError) as error:
        connect(wrong)
    message = one_line(error)
    assert f"refused the login of user {settings.username!r}" in message and "NEO4J_PASSWORD" in message
    assert wrong.password not in message and settings.password not in message
    assert count(empty_neo4j, "MATCH (n) RETURN count(n)") == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_an_unreachable_server_is_one_clear_line(scheme):
    uri = f"{scheme}://127.0.0.1:{free_port()}"
    with pytest.raises(Neo4jError) as error:
        connect(Neo4jSettings(uri, "neo4j", "s3cret-password"))
    message = one_line(error)
    assert message.startswith(f"cannot reach Neo4j at {uri}") and "NEO4J_URI" in message
    assert "s3cret-password" not in message


def test_a_missing_database_and_a_bad_uri_are_one_clear_line(settings):
    with pytest.raises(Neo4jError) as error:
        connect(Neo4jSettings(settings.uri, settings.username, settings.password, "no-such-db"))
    assert "has no database 'no-such-db'" in one_line(error) and "NEO4J_DATABASE" in str(error.value)
    with pytest.raises(Neo4jError) as error:
        connect(Neo4jSettings("http://user:s3cret@127.0.0.1:7474", "neo4j", "s3cret"))
    assert "is not a Bolt URI" in one_line(error) and "s3cret" not in str(error.value)
    with pytest.raises(Neo4jError) as error:
        connect(Neo4jSettings("neo4j://user:s3cret@127.0.0.1:7687", "neo4j", "s3cret"))
    assert "carries a user name or password" in one_line(error) and "s3cret" not in str(error.value)


def test_connect_gives_a_driver_for_a_with_block(settings):
    with connect(settings) as driver:
        assert count(driver, "RETURN 1") == 1


# -- pushing -----------------------------------------------------------------------------------
def test_push_writes_every_node_label_and_relationship_type_of_the_view(empty_neo4j, examples):
    steps = []
    report = push_view(empty_neo4j, examples, progress=lambda *step: steps.append(step))

    labels = Counter(label for node in examples.nodes.values() for label in node.labels)
    for label, expected in labels.items():
        assert count(empty_neo4j, f"MATCH (n:`{label}`) RETURN count(n)") == expected, label
    types = Counter(r.type for r in set(examples.relationships))
    for type_, expected in types.items():
        assert count(empty_neo4j, f"MATCH ()-[r:`{type_}`]->() RETURN count(r)") == expected, type_
    assert stored_graph(empty_neo4j) == view_graph(examples)  # labels, properties and ends too

    assert (report.nodes_written, report.nodes_created) == (len(examples.nodes),) * 2
    assert report.relationships_created == len(set(examples.relationships))
    assert (report.nodes_removed, report.relationships_removed, report.labels_removed) == (0, 0, 0)
    assert steps[-1][0] == "relationships" and steps[-1][1] == steps[-1][2] == report.relationships_written
    assert [s for s in steps if s[0] == "nodes"][-1][1:] == (len(examples.nodes),) * 2


def test_a_node_matches_every_label_it_carries(empty_neo4j, examples):
    push_view(empty_neo4j, examples)
    young = [n for n in examples.nodes.values() if {"Person", "YoungPerson"} <= n.labels]
    assert young and count(empty_neo4j, "MATCH (p:Person:YoungPerson) RETURN count(p)") == len(young)
    assert count(empty_neo4j, "MATCH (p:Person:Record) RETURN count(p)") == sum(
        "Person" in n.labels for n in examples.nodes.values())


def test_pushing_twice_changes_nothing(empty_neo4j, examples):
    first = push_view(empty_neo4j, examples)
    before = stored_graph(empty_neo4j)
    second = push_view(empty_neo4j, examples, database="neo4j")  # the default database, named
    assert first.changed and not second.changed
    assert (second.nodes_written, second.relationships_written) == (first.nodes_written, first.relationships_written)
    assert stored_graph(empty_neo4j) == before == view_graph(examples)


def test_small_batches_write_the_same_graph_in_more_transactions(empty_neo4j, examples):
    steps = []
    report = push_view(empty_neo4j, examples, batch_size=50, progress=lambda *step: steps.append(step))
    assert stored_graph(empty_neo4j) == view_graph(examples)
    by_step = Counter(step for step, _, _ in steps)
    assert by_step["nodes"] >= math.ceil(len(examples.nodes) / 50)
    assert report.batches == len(steps)
    done = [d for step, d, _ in steps if step == "relationships"]
    assert done == sorted(done)


def test_an_interrupted_push_completes_when_run_again(empty_neo4j, examples):
    class Interrupted(Exception):
        pass

    def stop_after_thirty_nodes(step, done, total):
        if step == "nodes" and done >= 30:
            raise Interrupted

    with pytest.raises(Interrupted):
        push_view(empty_neo4j, examples, batch_size=10, progress=stop_after_thirty_nodes)
    assert 0 < count(empty_neo4j, "MATCH (n) RETURN count(n)") < len(examples.nodes)
    push_view(empty_neo4j, examples)
    assert stored_graph(empty_neo4j) == view_graph(examples)


def test_reloading_a_changed_review_removes_what_it_no_longer_says(empty_neo4j, tmp_path):
    store = tmp_path / "store"
    push_view(empty_neo4j, load_view([EXAMPLES, MINIMAL], store))
    others = {iri: node for iri, node in stored_graph(empty_neo4j)[0].items() if not iri.startswith(BASE)}

    edited = edited_minimal(
        tmp_path / "edited",
        ("  - id: sw-1\n    role: professional\n    agency: childrens-social-care\n", ""),  # a person removed
        ("    role: peer\n", "    role: family-member\n"),  # peer-b: Peer -> FamilyMember
        ("    places: [park-1]\n", ""))  # inc-2 no longer OCCURRED_AT park-1 (both stay)
    changed = load_view([edited], store)  # every review; only test-review-2016 changed
    with ReviewStore.open(store) as opened:
        only_changed = build_view(opened.review_quads(["test-review-2016"]))

    report = push_view(empty_neo4j, only_changed)  # the other reviews are not in this view
    nodes, relationships = stored_graph(empty_neo4j)
    assert (nodes, relationships) == view_graph(changed)
    assert BASE + "sw-1" not in nodes
    assert not any(BASE + "sw-1" in (start, end) for _, start, end, _ in relationships)
    assert nodes[BASE + "peer-b"][0] == {"Record", "Person", "FamilyMember"}
    assert ("OCCURRED_AT", BASE + "inc-2", BASE + "park-1", (("review", "test-review-2016"),)) not in relationships
    assert BASE + "park-1" in nodes
    assert {iri: node for iri, node in nodes.items() if not iri.startswith(BASE)} == others
    assert (report.nodes_removed, report.labels_removed) == (1, 1)
    # sw-1's AGENCY and DESCRIBES, inc-2's OCCURRED_AT, and the connection it derived (child-t to park-1)
    assert report.relationships_removed == 4
    assert count(empty_neo4j, "MATCH (p:Peer {review: 'test-review-2016'}) RETURN count(p)") == 0


def test_links_without_a_review_are_removed_when_the_view_drops_them(empty_neo4j, tmp_path):
    store = tmp_path / "store"
    load_view([EXAMPLES, MINIMAL], store)
    link = (f"<{BASE}mr-a> owl:sameAs <https://w3id.org/casegraph/review/scr-30-2016/mr-c>")
    with ReviewStore.open(store, write=True) as opened:
        run_update(opened, f"INSERT DATA {{ GRAPH <https://w3id.org/casegraph/links> {{ {link} }} }}")
        linked = build_view(opened.review_quads())
    push_view(empty_neo4j, linked)
    assert count(empty_neo4j, "MATCH ()-[r:SAME_AS]->() WHERE r.review IS NULL RETURN count(r)") == 1

    with ReviewStore.open(store, write=True) as opened:
        run_update(opened, f"DELETE DATA {{ GRAPH <https://w3id.org/casegraph/links> {{ {link} }} }}")
        unlinked = build_view(opened.review_quads())
    report = push_view(empty_neo4j, unlinked)
    assert report.relationships_removed == 1
    assert stored_graph(empty_neo4j) == view_graph(unlinked)


def test_the_naive_baseline_writes_the_same_graph(empty_neo4j, minimal):
    report = push_view_naively(empty_neo4j, minimal)
    assert isinstance(report, PushReport) and report.nodes_created == len(minimal.nodes)
    assert report.relationships_created == len(set(minimal.relationships)) and report.batches == 0
    assert stored_graph(empty_neo4j) == view_graph(minimal)
    assert not push_view(empty_neo4j, minimal).changed


# -- the model a Neo4j user expects -------------------------------------------------------------
def test_dates_are_neo4j_dates_and_codes_plain_properties(empty_neo4j, examples, settings):
    from neo4j.time import Date

    from casegraph.graph.cypher.neo4j import Neo4jCypher

    push_view(empty_neo4j, examples)
    records, _, _ = empty_neo4j.execute_query(
        "MATCH (i:Incident {iri: $iri}) RETURN i.dateEarliest AS date, i.dateEarliestEpochDay AS day, "
        "i.dateText AS text, i.harmTypes AS harm", iri=BASE + "inc-1")
    (row,) = records
    assert isinstance(row["date"], Date) and row["date"] == datetime.date(2015, 1, 1)
    assert (row["day"], row["text"], row["harm"]) == (16436, "early 2015", ["sexual-exploitation"])
    assert count(empty_neo4j, "MATCH (n) WHERE n.dateEarliest IS :: STRING NOT NULL RETURN count(n)") == 0
    assert count(empty_neo4j, f"MATCH (p:Person {{gender: 'female', iri: '{BASE}child-t'}}) RETURN count(p)") == 1
    assert count(empty_neo4j, f"MATCH (:Person {{iri: '{BASE}child-t'}})-[:GENDER]->(:Concept {{code: 'female'}}) "
                              "RETURN count(*)") == 1  # the Concept relationship stays
    assert count(empty_neo4j, "MATCH (r:ProfessionalResponse) WHERE r.agency IS :: STRING NOT NULL AND "
                              "r.responseKind IS :: STRING NOT NULL RETURN count(r)") == count(
        empty_neo4j, "MATCH (r:ProfessionalResponse) RETURN count(r)")
    with Neo4jCypher(settings) as engine:  # casegraph's engine gives ISO text, as the embedded one does
        result = engine.run("MATCH (i:Incident {iri: $iri}) RETURN i.dateEarliest, i", {"iri": BASE + "inc-1"})
    assert result.rows[0][0] == "2015-01-01" and result.rows[0][1]["properties"]["dateLatest"] == "2015-04-30"


def test_a_relationship_record_is_one_relationship_with_its_properties(empty_neo4j, examples):
    push_view(empty_neo4j, examples)
    assert count(empty_neo4j, "MATCH (n:Relationship) RETURN count(n)") == 0
    assert count(empty_neo4j, "MATCH ()-[r:SUBJECT|OBJECT]->() RETURN count(r)") == 0
    records, _, _ = empty_neo4j.execute_query(
        "MATCH (a {iri: $a})-[r]->(b {iri: $b}) WHERE type(r) <> 'CONNECTED_THROUGH' "
        "RETURN type(r) AS type, properties(r) AS properties", a=BASE + "child-t", b=BASE + "peer-b")
    assert [(r["type"], r["properties"]) for r in records] == [("FRIEND_OF", {
        "iri": BASE + "rel-1", "identifier": "rel-1", "kind": "friend", "kindLabel": "friend of",
        "recordLabels": ["Record", "Relationship"], "review": "test-review-2016"})]


def test_replacing_a_review_removes_its_relationship_records_and_old_record_nodes(empty_neo4j, tmp_path):
    store = tmp_path / "store"
    push_view(empty_neo4j, load_view([MINIMAL], store))
    # what a push of the earlier view left: the record as a node beside the relationship
    empty_neo4j.execute_query("CREATE (:Record:Relationship {iri: $iri, review: 'test-review-2016'})",
                              iri=BASE + "rel-old")
    rel = "relationships:\n  - id: rel-1\n    from: child-t\n    to: peer-b\n    kind: friend\n"
    twice = rel + rel[len("relationships:\n"):].replace("rel-1", "rel-2")
    doubled = load_view([edited_minimal(tmp_path / "twice", (rel, twice))], store)
    report = push_view(empty_neo4j, doubled)
    assert report.nodes_removed == 1 and stored_graph(empty_neo4j) == view_graph(doubled)
    assert count(empty_neo4j, "MATCH ()-[r:FRIEND_OF]->() RETURN count(r)") == 2  # two records, two relationships
    assert not push_view(empty_neo4j, doubled).changed

    report = push_view(empty_neo4j, load_view([edited_minimal(tmp_path / "none", (rel, ""))], store))
    assert report.relationships_removed == 2
    assert count(empty_neo4j, "MATCH ()-[r:FRIEND_OF]->() RETURN count(r)") == 0


# -- values stay values ------------------------------------------------------------------------
def test_a_value_carrying_cypher_stays_a_value(empty_neo4j, tmp_path):
    edited = edited_minimal(tmp_path / "edited", ("name: Child T", f"name: '{INJECTION}'"))
    view = load_view([edited], tmp_path / "store")
    push_view_naively(empty_neo4j, view)
    push_view(empty_neo4j, view)
    records, _, _ = empty_neo4j.execute_query("MATCH (n {label: $label}) RETURN n.iri AS iri", label=INJECTION)
    assert [r["iri"] for r in records] == [BASE + "child-t"]
    assert stored_graph(empty_neo4j) == view_graph(view)


def test_a_label_that_is_not_a_plain_name_is_refused_before_anything_is_written(empty_neo4j):
    a, b = "https://example.org/a", "https://example.org/b"
    view = PropertyGraph({a: Node(a, {"Record"}, {"iri": a, "review": "r"}),
                          b: Node(b, {"Record", "Person", INJECTION}, {"iri": b, "review": "r"})},
                         [Relationship("KNOWS", a, b, "r")])
    with pytest.raises(Neo4jError, match="is not a Neo4j name casegraph writes"):
        push_view(empty_neo4j, view)
    assert count(empty_neo4j, "MATCH (n) RETURN count(n)") == 0

    view.nodes[b].labels = {"Record", "Person"}
    bad_type = PropertyGraph(view.nodes, [Relationship("KNOWS]->() DETACH DELETE a //", a, b, "r")])
    with pytest.raises(Neo4jError, match="is not a Neo4j name"):
        push_view(empty_neo4j, bad_type)
    assert count(empty_neo4j, "MATCH (n) RETURN count(n)") == 0  # not even the nodes


def test_a_node_without_one_key_label_or_with_a_mixed_list_is_refused(empty_neo4j):
    a = "https://example.org/a"
    with pytest.raises(Neo4jError, match="not exactly one of Review, Record, Evidence, Detail, Concept"):
        push_view(empty_neo4j, PropertyGraph({a: Node(a, {"Person"}, {"iri": a})}, []))
    with pytest.raises(Neo4jError, match=r"property 'note' mixes \['bool', 'str'\]"):
        push_view(empty_neo4j, PropertyGraph({a: Node(a, {"Record"}, {"iri": a, "note": [True, "x"]})}, []))
    assert count(empty_neo4j, "MATCH (n) RETURN count(n)") == 0


def test_server_errors_during_a_push_are_one_line_saying_to_run_it_again(empty_neo4j, examples):
    empty_neo4j.execute_query("CREATE CONSTRAINT casegraph_test_label IF NOT EXISTS "
                              "FOR (n:Person) REQUIRE n.review IS UNIQUE")  # a review has several people
    try:
        with pytest.raises(Neo4jError) as error:
            push_view(empty_neo4j, examples)
        assert "run the push again" in one_line(error)
    finally:
        empty_neo4j.execute_query("DROP CONSTRAINT casegraph_test_label IF EXISTS")
