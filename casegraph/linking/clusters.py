"""Possible entities: the candidate matches grouped into clusters an analyst can decide whole.

A cluster starts as a connected component of the graph whose nodes are records and whose edges
are the candidate pairs at or above the threshold, the pairs accepted in force (at any score) and
the pairs a review itself says are one (`candidate_cache.told_as_one`); rejected pairs are not
edges. Two rules then split a component, so that no cluster claims more than the evidence does:

1. **A rejection splits.** When a rejected pair's two records are still joined (through other
   pairs), the undecided pairs of a minimum cut between them are cut: the set of undecided pairs
   of the least total score whose removal separates the two records (`networkx.minimum_cut`,
   each undecided pair's capacity its score; accepted and stated pairs are never cut). Rejections
   are applied one after another in the order of their candidate ids. If only accepted pairs
   join the two records, no cut exists: the decisions contradict each other, the cluster keeps
   them together with the status "contradiction" and `casegraph link check` reports it.
2. **A weak bridge splits.** An undecided pair that is a bridge (the only chain between its two
   sides), with at least two records on each side, and whose score is below that of every pair
   inside either side, is cut: two groups each held together more firmly than the one pair that
   joins them are shown apart, so that a single weak pair never merges two groups wholesale. The
   weakest such bridge goes first, and the rule is applied again to what is left. Once both sides
   are settled (each joined by accepted or stated pairs alone) the bridge is the only question
   left, and it is not cut: the cluster is shown joined, with the bridge as its weakest link.

A pair cut by either rule stays an undecided candidate (`link candidates` still lists it) and is
listed with the clusters on both sides (`Cluster.cut`), with the reason. A record left alone is
no cluster. Each cluster has a stable id: "k" and a hash of its sorted record IRIs (candidate ids
start with "c"), the same for the same records whatever was decided; its weakest link is the
undecided pair of lowest score on its maximum spanning tree (accepted pairs first), the pair on
which the best chain between its two halves depends, so the first to look at; and its status:
undecided (no pair inside accepted), partial, accepted (accepted or stated pairs alone join every
record: nothing left to decide) or contradiction.
"""
from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from casegraph.errors import UnknownName
from casegraph.linking.deciding import DecisionError
from casegraph.ontology import REVIEW, short_id

CLUSTER_PREFIX = "k"
ACCEPTED, STATED, UNDECIDED, REJECTED = "accepted", "stated", "undecided", "rejected"
STATUSES = ("undecided", "partial", "accepted", "contradiction")


class UnknownCluster(DecisionError, UnknownName):
    """No cluster has that id (at that threshold, with the decisions in force)."""


@dataclass(frozen=True)
class ClusterRecord:
    iri: str
    review: str
    label: str


@dataclass(frozen=True)
class ClusterPair:
    """A pair of records inside a cluster: an edge of it (or, in a contradiction, a rejected pair)."""

    candidate_id: str
    left: str
    right: str
    score: float | None
    status: str  # accepted | stated (a review says they are one) | undecided | rejected


@dataclass(frozen=True)
class CutPair:
    """A candidate pair from a record of the cluster to one outside it, cut by a splitting rule."""

    candidate_id: str
    inside: str
    outside: str
    score: float | None
    reason: str  # "rejection of cXXXXXXXXXX" or "weak bridge"


@dataclass(frozen=True)
class Cluster:
    id: str
    records: tuple[ClusterRecord, ...]
    pairs: tuple[ClusterPair, ...]
    weakest: ClusterPair | None  # None when nothing inside is undecided
    status: str  # one of STATUSES
    cut: tuple[CutPair, ...] = ()

    @property
    def size(self) -> int:
        return len(self.records)

    @property
    def iris(self) -> tuple[str, ...]:
        return tuple(r.iri for r in self.records)

    @property
    def reviews(self) -> tuple[str, ...]:
        return tuple(sorted({r.review for r in self.records}))

    @property
    def decided(self) -> bool:
        """Nothing is left to decide inside: accepted (or stated) pairs join every record."""
        return self.status == "accepted"

    def undecided_pairs(self) -> tuple[ClusterPair, ...]:
        return tuple(p for p in self.pairs if p.status == UNDECIDED)


def cluster_id(records: Iterable[str]) -> str:
    """The id of the cluster of these records, whatever their order.

    >>> cluster_id(["b", "a"]) == cluster_id(["a", "b"])
    True
    >>> cluster_id(["a", "b"])[0]
    'k'
    """
    return CLUSTER_PREFIX + hashlib.sha1(" ".join(sorted(set(records))).encode("utf-8")).hexdigest()[:10]


