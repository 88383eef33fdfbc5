"""What the store derives from each review's graph and keeps in it: its connections.

A review loaded now arrives with its connections (casegraph.ontology.connections, derived by
the loader). A store written under an older rule, a backup restored from one, or reviews
changed by a SPARQL update hold none or stale ones; these bring them in line, in place, and give
each changed review the digest of what its graph now holds, so every view derived from it is
derived again and nothing else is.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from casegraph.ontology import review_iri
from casegraph.ontology.connections import CONNECTED_THROUGH, with_connections


def review_digest(nquads: bytes) -> str:
    """The same for the same quads in any order (a converter's sets come out in hash-seeded order)."""
    return hashlib.sha256(b"\n".join(sorted(nquads.splitlines()))).hexdigest()


def derive_connections(store: ox.Store, review_ids: Iterable[str]) -> dict[str, str]:
    """Each review's connections made those its graph's other quads give; for each review whose
    graph this changed, the digest of its graph now."""
    changed: dict[str, str] = {}
    predicate = ox.NamedNode(CONNECTED_THROUGH)
    for review_id in review_ids:
        graph = ox.NamedNode(review_iri(review_id))
        quads = list(store.quads_for_pattern(None, None, None, graph))
        held = {quad for quad in quads if quad.predicate == predicate}
        wanted = set(with_connections(quads, graph.value)) - (set(quads) - held)
        if held == wanted:
            continue
        for quad in held - wanted:
            store.remove(quad)
        store.extend(list(wanted - held))
        now = [quad for quad in quads if quad.predicate != predicate] + sorted(wanted, key=str)
        # the digest its file's quads have when the graph is the file's (review_digest ignores order)
        changed[review_id] = review_digest(ox.serialize(now, format=ox.RdfFormat.N_QUADS))
    return changed
