"""Node positions computed before the page opens, so big networks are usable at once.

A browser's force simulation needs minutes to settle a few thousand nodes, and pyvis leaves
it all to the browser. Here each connected component is laid out by classical
multidimensional scaling of its graph distances (exact for components of up to
`EXACT_LIMIT` nodes; *pivot MDS* for larger ones, Brandes and Pich 2006, "Eigensolver methods
for progressive multidimensional scaling of large data": distances from `PIVOTS` far-apart
nodes, found by breadth-first search, so the cost is linear in the edges). Nodes that land on
one spot (leaves of one hub have equal distances to everything) are spread in a small
sunflower around it, components are scaled so a typical edge is `EDGE_LENGTH` pixels, and they
are packed in rows, largest first. The result is deterministic: the same graph gives the same
positions.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

EDGE_LENGTH = 90.0  # pixels, close to vis-network's default spring length
EXACT_LIMIT = 300
PIVOTS = 50
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def positions(nodes: Sequence[Hashable], edges: Sequence[tuple[Hashable, Hashable]]) -> dict[Hashable, tuple[float, float]]:
    """x, y in pixels for every node (edges in either direction; repeats and self-loops are fine)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    count = len(nodes)
    if count == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in edges if a != b], dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    adjacency = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(count, count)).tocsr()
    adjacency.data[:] = 1
    _, component = connected_components(adjacency, directed=False)
    members = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[members])) + 1
    groups = sorted(np.split(members, bounds), key=lambda g: (-len(g), g[0]))
    layouts = _layouts(groups, adjacency)
    placed = np.zeros((count, 2))
    boxes = []
    for group, coords in zip(groups, layouts):
        coords = coords - coords.min(axis=0)
        placed[group] = coords
        boxes.append(coords.max(axis=0))
    for group, offset in zip(groups, _pack(boxes)):
        placed[group] += offset
    placed -= placed.mean(axis=0)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, placed.tolist())}


BATCH_NODES = 1000  # small components are measured together, up to this many nodes at a time


def _layouts(groups, adjacency) -> list:
    """Each component's coordinates. Small components go through breadth-first search in batches
    (one sparse slice and one all-pairs search for thousands of them: most corpora are many small
    components, and a call per component would cost more than the search)."""
    import numpy as np
    from scipy.sparse.csgraph import shortest_path

    layouts: list = [None] * len(groups)
    batch: list[int] = []

    def flush() -> None:
        if not batch:
            return
        nodes = np.concatenate([groups[i] for i in batch])
        distances = shortest_path(adjacency[nodes][:, nodes], directed=False, unweighted=True)
        start = 0
        for i in batch:
            end = start + len(groups[i])
            layouts[i] = _from_distances(distances[start:end, start:end])
            start = end
        batch.clear()

    batched = 0
    for i, group in enumerate(groups):
        if len(group) == 1:
            layouts[i] = np.zeros((1, 2))
        elif len(group) == 2:
            layouts[i] = np.array([[0.0, 0.0], [EDGE_LENGTH, 0.0]])
        elif len(group) > EXACT_LIMIT:
            sub = adjacency[group][:, group]
            layouts[i] = _spread(_scaled(_pivot_mds(sub), sub.nonzero()))
        else:
            if batched + len(group) > BATCH_NODES:
                flush()
                batched = 0
            batch.append(i)
            batched += len(group)
    flush()
    return layouts


def _from_distances(distances):
    import numpy as np

    return _separated(_spread(_scaled(_classical_mds(distances), np.nonzero(distances == 1))))


def _classical_mds(distances):
    import numpy as np

    squared = distances ** 2
    centred = -0.5 * (squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean())
    values, vectors = np.linalg.eigh(centred)
    top = np.argsort(values)[::-1][:2]
    return vectors[:, top] * np.sqrt(np.maximum(values[top], 1e-9))


def _pivot_mds(adjacency):
    import numpy as np
    from scipy.sparse.csgraph import shortest_path

    n = adjacency.shape[0]
    pivots, nearest = [0], np.full(n, np.inf)
    columns = []
    for _ in range(min(PIVOTS, n)):
        column = shortest_path(adjacency, directed=False, unweighted=True, indices=pivots[-1])
        columns.append(column)
        nearest = np.minimum(nearest, column)
        pivots.append(int(np.argmax(nearest)))  # farthest from every pivot so far
    squared = np.stack(columns, axis=1) ** 2
    centred = -0.5 * (squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean())
    values, vectors = np.linalg.eigh(centred.T @ centred)  # pivots x pivots: small whatever the graph
    return centred @ vectors[:, np.argsort(values)[::-1][:2]]


def _scaled(coords, edges):
    """Coordinates scaled so the median edge (`edges`: arrays of start and end rows) is EDGE_LENGTH pixels long."""
    import numpy as np

    start, end = edges
    lengths = np.linalg.norm(coords[start] - coords[end], axis=1)
    lengths = lengths[lengths > 1e-9]
    return coords * (EDGE_LENGTH / float(np.median(lengths))) if len(lengths) else coords


def _spread(coords):
    """Nodes on one spot moved onto a sunflower around it, the first staying put."""
    import numpy as np

    keys = np.round(coords / (EDGE_LENGTH * 0.25)).astype(np.int64)
    order = np.lexsort((np.arange(len(keys)), keys[:, 1], keys[:, 0]))
    sorted_keys = keys[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = np.any(sorted_keys[1:] != sorted_keys[:-1], axis=1)
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.empty(len(order))
    rank[order] = np.arange(len(order)) - group_start
    radius = EDGE_LENGTH * 0.3 * np.sqrt(rank)
    angle = rank * GOLDEN_ANGLE
    return coords + np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


MIN_APART = 4.0  # pixels


def _separated(coords):
    """Nodes still closer than MIN_APART (two spots either side of a rounding boundary) pushed apart:
    the later of each pair moves round the earlier, until no pair is that close. For components laid
    out exactly (a pivot layout of tens of thousands is crowded everywhere and would not settle)."""
    import numpy as np
    from scipy.spatial import cKDTree

    coords = coords.copy()
    for attempt in range(1, 50):
        pairs = cKDTree(coords).query_pairs(MIN_APART, output_type="ndarray")
        if not len(pairs):
            break
        movers = np.unique(pairs.max(axis=1))
        angle = movers * GOLDEN_ANGLE + attempt
        coords[movers] += np.stack([np.cos(angle), np.sin(angle)], axis=1) * MIN_APART * 1.5
    return coords


def _pack(boxes):
    """Top-left offsets that put components (width, height) in rows, in the order given."""
    import numpy as np

    gap = EDGE_LENGTH
    area = sum((w + gap) * (h + gap) for w, h in boxes)
    width = max(max(w for w, _ in boxes) + gap, math.sqrt(area) * 1.2)
    offsets, x, y, row_height = [], 0.0, 0.0, 0.0
    for w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        offsets.append(np.array([x, y]))
        x += w + gap
        row_height = max(row_height, h)
    return offsets
