"""What the store derives from each review's graph and keeps in it: its connections.

A review loaded now arrives with its connections (casegraph.ontology.connections, derived by
the loader). A store written under an older rule, a backup restored from one, or reviews
changed by a SPARQL update hold none or stale ones; these bring them in line, in place, and give
each changed review the digest of what its graph now holds, so every view derived from it is
derived again and nothing else is.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from casegraph.ontology import review_iri
from casegraph.ontology.connections import CONNECTED_THROUGH, READS, with_connections


def review_digest(nquads: bytes) -> str:
    """The same for the same quads in any order (a converter's sets come out in hash-seeded order)."""
    return hashlib.sha256(b"\n".join(sorted(nquads.splitlines()))).hexdigest()


def derive_connections(store: ox.Store, review_ids: Iterable[str]) -> dict[str, str]:
    """Each review's connections made those its graph's other quads give; for each review whose
    graph this changed, the digest of its graph now. Reads only what the rule reads."""
    graphs = {review_iri(review_id): review_id for review_id in review_ids}
    read: dict[str, list[ox.Quad]] = defaultdict(list)
    held: dict[str, set[ox.Quad]] = defaultdict(set)
    for predicate, obj in READS:
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), obj and ox.NamedNode(obj)):
            if quad.graph_name.value in graphs:
                read[quad.graph_name.value].append(quad)
    for quad in store.quads_for_pattern(None, ox.NamedNode(CONNECTED_THROUGH), None):
        if quad.graph_name.value in graphs:
            held[quad.graph_name.value].add(quad)
    changed: dict[str, str] = {}
    for graph, review_id in graphs.items():
        wanted = set(with_connections(read[graph], graph)) - set(read[graph])
        if held[graph] == wanted:
            continue
        for quad in held[graph] - wanted:
            store.remove(quad)
        store.extend(list(wanted - held[graph]))
        now = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        # the digest its file's quads have when the graph is the file's (review_digest ignores order)
        changed[review_id] = review_digest(ox.serialize(now, format=ox.RdfFormat.N_QUADS))
    return changed
