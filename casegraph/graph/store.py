"""The persistent store: one named graph per review in an on-disk Oxigraph dataset.

Oxigraph (RocksDB) lets one process write and any number read, so writers take a lock file
and wait their turn, and readers open the store read-only. A reload first checks the whole
file, then swaps the review's graph: bad input never reaches the store.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import ReviewNotFound, StoreError
from casegraph.loaders.base import PreparedReview
from casegraph.loaders.convert import review_iri
from casegraph.ontology import CG, CODES_FILE, ONTOLOGY_FILE, RDF, RDFS

ONTOLOGY_GRAPH = "https://w3id.org/casegraph/ontology"
META_GRAPH = "https://w3id.org/casegraph/store"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
LOCK_TIMEOUT_SECONDS = 600
EXPORT_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                  "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def default_store_path() -> Path:
    """$CASEGRAPH_STORE, else the user's data directory (e.g. ~/.local/share/casegraph/store)."""
    if env := os.environ.get("CASEGRAPH_STORE"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("casegraph")) / "store"


@dataclass(frozen=True)
class ReviewSummary:
    review_id: str
    title: str
    year: int | None
    kind: str
    triples: int
    source: str
    loaded_at: str


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


class ReviewStore:
    """Open with ReviewStore.open(path) to read, ReviewStore.open(path, write=True) to change."""

    def __init__(self, store: ox.Store, path: Path, writable: bool):
        self._store = store
        self.path = path
        self.writable = writable

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None = None, *, write: bool = False) -> Iterator[ReviewStore]:
        path = Path(path) if path else default_store_path()
        if not write:
            if not (path / "CURRENT").exists():
                raise StoreError(f"no casegraph store at {path}; load reviews first "
                                 f"(casegraph load PATH --store {path})")
            try:
                store = ox.Store.read_only(str(path))
            except OSError as error:
                raise StoreError(f"cannot open the store at {path} for reading: {error}") from None
            yield cls(store, path, False)
            return
        from filelock import FileLock, Timeout

        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the store directory {path}: {error.strerror}") from None
        lock = FileLock(str(path.parent / f".{path.name}.lock"))
        try:
            with lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
                try:
                    store = ox.Store(str(path))
                except OSError as error:
                    raise StoreError(f"cannot open the store at {path} for writing: {error}") from None
                instance = cls(store, path, True)
                instance._ensure_ontology()
                try:
                    yield instance
                finally:
                    store.flush()
                    del instance, store
        except Timeout:
            raise StoreError(f"another casegraph process has held the store {path} for "
                             f"{LOCK_TIMEOUT_SECONDS} s; try again when it has finished") from None

    def _ensure_ontology(self) -> None:
        """Keep the ontology and code lists in a graph of their own, so SPARQL can use labels."""
        digest = hashlib.sha256(ONTOLOGY_FILE.read_bytes() + CODES_FILE.read_bytes()).hexdigest()
        marker = ox.Quad(_n(META_GRAPH), _n(CG + "ontologyDigest"), ox.Literal(digest), _n(META_GRAPH))
        if marker in self._store:
            return
        graph = _n(ONTOLOGY_GRAPH)
        self._store.remove_graph(graph) if self._store.contains_named_graph(graph) else None
        for path in (ONTOLOGY_FILE, CODES_FILE):
            self._store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        for old in list(self._store.quads_for_pattern(_n(META_GRAPH), _n(CG + "ontologyDigest"), None,
                                                      _n(META_GRAPH))):
            self._store.remove(old)
        self._store.add(marker)

    # -- writing ---------------------------------------------------------------------------
    def replace(self, reviews: Iterable[PreparedReview]) -> None:
        """Store these reviews, each replacing any earlier version of itself exactly."""
        self._require_writable()
        reviews = list(reviews)
        now = ox.Literal(dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                         datatype=_n("http://www.w3.org/2001/XMLSchema#dateTime"))
        with _deferred_interrupt():
            for review in reviews:
                self._drop(review.iri)
            # Our own serialisation, so IRIs need no second validation (lenient).
            self._store.bulk_load(b"".join(review.nquads for review in reviews), format=ox.RdfFormat.N_QUADS,
                                  lenient=True)
            meta = _n(META_GRAPH)
            self._store.extend(
                quad for review in reviews for quad in (
                    ox.Quad(_n(review.iri), _n(DCTERMS + "source"), ox.Literal(str(review.source)), meta),
                    ox.Quad(_n(review.iri), _n(PROV + "generatedAtTime"), now, meta),
                    ox.Quad(_n(review.iri), _n(CG + "tripleCount"), ox.Literal(review.triples), meta)))

    def remove(self, review_id: str) -> None:
        self._require_writable()
        iri = review_iri(review_id)
        if not self._store.contains_named_graph(_n(iri)):
            raise ReviewNotFound(self._not_found(review_id))
        with _deferred_interrupt():
            self._drop(iri)

    def _drop(self, iri: str) -> None:
        node = _n(iri)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)
        for quad in list(self._store.quads_for_pattern(node, None, None, _n(META_GRAPH))):
            self._store.remove(quad)

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError("the store was opened read-only")

    # -- reading ---------------------------------------------------------------------------
    def review_ids(self) -> list[str]:
        prefix = review_iri("")
        return sorted(g.value[len(prefix):] for g in self._store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))

    def __contains__(self, review_id: str) -> bool:
        return self._store.contains_named_graph(_n(review_iri(review_id)))

    def summary(self, review_id: str) -> ReviewSummary:
        iri = review_iri(review_id)
        if review_id not in self:
            raise ReviewNotFound(self._not_found(review_id))
        node, graph, meta = _n(iri), _n(iri), _n(META_GRAPH)

        def value(predicate: str, graph_name=graph) -> str:
            quad = next(self._store.quads_for_pattern(node, _n(predicate), None, graph_name), None)
            return quad.object.value if quad else ""

        year = value(CG + "publicationYear")
        triples = value(CG + "tripleCount", meta)
        return ReviewSummary(
            review_id, value(RDFS + "label"), int(year) if year.isdigit() else None,
            value(CG + "reviewKind").rsplit("/", 1)[-1], int(triples) if triples else len(self.quads(review_id)),
            value(DCTERMS + "source", meta), value(PROV + "generatedAtTime", meta))

    def summaries(self) -> list[ReviewSummary]:
        return [self.summary(review_id) for review_id in self.review_ids()]

    def quads(self, review_id: str) -> list[ox.Quad]:
        if review_id not in self:
            raise ReviewNotFound(self._not_found(review_id))
        return list(self._store.quads_for_pattern(None, None, None, _n(review_iri(review_id))))

    def query(self, sparql: str, *, review_graphs_only: bool = True, **options):
        """Run SPARQL over the union of the review graphs (plus the ontology when asked)."""
        graphs = [_n(review_iri(r)) for r in self.review_ids()]
        if not review_graphs_only:
            graphs.append(_n(ONTOLOGY_GRAPH))
        return self._store.query(sparql, default_graph=graphs or [_n(META_GRAPH)], **options)

    def dump(self, output, format_name: str, review_ids: list[str] | None = None) -> None:
        """Write the chosen reviews (default: all) as turtle, trig, nquads, ntriples or jsonld."""
        fmt = EXPORT_FORMATS[format_name]
        chosen = review_ids or self.review_ids()
        for review_id in chosen:
            if review_id not in self:
                raise ReviewNotFound(self._not_found(review_id))
        quads = (q for r in chosen for q in self._store.quads_for_pattern(None, None, None, _n(review_iri(r))))
        if not fmt.supports_datasets:
            quads = (ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        ox.serialize(quads, output, format=fmt, prefixes=_PREFIXES)

    def __len__(self) -> int:
        return sum(1 for _ in self.review_ids())

    def _not_found(self, review_id: str) -> str:
        known = self.review_ids()
        import difflib

        close = difflib.get_close_matches(review_id, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (f"no review {review_id!r} in the store at {self.path}{hint} "
                f"({len(known)} review(s) stored; see casegraph list)")


_PREFIXES = {"cg": CG, "rdf": RDF, "rdfs": RDFS}


@contextlib.contextmanager
def _deferred_interrupt():
    """Hold Ctrl-C until a graph swap has finished, so a review is never left half-written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt
