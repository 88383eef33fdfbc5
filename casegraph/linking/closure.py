"""What the decisions in force imply together: accepted pairs chain into one entity (owl:sameAs is
transitive), and a rejected pair whose two records such a chain joins is a contradiction.

Accepted A=B and B=C make A=C by closure; if A=C is rejected, the decisions contradict each
other. `contradictions` finds every such rejection with the chain of acceptances that joins its
records; `new_contradictions` finds those a change would add, so a decision that would create
one can be refused (`decisions.accept(..., force=False)`) while contradictions already there do
not block unrelated decisions.

Plain functions over decisions as `decisions` stores them (anything with left, right, verdict,
candidate_id, analyst and when); this module imports nothing of `decisions`, so `decisions` can
use it.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casegraph.linking.deciding import DecisionError
from casegraph.ontology import short_id


class ContradictionError(DecisionError):
    """The decision would contradict decisions in force; nothing was changed."""


@dataclass(frozen=True)
class Contradiction:
    """A rejection in force whose two records the acceptances in force make one entity."""

    rejected: object  # the Decision rejecting the pair
    path: tuple  # the accepted Decisions chaining rejected.left to rejected.right, in order

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.rejected.left, self.rejected.right))

    def describe(self) -> str:
        """One line naming the rejection and the acceptances that contradict it."""
        rejected = self.rejected
        chain = ", ".join(f"{d.candidate_id} ({short_id(d.left)} = {short_id(d.right)})" for d in self.path)
        return (f"{rejected.analyst} rejected {rejected.candidate_id} ({short_id(rejected.left)} and "
                f"{short_id(rejected.right)}) at {rejected.when}, but the acceptances {chain} make them one entity")


def components(pairs: Iterable[Iterable[str]]) -> dict[str, str]:
    """Record -> a representative of its connected component (union-find over the pairs)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        left, right = sorted(pair)
        root_left, root_right = find(left), find(right)
        if root_left != root_right:
            parent[max(root_left, root_right)] = min(root_left, root_right)
    return {node: find(node) for node in list(parent)}


def accepted_path(accepted: Mapping[frozenset[str], object], start: str, end: str) -> tuple | None:
    """The shortest chain of accepted decisions from `start` to `end` (breadth first), or None."""
    neighbours: dict[str, list[tuple[str, object]]] = {}
    for pair, decision in sorted(accepted.items(), key=lambda item: sorted(item[0])):
        left, right = sorted(pair)
        neighbours.setdefault(left, []).append((right, decision))
        neighbours.setdefault(right, []).append((left, decision))
    came_from: dict[str, tuple[str, object] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == end:
            path = []
            while came_from[node] is not None:
                node, decision = came_from[node]
                path.append(decision)
            return tuple(reversed(path))
        for other, decision in neighbours.get(node, ()):
            if other not in came_from:
                came_from[other] = (node, decision)
                queue.append(other)
    return None


def contradictions(current: Mapping[frozenset[str], object]) -> list[Contradiction]:
    """Every rejection in `current` (pair -> the decision in force on it) that the acceptances in
    `current` contradict, in the order of the rejected pairs' candidate ids."""
    accepted = {pair: d for pair, d in current.items() if d is not None and d.verdict == "accepted"}
    rejected = [d for d in current.values() if d is not None and d.verdict == "rejected"]
    joined = components(accepted)
    found = []
    for decision in sorted(rejected, key=lambda d: d.candidate_id):
        root = joined.get(decision.left)
        if root is not None and root == joined.get(decision.right):
            found.append(Contradiction(decision, accepted_path(accepted, decision.left, decision.right) or ()))
    return found


def new_contradictions(current: Mapping[frozenset[str], object],
                       changes: Mapping[frozenset[str], object]) -> list[Contradiction]:
    """The contradictions there would be once each pair in `changes` has that decision in force
    (None: undecided), and that are not there now: the ones these changes would create."""
    before = {c.pair for c in contradictions(current)}
    after = dict(current)
    after.update(changes)
    return [c for c in contradictions(after) if c.pair not in before or c.pair in changes]


def in_force(all_histories: Mapping[frozenset[str], object]) -> dict[frozenset[str], object]:
    """Pair -> the decision in force on it, from `decisions.histories` (undecided pairs left out)."""
    return {pair: h.current for pair, h in all_histories.items() if h.current is not None}
