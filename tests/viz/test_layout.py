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


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=6), st.integers(0, 10_000))
def test_groups_are_drawn_apart_and_no_two_nodes_overlap(sizes, seed):
    from casegraph.viz.layout import grouped_positions

    groups = {f"area {g}": [(g, i) for i in range(n)] for g, n in enumerate(sizes)}
    nodes = [node for members in groups.values() for node in members]
    graph = nx.gnp_random_graph(len(nodes), 0.08, seed=seed)
    edges = [(nodes[a], nodes[b]) for a, b in graph.edges]
    radius = {node: 8 + (hash(node) % 20) for node in nodes}
    placed, circles = grouped_positions(groups, edges + [("hub", nodes[0]), ("hub", nodes[-1])], radius, loose=["hub"])
    assert set(placed) == set(nodes) | {"hub"} and set(circles) == set(groups)
    for a, b in itertools.combinations(nodes, 2):
        assert math.dist(placed[a], placed[b]) >= radius[a] + radius[b], (a, b)
    for key, members in groups.items():  # each node inside its group's circle
        x, y, r = circles[key]
        assert all(math.dist(placed[n], (x, y)) + radius[n] <= r + 1 for n in members)
    for (_, (ax, ay, ar)), (_, (bx, by, br)) in itertools.combinations(circles.items(), 2):
        assert math.dist((ax, ay), (bx, by)) >= ar + br  # and groups apart
    middle = [(a + b) / 2 for a, b in zip(placed[nodes[0]], placed[nodes[-1]])]
    assert math.dist(placed["hub"], middle) < EDGE_LENGTH  # a node in no group, between its neighbours


def test_groups_joined_by_more_are_nearer():
    from casegraph.viz.layout import grouped_positions

    groups = {name: [(name, i) for i in range(6)] for name in "abcd"}
    ring = [((g, i), (g, (i + 1) % 6)) for g in "abcd" for i in range(6)]
    between = [(("a", i), ("b", i)) for i in range(6)] + [(("c", 0), ("d", 0))] + [(("a", 0), ("c", 0))]
    _, circles = grouped_positions(groups, ring + between, dict.fromkeys(groups["a"] + groups["b"] + groups["c"]
                                                                          + groups["d"], 10.0))
    apart = {pair: math.dist(circles[pair[0]][:2], circles[pair[1]][:2]) for pair in itertools.combinations("abcd", 2)}
    assert apart[("a", "b")] == min(apart.values())