def build_clusters(candidates: Sequence, current: Mapping[frozenset[str], object],
                   stated: Iterable[frozenset[str]] = ()) -> list[Cluster]:
    """The clusters of `candidates` (all of them count: pass those at the threshold) given the
    decisions in force (`current`: pair -> Decision, as `closure.in_force` gives), biggest first.

    Pure: the store is read by `clusters`; tests and the effort simulation call this directly.
    """
    import networkx as nx

    graph = nx.Graph()
    info: dict[str, tuple[str, str]] = {}  # record -> (review, label)
    edges: dict[frozenset[str], dict] = {}
    for c in sorted(candidates, key=lambda c: c.id):
        info.setdefault(c.left, (getattr(c, "left_review", ""), getattr(c, "left_label", "")))
        info.setdefault(c.right, (getattr(c, "right_review", ""), getattr(c, "right_label", "")))
        edges[frozenset((c.left, c.right))] = {"cid": c.id, "score": float(c.score), "status": UNDECIDED}
    rejected = []
    for pair, decision in sorted(current.items(), key=lambda item: item[1].candidate_id):
        if decision.verdict == "rejected":
            edges.pop(pair, None)
            rejected.append(decision)
        elif decision.verdict == "accepted":
            score = edges[pair]["score"] if pair in edges else decision.score
            edges[pair] = {"cid": decision.candidate_id, "score": score, "status": ACCEPTED}
    for pair in stated:
        left, right = sorted(pair)
        edges.setdefault(pair, {"cid": _pair_id(left, right), "score": None, "status": STATED})["status"] = STATED
    for pair in sorted(edges, key=sorted):
        left, right = sorted(pair)
        data = dict(edges[pair])
        if data["status"] == UNDECIDED:
            data["capacity"] = data["score"]  # decided pairs have none: infinite, never cut
        graph.add_edge(left, right, **data)
    cut: dict[frozenset[str], tuple[dict, str]] = {}
    _split_by_rejections(graph, rejected, cut)
    _split_weak_bridges(graph, cut)
    found = [_cluster(graph, sorted(nodes), info, rejected, cut)
             for nodes in nx.connected_components(graph) if len(nodes) > 1]
    return sorted(found, key=lambda c: (-c.size, c.id))


def _pair_id(left: str, right: str) -> str:
    from casegraph.linking.results import candidate_id

    return candidate_id(left, right)


def _split_by_rejections(graph, rejected: list, cut: dict) -> None:
    import networkx as nx

    for decision in rejected:
        a, b = decision.left, decision.right
        if a not in graph or b not in graph or not nx.has_path(graph, a, b):
            continue
        part = graph.subgraph(nx.node_connected_component(graph, a))
        try:
            _, (side, _) = nx.minimum_cut(part, a, b, capacity="capacity")
        except nx.NetworkXUnbounded:  # only accepted pairs join them: a contradiction, kept together
            continue
        crossing = [(u, v) for u, v in part.edges() if (u in side) != (v in side)]
        for u, v in crossing:
            cut[frozenset((u, v))] = (dict(graph[u][v]), f"rejection of {decision.candidate_id}")
            graph.remove_edge(u, v)


def _split_weak_bridges(graph, cut: dict) -> None:
    import networkx as nx

    work = [sorted(nodes) for nodes in nx.connected_components(graph) if len(nodes) >= 4]
    while work:
        part = graph.subgraph(work.pop())
        weak = _weakest_bridge(part)
        if weak is None:
            continue
        u, v = weak
        cut[frozenset((u, v))] = (dict(graph[u][v]), "weak bridge")
        graph.remove_edge(u, v)
        work += [sorted(nx.node_connected_component(graph, node)) for node in (u, v)]
        work = [nodes for nodes in work if len(nodes) >= 4]


def _weakest_bridge(part) -> tuple[str, str] | None:
    """The lowest-scoring undecided bridge of `part` that rule 2 cuts, or None."""
    import networkx as nx

    chosen = None
    for u, v in nx.bridges(part):
        data = part[u][v]
        if data["status"] != UNDECIDED:
            continue
        rest = nx.restricted_view(part, [], [(u, v)])
        sides = [nx.node_connected_component(rest, u), nx.node_connected_component(rest, v)]
        if min(len(s) for s in sides) < 2:
            continue
        inside = [[d for _, _, d in rest.subgraph(s).edges(data=True)] for s in sides]
        if all(d["status"] != UNDECIDED for edges in inside for d in edges):
            continue  # both sides settled: the bridge is the one question left
        floor = min(_score(d) for edges in inside for d in edges)
        if data["score"] < floor and (chosen is None or (data["score"], data["cid"]) < chosen[0]):
            chosen = ((data["score"], data["cid"]), (u, v))
    return chosen[1] if chosen else None


