"""Shared by the tests that need the real Neo4j test server; import the fixtures you use.

scripts/run-tests starts one with tests/servers/neo4j.sh (embedded Neo4j 5.26 Community, Bolt on
127.0.0.1) and sets NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD. Without them these tests skip,
except under CI=true, where they fail: CI must never skip them silently.

Community edition has one database, so tests that write empty it before and after (the
``empty_neo4j`` fixture); the tests run one at a time.
"""
from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

URI_ENV = "NEO4J_URI"


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def skip_or_fail(problem: str) -> None:
    """Skip locally; fail under CI=true, where the Neo4j tests must run."""
    if under_ci():
        pytest.fail(f"CI=true, so the Neo4j tests must run: {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def driver():
    """A driver for the test server, checked to answer; a skip locally, a failure under CI=true.

    At the end of the module the casegraph_* constraints and indexes pushes made are dropped.
    They stay between tests: dropping them makes the server plan every query anew (seconds).
    """
    uri = os.environ.get(URI_ENV, "")
    if not uri:
        skip_or_fail(f"{URI_ENV} is not set (scripts/run-tests starts Neo4j with tests/servers/neo4j.sh)")
    try:
        import neo4j
    except ImportError as error:
        skip_or_fail(f"the neo4j driver is not installed: {error}")
    auth = (os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        driver.verify_connectivity()  # fails, not skips: a server that was started must answer
        yield driver
        drop_schema(driver)


@pytest.fixture
def empty_neo4j(driver):
    """The test server's database, empty before the test and emptied after it."""
    driver.execute_query("MATCH (n) DETACH DELETE n")
    yield driver
    driver.execute_query("MATCH (n) DETACH DELETE n")


def drop_schema(driver) -> None:
    """Drop the constraints and indexes whose names start with casegraph_ (push_view's)."""
    for kind, plural in (("CONSTRAINT", "CONSTRAINTS"), ("INDEX", "INDEXES")):
        records, _, _ = driver.execute_query(f"SHOW {plural} YIELD name WHERE name STARTS WITH 'casegraph_' "
                                             "RETURN name")
        for record in records:  # names are ours (casegraph_...), never user input
            driver.execute_query(f"DROP {kind} `{record['name']}` IF EXISTS")


def load_view(paths: list[Path], store_path: Path):
    """Load review files into a store and return its property-graph view."""
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view import build_view
    from casegraph.graph.loading import load_paths

    report = load_paths(paths, store_path)
    assert not report.failed, [str(r.error) for r in report.failed]
    with ReviewStore.open(store_path) as store:
        return build_view(store.review_quads())


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _neo4j_value(value: object) -> object:
    from neo4j.time import Date

    if isinstance(value, list):
        return [_neo4j_value(item) for item in value]
    return Date.from_native(value) if isinstance(value, datetime.date) else value


def stored_graph(driver) -> tuple[dict, set]:
    """Everything in the database: {iri: (labels, properties)} and {(type, start, end, properties)}
    (relationship properties as sorted (name, value) pairs, lists as tuples)."""
    records, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties")
    nodes = {r["properties"]["iri"]: (frozenset(r["labels"]), r["properties"]) for r in records}
    assert len(nodes) == len(records), "two nodes with the same iri"
    records, _, _ = driver.execute_query("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.iri AS start, b.iri AS end, "
                                         "properties(r) AS properties")
    relationships = {(r["type"], r["start"], r["end"], tuple(sorted((k, _hashable(v)) for k, v in
                                                                    r["properties"].items()))) for r in records}
    assert len(relationships) == len(records), "a relationship written twice"
    return nodes, relationships


def view_graph(view) -> tuple[dict, set]:
    """The view in stored_graph's shape: what Neo4j should hold after pushing it (dates with an
    EpochDay twin as Neo4j dates, a relationship record's properties on its relationship)."""
    def stored(properties: dict) -> dict:
        from casegraph.graph.cypher.neo4j import typed_dates

        return {k: _neo4j_value(v) for k, v in typed_dates(properties).items()}

    nodes = {iri: (frozenset(n.labels), stored(n.properties)) for iri, n in view.nodes.items()}
    relationships = set()
    for r in view.relationships:
        properties = {**r.properties, **({} if r.review is None else {"review": r.review})}
        relationships.add((r.type, r.start, r.end, tuple(sorted((k, _hashable(v)) for k, v in
                                                                stored(properties).items()))))
    return nodes, relationships
