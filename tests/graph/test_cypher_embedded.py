"""The embedded Cypher engine: Neo4j's meaning of labels, a cached view, a private child process."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- kept in line review by review -----------------------------------------------------------------
def _graph(engine) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (type, ends' iris, properties), sorted."""
    nodes = engine.run("MATCH (n) RETURN labels(n), properties(n)").rows
    relationships = engine.run("MATCH (s)-[r]->(e) RETURN type(r), s.iri, e.iri, properties(r)").rows
    return (sorted((sorted(labels), sorted(props.items(), key=str)) for labels, props in nodes),
            sorted((t, s, e, sorted(props.items(), key=str)) for t, s, e, props in relationships))


def _built_afresh(store, tmp_path):
    fresh = tmp_path / "fresh"
    shutil.copytree(store, fresh, ignore=shutil.ignore_patterns("cypher", "views"))
    with EmbeddedCypher(fresh) as engine:
        return _graph(engine)


def test_a_reload_replaces_that_review_alone_and_the_graph_is_as_if_built_afresh(tmp_path, monkeypatch):
    from casegraph.graph.cypher import falkor_view
    from tests.loaders.test_review2 import EVERY, OTHER

    store = tmp_path / "store"
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    for path in (MINIMAL, EVERY, EXAMPLES / "scr-30-2016.yaml", EXAMPLES / "scr-1-2016.yaml"):
        shutil.copy(path, reviews)
    load_paths([reviews], store)
    with EmbeddedCypher(store) as engine:
        before = count(engine, "MATCH (n) RETURN count(n)")
    wholes = []
    real_load = falkor_view.load_view
    monkeypatch.setattr(falkor_view, "load_view", lambda *a, **k: (wholes.append(1), real_load(*a, **k)))
    # one review edited, one added (its incident the same event as one already held), one removed
    (reviews / MINIMAL.name).write_text(MINIMAL.read_text(encoding="utf-8").replace("Child T", "Child Tee"),
                                        encoding="utf-8")
    load_paths([reviews / MINIMAL.name, OTHER], store)  # the store is rebuilt: the graph updated in place
    with ReviewStore.open(store, write=True) as opened:
        opened.remove("scr-1-2016")
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (p:YoungPerson {label: $name}) RETURN count(p)", name="Child Tee") >= 1
        assert count(engine, "MATCH (p:YoungPerson {label: $name}) RETURN count(p)", name="Child T") == 0
        assert count(engine, "MATCH (:Review {review: $r}) RETURN count(*)", r="scr-1-2016") == 0
        assert count(engine, "MATCH (:Incident)-[:SAME_EVENT_AS]->(:Incident) RETURN count(*)") == 2
        assert count(engine, "MATCH (n) RETURN count(n)") != before
        graph = _graph(engine)
    assert wholes == []  # never the whole corpus
    assert graph == _built_afresh(store, tmp_path)


def test_removing_the_review_another_points_into_keeps_the_rest(tmp_path):
    from tests.loaders.test_review2 import EVERY, OTHER

    store = tmp_path / "store"
    load_paths([EVERY, OTHER, MINIMAL], store)
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (:Incident)-[:SAME_EVENT_AS]->(:Incident) RETURN count(*)") == 2
    with ReviewStore.open(store, write=True) as opened:
        opened.remove("other-review-2022")
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (:Incident)-[:SAME_EVENT_AS]->(:Incident) RETURN count(*)") == 0
        graph = _graph(engine)
    assert graph == _built_afresh(store, tmp_path)
    load_paths([OTHER], store)  # back again: the links between the two reviews come back
    with EmbeddedCypher(store) as engine:
        assert count(engine, "MATCH (:Incident)-[:SAME_EVENT_AS]->(:Incident) RETURN count(*)") == 2
        graph = _graph(engine)
    assert graph == _built_afresh(store, tmp_path / "again")


TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))  # FalkorDB's parser ends a query at NUL, either way; review files refuse lone surrogates


@settings(max_examples=150, deadline=None)
@given(st.one_of(TEXT, st.integers(-2**53, 2**53), st.booleans(), st.none(),
                 st.floats(allow_nan=False, allow_infinity=False),
                 st.lists(st.one_of(TEXT, st.integers(-2**53, 2**53)), max_size=4),
                 st.dictionaries(st.sampled_from(["iri", "label", "dateEarliestEpochDay"]), TEXT, max_size=3),
                 # the rows of a batched write: maps of ids and of properties, in a list
                 st.lists(st.fixed_dictionaries({"s": st.integers(0, 2**31), "props": st.dictionaries(
                     st.sampled_from(["iri", "label", "harmTypes"]), st.one_of(TEXT, st.lists(TEXT, max_size=2)),
                     max_size=3)}), max_size=3)))
def test_the_quick_parameter_header_binds_each_value_as_the_client_would(engine, value):
    from casegraph.graph.cypher.falkor_view import cypher_literal

    [[back]] = engine.graph.query(f"CYPHER v={cypher_literal(value)} RETURN $v").result_set
    [[expected]] = engine.graph.query("RETURN $v", {"v": value}).result_set
    assert back == expected
    if not isinstance(value, float):
        assert back == value
