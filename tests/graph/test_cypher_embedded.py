"""The embedded Cypher engine: Neo4j's meaning of labels, a cached view, a private child process."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from casegraph.errors import QueryError
from casegraph.graph.cypher.embedded import EmbeddedCypher
from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view
from casegraph.graph.loading import load_paths
from tests.conftest import EXAMPLES, MINIMAL


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cypher") / "store"
    load_paths([MINIMAL, EXAMPLES], path)
    return path


@pytest.fixture(scope="module")
def engine(store):
    with EmbeddedCypher(store) as engine:
        yield engine


@pytest.fixture(scope="module")
def view(store):
    with ReviewStore.open(store) as opened:
        return build_view(opened.review_quads())


def count(engine, query, **params) -> int:
    return engine.run(query, params).rows[0][0]


def test_the_engine_holds_the_whole_view(engine, view):
    assert count(engine, "MATCH (n) RETURN count(n)") == len(view.nodes)
    assert count(engine, "MATCH ()-[r]->() RETURN count(r)") == len(view.relationships)


def test_several_labels_in_a_pattern_mean_all_of_them(engine, view):
    young = sum(1 for n in view.nodes.values() if {"Person", "YoungPerson"} <= n.labels)
    people = sum(1 for n in view.nodes.values() if "Person" in n.labels)
    assert 0 < young < people
    assert count(engine, "MATCH (p:Person:YoungPerson) RETURN count(p)") == young
    assert count(engine, "MATCH (p:Person) RETURN count(p)") == people
    assert count(engine, "MATCH (p:YoungPerson:Adult) RETURN count(p)") == 0


def test_nodes_come_back_as_plain_values(engine):
    [[node]] = engine.run("MATCH (p:YoungPerson {iri: $iri}) RETURN p",
                          {"iri": "https://w3id.org/casegraph/review/test-review-2016/child-t"}).rows
    assert node["labels"] == ["Person", "Record", "YoungPerson"]
    assert node["properties"]["label"] == "Child T" and node["properties"]["review"] == "test-review-2016"


@pytest.mark.parametrize("hostile", ["') DETACH DELETE n //", 'x" }) RETURN 1 //', "\\' OR 1=1", "$other"])
def test_parameter_values_stay_values(engine, view, hostile):
    assert engine.run("RETURN $value AS value", {"value": hostile}).rows == [[hostile]]
    assert engine.run("MATCH (n {label: $value}) RETURN n", {"value": hostile}).rows == []
    assert count(engine, "MATCH (n) RETURN count(n)") == len(view.nodes)


def test_writes_are_refused_by_default(engine, view):
    with pytest.raises(QueryError, match="--allow-update"):
        engine.run("MATCH (n) DETACH DELETE n")
    assert count(engine, "MATCH (n) RETURN count(n)") == len(view.nodes)


def test_syntax_errors_name_line_and_column(engine):
    with pytest.raises(QueryError, match=r"Cypher syntax error at line 2, column \d+"):
        engine.run("MATCH (n)\nRETURN n ORDER")


def test_the_view_is_cached_and_rebuilt_only_when_the_reviews_change(tmp_path):
    store = tmp_path / "store"
    load_paths([MINIMAL], store)
    with EmbeddedCypher(store) as engine:
        before = count(engine, "MATCH (n) RETURN count(n)")
    built = (store / "cypher" / "view.rdb").stat().st_mtime_ns
    with EmbeddedCypher(store) as engine:  # unchanged: the saved view is read, not rebuilt
        assert count(engine, "MATCH (n) RETURN count(n)") == before
    assert (store / "cypher" / "view.rdb").stat().st_mtime_ns == built
    load_paths([EXAMPLES / "scr-30-2016.yaml"], store)
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (n:Review) RETURN count(n)") == 2
        assert count(engine, "MATCH (n) RETURN count(n)") > before


def test_allowed_writes_last_until_the_reviews_change(tmp_path):
    store = tmp_path / "store"
    load_paths([MINIMAL], store)
    with EmbeddedCypher(store) as engine:
        engine.run("CREATE (:Note {text: $text})", {"text": "seen"}, allow_update=True)
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (n:Note) RETURN count(n)") == 1
    load_paths([EXAMPLES / "scr-30-2016.yaml"], store)
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (n:Note) RETURN count(n)") == 0


def test_the_engine_listens_on_no_tcp_port(engine):
    config = engine.server.client.connection.config_get("port")
    assert config["port"] == "0"


def test_the_child_process_ends_with_the_engine_and_with_its_parent(store):
    with EmbeddedCypher(store) as engine:
        child = engine.server.process
    assert child.poll() is not None
    # A parent killed outright (no chance to clean up) takes the engine with it.
    code = ("import sys, time; from pathlib import Path; from casegraph.graph.cypher.embedded import EmbeddedCypher\n"
            f"e = EmbeddedCypher(Path({str(store)!r})); print(e.server.process.pid, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its (dead) parent counts as gone
        return stat.read().split(")")[-1].split()[0] != "Z"
