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
from collections.abc import Hashable, Mapping, Sequence

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


GROUP_GAP = 2.0 * EDGE_LENGTH  # pixels between the circles round two groups
SCREEN_ASPECT = 1.6  # width over height of the space a page draws in


def grouped_positions(groups: Mapping[Hashable, Sequence[Hashable]], edges: Sequence[tuple[Hashable, Hashable]],
                      radius: Mapping[Hashable, float], loose: Sequence[Hashable] = ()
                      ) -> tuple[dict[Hashable, tuple[float, float]], dict[Hashable, tuple[float, float, float]]]:
    """Positions with each group's nodes together (a corpus's reviews by area), no two nodes'
    circles (`radius` in pixels) overlapping, groups joined by more edges nearer each other, and
    each `loose` node (in no group: an entity in many reviews) at the middle of its neighbours.
    Also each group's circle: x, y and radius."""
    import numpy as np

    member = {node: key for key, nodes in groups.items() for node in nodes}
    placed: dict[Hashable, tuple[float, float]] = {}
    circles: dict[Hashable, tuple[np.ndarray, float]] = {}
    for key, nodes in groups.items():
        inside = [(a, b) for a, b in edges if member.get(a) == key and member.get(b) == key]
        where = positions(list(nodes), inside)
        coords = _apart(np.array([where[n] for n in nodes], dtype=float), np.array([radius[n] for n in nodes]))
        centre = coords.mean(axis=0)
        reach = float(np.max(np.linalg.norm(coords - centre, axis=1) + [radius[n] for n in nodes]))
        circles[key] = (centre, reach)
        placed.update((n, (x - centre[0], y - centre[1])) for n, (x, y) in zip(nodes, coords.tolist()))
    keys = list(groups)
    centres = _group_centres(keys, [(member[a], member[b]) for a, b in edges
                                    if a in member and b in member and member[a] != member[b]],
                             np.array([circles[k][1] for k in keys]))
    for key, (cx, cy) in zip(keys, centres.tolist()):
        for node in groups[key]:
            x, y = placed[node]
            placed[node] = (round(x + cx, 1), round(y + cy, 1))
    neighbours: dict[Hashable, list] = {node: [] for node in loose}
    for a, b in edges:
        if a in neighbours and b in placed:
            neighbours[a].append(placed[b])
        elif b in neighbours and a in placed:
            neighbours[b].append(placed[a])
    for rank, (node, around) in enumerate(neighbours.items()):
        x, y = np.mean(around, axis=0) if around else (0.0, 0.0)
        step = EDGE_LENGTH * 0.3 * math.sqrt(rank % 7)  # hubs of the same reviews not on one spot
        placed[node] = (round(float(x) + step * math.cos(rank * GOLDEN_ANGLE), 1),
                        round(float(y) + step * math.sin(rank * GOLDEN_ANGLE), 1))
    return placed, {k: (round(float(x), 1), round(float(y), 1), round(circles[k][1], 1))
                    for k, (x, y) in zip(keys, centres.tolist())}


def _group_centres(keys, between, reach):
    """Group centres by classical scaling of distances that shrink with the edges between two
    groups, then pushed apart until no two groups' circles (radius `reach`) overlap."""
    import numpy as np

    count = len(keys)
    if count == 1:
        return np.zeros((1, 2))
    at = {key: i for i, key in enumerate(keys)}
    weight = np.zeros((count, count))
    for a, b in between:
        weight[at[a], at[b]] += 1
        weight[at[b], at[a]] += 1
    strongest = weight.max() or 1.0
    distances = np.zeros_like(weight)
    np.divide(1.0, np.sqrt(weight / strongest), out=distances, where=weight > 0)
    distances[weight == 0] = (distances.max() or 1.0) * 1.5
    np.fill_diagonal(distances, 0.0)
    coords = _classical_mds(distances)
    coords = coords / (np.abs(coords).max() or 1.0) * float(reach.sum())  # room for all, then packed in
    return _apart(_spread(coords), reach, gap=GROUP_GAP, pull=True)


def _apart(coords, radii, gap: float = 6.0, pull: bool = False):
    """Circles moved apart, each pair half the overlap each, until none overlap (`pull`: first drawn
    together towards the middle, so groups placed far apart close up without touching)."""
    import numpy as np
    from scipy.spatial import cKDTree

    coords = np.array(coords, dtype=float)
    if len(coords) < 2:
        return coords
    reach = float(radii.max()) * 2 + gap
    for step in range(300):
        if pull and step < 100:  # harder upwards than sideways: a screen is wider than tall
            coords -= (coords - coords.mean(axis=0)) * np.array([0.05 / SCREEN_ASPECT, 0.05])
        pairs = cKDTree(coords).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            if not pull or step >= 100:
                break
            continue
        a, b = pairs[:, 0], pairs[:, 1]
        apart = coords[b] - coords[a]
        distance = np.linalg.norm(apart, axis=1)
        overlap = radii[a] + radii[b] + gap - distance
        close = overlap > 0
        if not close.any():
            if not pull or step >= 100:
                break
            continue
        a, b, apart, distance, overlap = a[close], b[close], apart[close], distance[close], overlap[close]
        same = distance < 1e-9
        apart[same] = np.stack([np.cos(a[same] * GOLDEN_ANGLE), np.sin(a[same] * GOLDEN_ANGLE)], axis=1)
        distance[same] = 1.0
        push = apart / distance[:, None] * (overlap[:, None] * 0.5 + 0.01)
        np.subtract.at(coords, a, push)
        np.add.at(coords, b, push)
    return coords
