"""The whole view built with FalkorDB's bulk command is the graph the Cypher build makes."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.errors import StoreError
from casegraph.graph.cypher import falkor_bulk
from casegraph.graph.cypher.embedded import FalkorServer
from casegraph.graph.cypher.falkor_view import load_view, load_view_through_cypher
from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.graph.view import Node, PropertyGraph, Relationship
from casegraph.graph.view_cache import view_of_store
from tests.conftest import DATA, EXAMPLES, MINIMAL

NODES = ("MATCH (n) UNWIND labels(n) AS label WITH n, label ORDER BY label "
         "RETURN n.iri, collect(label), properties(n) ORDER BY n.iri")
RELATIONSHIPS = ("MATCH (a)-[r]->(b) RETURN a.iri, type(r), properties(r), b.iri "
                 "ORDER BY a.iri, type(r), b.iri, r.iri, r.review")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = FalkorServer(tmp_path_factory.mktemp("bulk"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def view(tmp_path_factory) -> PropertyGraph:
    from casegraph.synthetic import generate_corpus

    directory = tmp_path_factory.mktemp("bulk-view")
    corpus = generate_corpus(directory / "corpus", 20, 3)
    load_paths([EXAMPLES, MINIMAL, DATA / "links", DATA / "review2", *corpus.review_paths], directory / "store")
    with ReviewStore.open(directory / "store") as store:
        return view_of_store(store)


def both(server, view: PropertyGraph, name: str) -> tuple[list, list]:
    """Rows of the nodes and relationships of `view` built in bulk and through Cypher."""
    rows = []
    for build in (load_view, load_view_through_cypher):
        graph = server.client.select_graph(f"{name}-{build.__name__}")
        build(graph, view)
        rows.append((graph.query(NODES).result_set, graph.query(RELATIONSHIPS).result_set))
    return rows[0], rows[1]


def test_a_bulk_build_is_the_graph_the_cypher_build_makes(server, view):
    bulk, cypher = both(server, view, "corpus")
    assert len(bulk[0]) == len(view.nodes) and len(bulk[1]) == len(view.relationships)
    assert bulk == cypher


def test_a_bulk_build_indexes_every_label_and_waits_for_them(server, view):
    graph = server.client.select_graph("indexed")
    load_view(graph, view)
    indexed = {row[0]: row[1] for row in graph.query("CALL db.indexes() YIELD label, status RETURN label, status").result_set}
    assert indexed.keys() == {label for node in view.nodes.values() for label in node.labels}
    assert set(indexed.values()) == {"OPERATIONAL"}


@pytest.mark.parametrize("value, said", [(2**70, "beyond 64 bits"), ("before\x00after", "NUL character")])
def test_a_value_falkordb_cannot_hold_is_refused_naming_its_record(server, monkeypatch, value, said):
    sent = []
    monkeypatch.setattr(falkor_bulk, "_send", lambda *arguments: sent.append(1))
    odd = PropertyGraph({"a": Node("review/x/p-1", {"Record"}, {"iri": "review/x/p-1", "label": value})}, [])
    with pytest.raises(StoreError, match=f"review/x/p-1: .*{said}.*load it again"):
        load_view(server.client.select_graph("odd"), odd)
    assert not sent


def test_one_call_or_many_make_the_same_graph(server, view, monkeypatch):
    monkeypatch.setattr(falkor_bulk, "CALL_BYTES", 4096)
    calls = []
    real = server.client.connection.execute_command
    graph = server.client.select_graph("small-calls")
    graph.execute_command = lambda *arguments: (calls.append(arguments[0]), real(*arguments))[1]
    load_view(graph, view)
    assert calls.count("GRAPH.BULK") > 10
    assert graph.query(NODES).result_set == server.client.select_graph("corpus-load_view").query(NODES).result_set
    assert (graph.query(RELATIONSHIPS).result_set
            == server.client.select_graph("corpus-load_view").query(RELATIONSHIPS).result_set)


values = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1)
                      | st.floats(allow_nan=False, allow_infinity=False) | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
                      lambda inner: st.lists(inner.filter(lambda v: not isinstance(v, list) and v is not None), max_size=4),
                      max_leaves=4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "cName"]), values, max_size=3), min_size=1, max_size=4),
       st.data())
def test_any_values_come_back_as_the_cypher_build_stores_them(server, properties, data):
    # A view's properties are in sorted order, as each fragment is derived.
    nodes = {f"n{i}": Node(f"n{i}", {"Record"}, dict(sorted({**p, "iri": f"n{i}"}.items())))
             for i, p in enumerate(properties)}
    relationships = [Relationship("LINKS", "n0", f"n{i}", data.draw(st.sampled_from(["r", None])),
                                  data.draw(st.dictionaries(st.sampled_from(["w"]), values, max_size=1)))
                     for i in range(len(nodes))]
    view = PropertyGraph(nodes, relationships)
    for name in ("hypothesis-load_view", "hypothesis-load_view_through_cypher"):
        if name in server.client.list_graphs():
            server.client.select_graph(name).delete()
    bulk, cypher = both(server, view, "hypothesis")
    assert bulk == cypher