def _score(data: dict) -> float:
    return 1.0 if data["score"] is None else data["score"]


def _cluster(graph, nodes: list[str], info: dict, rejected: list, cut: dict) -> Cluster:
    import networkx as nx

    members = set(nodes)
    part = graph.subgraph(nodes)
    pairs = [ClusterPair(d["cid"], u, v, d["score"], d["status"]) for u, v, d in part.edges(data=True)]
    pairs += [ClusterPair(r.candidate_id, r.left, r.right, r.score, REJECTED) for r in rejected
              if r.left in members and r.right in members]
    pairs.sort(key=lambda p: (p.score is None, p.score if p.score is not None else 0, p.candidate_id))
    settled = nx.Graph()
    settled.add_nodes_from(nodes)
    settled.add_edges_from((p.left, p.right) for p in pairs if p.status in (ACCEPTED, STATED))
    if any(p.status == REJECTED for p in pairs):
        status = "contradiction"
    elif nx.is_connected(settled):
        status = "accepted"
    else:
        status = "partial" if settled.number_of_edges() else "undecided"
    tree = _spanning_tree(part)
    open_edges = [ClusterPair(d["cid"], u, v, d["score"], d["status"]) for u, v, d in tree.edges(data=True)
                  if d["status"] == UNDECIDED]
    weakest = min(open_edges, key=lambda p: (p.score, p.candidate_id)) if open_edges else None
    leaving = []
    for pair, (data, reason) in sorted(cut.items(), key=lambda item: item[1][0]["cid"]):
        inside = [r for r in pair if r in members]
        if len(inside) == 1:
            (outside,) = pair - {inside[0]}
            leaving.append(CutPair(data["cid"], inside[0], outside, data["score"], reason))
    records = tuple(ClusterRecord(iri, *_review_and_label(iri, info)) for iri in nodes)
    return Cluster(cluster_id(nodes), records, tuple(pairs), weakest, status, tuple(leaving))


def _spanning_tree(part):
    """The maximum spanning tree, decided pairs first, then by score (ties by candidate id)."""
    import networkx as nx

    ranked = nx.Graph()
    ranked.add_nodes_from(part.nodes)
    for u, v, d in part.edges(data=True):
        ranked.add_edge(u, v, **d, rank=(2.0 if d["status"] != UNDECIDED else 0.0) + _score(d))
    return nx.maximum_spanning_tree(ranked, weight="rank")


def _review_and_label(iri: str, info: dict) -> tuple[str, str]:
    review, label = info.get(iri, ("", ""))
    if not review and iri.startswith(REVIEW):
        review = iri[len(REVIEW):].split("/")[0]
    return review, label


# -- from the store -------------------------------------------------------------------------------

def clusters(store, threshold: float | None = None, *, refresh: bool = False) -> list[Cluster]:
    """The clusters of the stored candidates at or above `threshold` (default: the matcher's) given
    the decisions in force, biggest first."""
    from casegraph.linking.candidate_cache import load_candidates, told_as_one
    from casegraph.linking.closure import in_force
    from casegraph.linking.decisions import histories

    found = load_candidates(store, threshold, refresh=refresh).candidates
    return build_clusters(found, in_force(histories(store)), told_as_one(store))


def find_cluster(found: Sequence[Cluster], wanted: str) -> Cluster:
    """The cluster with this id among `found`; UnknownCluster (with the closest id) if none."""
    for cluster in found:
        if cluster.id == wanted:
            return cluster
    close = difflib.get_close_matches(wanted, [c.id for c in found], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownCluster(f"no cluster {wanted!r} among the {len(found)} cluster(s){hint} (clusters change as pairs "
                         "are decided; list them with casegraph link clusters); nothing changed")


def resolve_record(cluster: Cluster, name: str) -> str:
    """The IRI of the record of `cluster` named by its IRI or its short id (review-id/item-id)."""
    for iri in cluster.iris:
        if name in (iri, short_id(iri)):
            return iri
    shown = ", ".join(short_id(i) for i in cluster.iris)
    raise DecisionError(f"{name!r} is not a record of cluster {cluster.id} (its records: {shown}); nothing changed")
