"""Each review's part of the property-graph view, derived once and kept beside the review.

Deriving the view from quads is most of the wait before a first Cypher answer or picture of a
big corpus (reading 1.1M quads back out of Oxigraph into Python and folding them into nodes).
Every record's IRI belongs to its review, so each review's part (`ReviewFragment`) depends
only on that review's quads: it is derived when the review is loaded (on the loader's worker
processes, from quads they hold anyway) and written to `<store>/views/` under the review's
digest (the hash of its quads, as the catalog has it) and the view rules' version. A question
then reads the fragments and combines them with the analysts' links (`combine_view`); a review
loaded another way (an import, a restore) or a store from before gets its fragment on first
read. A file is never changed, only replaced by one of another name, so readers and writers
need no lock; `ReviewStore.rebuild` deletes the fragments of reviews no longer stored.

The files are JSON (orjson): plain values, nothing executable, readable by any tool.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import orjson

from casegraph.graph.view_files import keep_views, kept_part
from casegraph.memory import without_cycle_collection
from casegraph.graph.view import (Node, PropertyGraph, Relationship, ReviewFragment, combine_view, review_fragment,
                                  view_rules)

if TYPE_CHECKING:
    import pyoxigraph as ox

    from casegraph.graph.store import ReviewStore

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def relationship_rows(relationships: list[Relationship]) -> list:
    """Relationships as JSON rows [type, start, end(, properties)], their review left to the reader."""
    return [[r.type, r.start, r.end, r.properties] if r.properties else [r.type, r.start, r.end]
            for r in relationships]


def relationships_from_rows(rows: list, review: str | None) -> list[Relationship]:
    made = []
    for row in rows:
        # A frozen dataclass's __init__ sets each field through object.__setattr__: for the
        # hundreds of thousands of a corpus, filling __dict__ directly is three times quicker.
        relationship = object.__new__(Relationship)
        relationship.__dict__.update(type=row[0], start=row[1], end=row[2], review=review,
                                     properties=row[3] if len(row) > 3 else {})
        made.append(relationship)
    return made


def fragment_bytes(fragment: ReviewFragment) -> bytes:
    return orjson.dumps({"review": fragment.review,
                         "nodes": [[n.iri, sorted(n.labels), n.properties] for n in fragment.nodes.values()],
                         "relationships": relationship_rows(fragment.relationships),
                         "extra": relationship_rows(fragment.extra), "outward": relationship_rows(fragment.outward)})


def fragment_from_bytes(data: bytes) -> ReviewFragment:
    found = orjson.loads(data)
    review = found["review"]
    return ReviewFragment(review, {iri: Node(iri, set(labels), properties) for iri, labels, properties in found["nodes"]},
                          relationships_from_rows(found["relationships"], review),
                          relationships_from_rows(found["extra"], review),
                          relationships_from_rows(found["outward"], review))


def fragment_of(quads: Iterable[ox.Quad]) -> bytes:
    """The stored form of one review's fragment, from its quads (a loader's worker calls this)."""
    return fragment_bytes(review_fragment(quads))


@without_cycle_collection()  # a corpus's nodes and relationships: 2.5 s with collector passes, 0.7 s without
def fragments(store: ReviewStore, reviews: list[str] | None = None,
              progress: Progress | None = None) -> list[ReviewFragment]:
    """The fragment of each chosen review (None: all), read from beside the store or, where
    missing (or the review changed by a SPARQL update), derived from its quads and kept."""
    chosen = store.review_ids() if reviews is None else reviews
    digests = store.digests()
    found, derived = [], []
    for done, review in enumerate(chosen, 1):
        digest = digests.get(review)
        fragment = _kept(store, digest) if digest else None
        if fragment is None:
            fragment = review_fragment(store.review_quads([review], links=False))
            if digest:
                derived.append((digest, fragment_bytes(fragment)))
        found.append(fragment)
        if progress:
            progress("reading reviews", done, len(chosen))
    if derived:
        keep_views(store.path, derived)
    return found


def _kept(store: ReviewStore, digest: str) -> ReviewFragment | None:
    """The kept fragment of this digest, or None (see `view_files.kept_part`)."""
    return kept_part(store.path, view_rules(), digest, fragment_from_bytes)


@without_cycle_collection()
def view_of_store(store: ReviewStore, progress: Progress | None = None,
                  reviews: list[str] | None = None) -> PropertyGraph:
    """The view of every stored review (or the chosen `reviews`) and the analysts' links, from each
    review's fragment; `progress(stage, done, total)` is called as each review is read."""
    return combine_view(fragments(store, reviews or None, progress), store.links_quads())
