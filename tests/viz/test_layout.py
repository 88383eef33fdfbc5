"""Positions computed before the page opens: every node placed, apart, deterministic, components apart."""
from __future__ import annotations

import itertools
import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.viz.layout import EDGE_LENGTH, positions


def _layout(graph: nx.Graph):
    return positions(list(graph.nodes), list(graph.edges))


@st.composite
def graphs(draw):
    parts = draw(st.lists(st.tuples(st.integers(1, 40), st.integers(0, 10_000)), min_size=1, max_size=6))
    return nx.disjoint_union_all([nx.gnp_random_graph(n, 0.15, seed=seed) for n, seed in parts])


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_every_node_is_placed_apart_from_every_other(graph):
    placed = _layout(graph)
    assert set(placed) == set(graph)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in placed.values())
    for (a, pa), (b, pb) in itertools.combinations(placed.items(), 2):
        assert math.dist(pa, pb) > 1.0, (a, b, pa, pb)


def test_same_graph_same_positions():
    graph = nx.barabasi_albert_graph(400, 2, seed=3)  # above the exact limit: pivot MDS
    assert _layout(graph) == _layout(graph)


def test_components_do_not_overlap():
    graph = nx.disjoint_union_all([nx.star_graph(30), nx.cycle_graph(12), nx.path_graph(5)])
    placed = _layout(graph)
    boxes = []
    for component in nx.connected_components(graph):
        xs = [placed[n][0] for n in component]
        ys = [placed[n][1] for n in component]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) in itertools.combinations(boxes, 2):
        assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0


def test_edges_are_about_the_spring_length():
    graph = nx.grid_2d_graph(12, 12)
    placed = _layout(graph)
    lengths = sorted(math.dist(placed[a], placed[b]) for a, b in graph.edges)
    assert 0.8 * EDGE_LENGTH < lengths[len(lengths) // 2] < 1.2 * EDGE_LENGTH


def test_a_path_is_laid_out_as_a_line():
    placed = _layout(nx.path_graph(6))
    ends = math.dist(placed[0], placed[5])
    assert ends > 4 * EDGE_LENGTH  # stretched out, not folded


def test_empty_and_edgeless():
    assert positions([], []) == {}
    assert len(set(positions(["a", "b", "c"], []).values())) == 3
