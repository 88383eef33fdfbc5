"""How many decisions an analyst needs to resolve a corpus pair by pair, and cluster by cluster.

The analyst is simulated and answers from the ground truth (record -> true entity; a record the
truth does not name is an entity of its own). Both ways start from the same candidates (those at
the threshold) and end with the same links: every true pair among the candidates joined.

- **Pair by pair** (`casegraph link accept|reject`): every candidate pair needs a decision, since
  `link candidates` lists each undecided pair. Also counted: an analyst who, going best first,
  skips the pairs that the pairs they accepted already join (a lower bound no listing gives).
- **Cluster by cluster** (`casegraph link accept-cluster|split`): in rounds, every cluster not yet
  accepted is decided in one step: accepted when all its records are one true entity, else split
  along the truth (one part per true entity). Its parts are clusters of the next round. Last, each
  candidate pair still undecided and not joined by the links (pairs a splitting rule cut) is
  decided pair by pair.

Runs `clusters.build_clusters` in memory (no store): the same rules as `casegraph link clusters`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from casegraph.linking.closure import components
from casegraph.linking.clusters import REJECTED, build_clusters


@dataclass(frozen=True)
class _Verdict:  # what build_clusters reads of a decision
    candidate_id: str
    left: str
    right: str
    verdict: str
    score: float


@dataclass(frozen=True)
class Effort:
    candidates: int
    pair_decisions: int  # one per candidate pair
    pair_decisions_skipping_implied: int  # best first, skipping pairs already joined by acceptances
    cluster_decisions: int  # accepts + splits + pairs left
    accepts: int
    splits: int
    pairs_left: int  # pairs cut by the splitting rules, decided one by one
    rounds: int
    entities: int  # true entities of 2+ records the candidates join
    same_result: bool  # both ways end with the same entities


def cluster_effort(candidates: Sequence, truth: Mapping[str, str]) -> Effort:
    """Decisions needed pair by pair and cluster by cluster (see the module's docstring)."""
    def entity(iri: str) -> str:
        return truth.get(iri) or "record:" + iri

    def same(c) -> bool:
        return entity(c.left) == entity(c.right)

    true_pairs = [c for c in candidates if same(c)]
    target = _entities(true_pairs)
    skipping = 0
    joined = _Joined()
    for c in sorted(candidates, key=lambda c: (-c.score, c.id)):
        if joined.same(c.left, c.right):
            continue
        skipping += 1
        if same(c):
            joined.join(c.left, c.right)
    current: dict[frozenset[str], _Verdict] = {}

    def decide(pair, verdict: str) -> None:
        c = by_pair[frozenset((pair.left, pair.right))]
        current[frozenset((c.left, c.right))] = _Verdict(c.id, c.left, c.right, verdict, c.score)

    by_pair = {frozenset((c.left, c.right)): c for c in candidates}
    accepts = splits = rounds = 0
    while True:
        open_clusters = [k for k in build_clusters(candidates, current) if not k.decided]
        if not open_clusters:
            break
        rounds += 1
        for cluster in open_clusters:
            if len({entity(iri) for iri in cluster.iris}) == 1:
                accepts += 1
                for pair in cluster.undecided_pairs():
                    decide(pair, "accepted")
            else:
                splits += 1
                for pair in cluster.pairs:
                    if pair.status != REJECTED and entity(pair.left) != entity(pair.right):
                        decide(pair, "rejected")
        if rounds > 10 * len(candidates) + 10:
            raise RuntimeError("the cluster simulation does not converge")  # a bug, never an analyst's doing
    accepted = [tuple(pair) for pair, v in current.items() if v.verdict == "accepted"]
    links = _Joined()
    for a, b in accepted:
        links.join(a, b)
    left = 0
    for c in sorted(candidates, key=lambda c: (-c.score, c.id)):
        pair = frozenset((c.left, c.right))
        if pair in current or links.same(c.left, c.right):
            continue
        left += 1
        current[pair] = _Verdict(c.id, c.left, c.right, "accepted" if same(c) else "rejected", c.score)
        if same(c):
            accepted.append((c.left, c.right))
            links.join(c.left, c.right)
    result = _entities([by_pair[frozenset(p)] for p in accepted])
    return Effort(len(candidates), len(candidates), skipping, accepts + splits + left, accepts, splits, left,
                  rounds, len(target), result == target)


class _Joined:
    """Records joined so far (union-find, grown one pair at a time)."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        root = node
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while node != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def same(self, a: str, b: str) -> bool:
        return self.find(a) == self.find(b)


def _entities(pairs) -> set[frozenset[str]]:
    root = components((c.left, c.right) for c in pairs)
    grouped: dict[str, set[str]] = {}
    for iri, representative in root.items():
        grouped.setdefault(representative, set()).add(iri)
    return {frozenset(group) for group in grouped.values() if len(group) > 1}

