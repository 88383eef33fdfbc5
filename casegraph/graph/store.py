"""The persistent store: one named graph per review in an on-disk Oxigraph dataset.

Oxigraph (RocksDB) lets one process write and any number read, so writers take a lock file
and wait their turn, and readers open the store read-only. A reload first checks the whole
file, then swaps the review's graph: bad input never reaches the store.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import ReviewNotFound, StoreError
from casegraph.loaders.base import PreparedReview
from casegraph.ontology import CG, CODES_FILE, ONTOLOGY_FILE, PREFIXES, RDF, RDFS, review_iri

ONTOLOGY_GRAPH = "https://w3id.org/casegraph/ontology"
LINKS_GRAPH = "https://w3id.org/casegraph/links"  # analysts' accepted links (owl:sameAs) between records
DATABASE_DIR = "oxigraph"  # the Oxigraph (RocksDB) dataset inside the store directory
CATALOG_FILE = "reviews.json"  # where each review came from and when; kept out of the RDF union
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
        self._catalog = _read_catalog(path)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None = None, *, write: bool = False) -> Iterator[ReviewStore]:
        path = Path(path) if path else default_store_path()
        database = path / DATABASE_DIR
        if not write:
            if not (database / "CURRENT").exists():
                raise StoreError(f"no casegraph store at {path}; load reviews first "
                                 f"(casegraph load PATH --store {path})")
            yield cls(_open_read_only(database, path), path, False)
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
                    store = ox.Store(str(database))
                except OSError as error:
                    raise StoreError(f"cannot open the store at {path} for writing: {error}") from None
                instance = cls(store, path, True)
                del store
                try:
                    instance._ensure_ontology()
                    yield instance
                finally:
                    instance._store.flush()
                    # Dropping the last reference closes RocksDB, which waits for its background
                    # compactions; only then may the lock go, or a reader could open the store
                    # while a compaction deletes files it is about to read.
                    instance._store = None
        except Timeout:
            raise StoreError(f"another casegraph process has held the store {path} for "
                             f"{LOCK_TIMEOUT_SECONDS} s; try again when it has finished") from None

    def _ensure_ontology(self) -> None:
        """Keep the ontology and code lists in a graph of their own, so SPARQL can use labels."""
        digest = hashlib.sha256(ONTOLOGY_FILE.read_bytes() + CODES_FILE.read_bytes()).hexdigest()
        if self._catalog.get("ontology") == digest:
            return
        graph = _n(ONTOLOGY_GRAPH)
        if self._store.contains_named_graph(graph):
            self._store.remove_graph(graph)
        for path in (ONTOLOGY_FILE, CODES_FILE):
            self._store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        self._catalog["ontology"] = digest
        self._save_catalog()

    # -- writing ---------------------------------------------------------------------------
    def replace(self, reviews: Iterable[PreparedReview]) -> None:
        """Store these reviews, each replacing any earlier version of itself exactly."""
        self._require_writable()
        reviews = list(reviews)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with _deferred_interrupt():
            for review in reviews:
                self._drop(review.review_id)
            # Our own serialisation, so IRIs need no second validation (lenient).
            self._store.bulk_load(b"".join(review.nquads for review in reviews), format=ox.RdfFormat.N_QUADS,
                                  lenient=True)
            for review in reviews:
                self._catalog["reviews"][review.review_id] = {
                    "source": str(review.source), "loaded_at": now, "triples": review.triples}
            self._save_catalog()

    def optimize(self) -> None:
        """Compact the database after bulk loads (many small sorted files make scans slow)."""
        self._require_writable()
        self._store.optimize()

    def remove(self, review_id: str) -> None:
        self._require_writable()
        if review_id not in self:
            raise ReviewNotFound(self._not_found(review_id))
        with _deferred_interrupt():
            self._drop(review_id)
            self._save_catalog()

    def _drop(self, review_id: str) -> None:
        node = _n(review_iri(review_id))
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)
        self._catalog["reviews"].pop(review_id, None)

    def _save_catalog(self) -> None:
        target = self.path / CATALOG_FILE
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._catalog, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)  # readers see the old catalog or the new one, never half of one

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
        node = _n(iri)

        def value(predicate: str) -> str:
            quad = next(self._store.quads_for_pattern(node, _n(predicate), None, node), None)
            return quad.object.value if quad else ""

        year = value(CG + "publicationYear")
        entry = self._catalog["reviews"].get(review_id, {})
        triples = entry.get("triples")
        return ReviewSummary(
            review_id, value(RDFS + "label"), int(year) if year.isdigit() else None,
            value(CG + "reviewKind").rsplit("/", 1)[-1], triples if triples is not None else len(self.quads(review_id)),
            entry.get("source", ""), entry.get("loaded_at", ""))

    def summaries(self) -> list[ReviewSummary]:
        return [self.summary(review_id) for review_id in self.review_ids()]

    def quads(self, review_id: str) -> list[ox.Quad]:
        if review_id not in self:
            raise ReviewNotFound(self._not_found(review_id))
        return list(self._store.quads_for_pattern(None, None, None, _n(review_iri(review_id))))

    def review_quads(self, reviews: list[str] | None = None, *, links: bool = True) -> Iterator[ox.Quad]:
        """Every quad of the chosen reviews (default: all), then the analysts' links (unless not `links`)."""
        for review in reviews or self.review_ids():
            yield from self._graph_quads(_n(review_iri(review)))
        if links:
            yield from self.links_quads()

    def links_quads(self) -> Iterator[ox.Quad]:
        """The analysts' accepted links (owl:sameAs), from their own graph."""
        return self._graph_quads(_n(LINKS_GRAPH))

    def _graph_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        """Oxigraph dumps and re-parses N-Quads in Rust several times faster than Python can step
        through `quads_for_pattern`, so whole graphs are read that way."""
        if self._store.contains_named_graph(graph):
            data = self._store.dump(format=ox.RdfFormat.N_QUADS, from_graph=graph)
            for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)

    def query(self, sparql: str, *, reviews: list[str] | None = None, **options):
        """Run SPARQL with the union of all graphs as the default graph, or only `reviews`' graphs
        (with the ontology and links graphs, so labels and links still join).

        The union holds every review and the ontology graph (labels and code lists join
        directly); each review's graph also stays reachable by name (GRAPH ?g).
        """
        options.setdefault("prefixes", PREFIXES)
        if not reviews:
            # Oxigraph's union default graph is fast; a long explicit list of graphs is not.
            return self._store.query(sparql, use_default_graph_as_union=True, **options)
        for review_id in reviews:
            if review_id not in self:
                raise ReviewNotFound(self._not_found(review_id))
        chosen = [_n(review_iri(r)) for r in reviews]
        shared = [_n(ONTOLOGY_GRAPH), _n(LINKS_GRAPH)]  # labels, code lists and links still join
        return self._store.query(sparql, default_graph=chosen + shared, named_graphs=chosen + shared[1:],
                                 **options)

    def update(self, sparql: str) -> None:
        self._require_writable()
        with _deferred_interrupt():
            self._store.update(sparql, prefixes=PREFIXES)

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
        return len(self.review_ids())

    def _not_found(self, review_id: str) -> str:
        known = self.review_ids()
        import difflib

        close = difflib.get_close_matches(review_id, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (f"no review {review_id!r} in the store at {self.path}{hint} "
                f"({len(known)} review(s) stored; see casegraph list)")


_PREFIXES = {"cg": CG, "rdf": RDF, "rdfs": RDFS}


def _open_read_only(database: Path, path: Path, attempts: int = 5) -> ox.Store:
    """Open read-only, retrying briefly: a writer in another process may be replacing the very
    files a reader is opening (RocksDB then reports them missing, which passes in a moment)."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(database))
        except (OSError, RuntimeError) as error:
            if attempt == attempts - 1 or not ("Corruption" in str(error) or "No such file" in str(error)):
                raise StoreError(f"cannot open the store at {path} for reading: {error}") from None
            time.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


def _read_catalog(path: Path) -> dict:
    try:
        catalog = json.loads((path / CATALOG_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        catalog = {}
    except (OSError, ValueError) as error:
        raise StoreError(f"cannot read the store catalog {path / CATALOG_FILE}: {error}") from None
    catalog.setdefault("reviews", {})
    return catalog


def store_fingerprint(path: Path) -> tuple | None:
    """Names, sizes and times of the store's files: changes whenever a writer changes the store."""
    try:
        entries = list(os.scandir(path / DATABASE_DIR)) + [os.stat(path / CATALOG_FILE)]
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read the store directory {path}: {error.strerror}") from None
    return tuple(sorted(((e.name, e.stat().st_size, e.stat().st_mtime_ns) if isinstance(e, os.DirEntry)
                         else ("", e.st_size, e.st_mtime_ns)) for e in entries))


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
