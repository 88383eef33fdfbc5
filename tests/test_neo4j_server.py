"""The real Neo4j test server answers as the Neo4j tests need it to.

The `driver` fixture (tests/neo4j_fixtures.py) finds the server scripts/run-tests starts; without
one these tests skip, except under CI=true, where they fail.
"""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def tag(driver):
    """A value unique to this test on its nodes; they are deleted afterwards, pass or fail."""
    tag = f"casegraph-test-{uuid.uuid4()}"
    yield tag
    driver.execute_query("MATCH (n {test_tag: $tag}) DETACH DELETE n", tag=tag)


def test_server_is_neo4j_5(driver):
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                         "RETURN name, versions[0] AS version, edition")
    assert records[0]["name"] == "Neo4j Kernel"
    assert records[0]["version"].startswith("5.")


def test_multiple_labels_and_a_relationship_round_trip(driver, tag):
    driver.execute_query(
        """
        CREATE (young:Person:YoungPerson {name: 'A', test_tag: $tag})
        CREATE (adult:Person {name: 'B', test_tag: $tag})
        CREATE (place:Location {name: 'Park', test_tag: $tag})
        CREATE (young)-[:SEEN_AT {year: 2016}]->(place)
        CREATE (adult)-[:SEEN_AT {year: 2017}]->(place)
        """,
        tag=tag,
    )

    # Several labels in one pattern mean all of them: only the young person is both.
    records, _, _ = driver.execute_query(
        "MATCH (p:Person:YoungPerson {test_tag: $tag}) RETURN p.name AS name, labels(p) AS labels", tag=tag)
    assert [(r["name"], sorted(r["labels"])) for r in records] == [("A", ["Person", "YoungPerson"])]

    records, _, _ = driver.execute_query(
        "MATCH (p:Person {test_tag: $tag}) RETURN p.name AS name ORDER BY name", tag=tag)
    assert [r["name"] for r in records] == ["A", "B"]

    records, _, _ = driver.execute_query(
        """
        MATCH (p:Person:YoungPerson {test_tag: $tag})-[seen:SEEN_AT]->(place:Location)
        RETURN p.name AS person, type(seen) AS type, seen.year AS year, place.name AS place
        """,
        tag=tag,
    )
    assert [dict(r) for r in records] == [{"person": "A", "type": "SEEN_AT", "year": 2016, "place": "Park"}]


def test_cleanup_leaves_nothing(driver):
    tag = f"casegraph-test-{uuid.uuid4()}"
    driver.execute_query("CREATE (:Person:YoungPerson {test_tag: $tag})-[:KNOWS]->(:Person {test_tag: $tag})",
                         tag=tag)
    driver.execute_query("MATCH (n {test_tag: $tag}) DETACH DELETE n", tag=tag)
    records, _, _ = driver.execute_query("MATCH (n {test_tag: $tag}) RETURN count(n) AS n", tag=tag)
    assert records[0]["n"] == 0
